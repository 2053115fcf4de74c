using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Luffy.Infrastructure;
using Luffy.Web.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Luffy.Web.Accounts;

/// <summary>Issues the API's HS256 tokens.</summary>
public sealed class TokenService(JwtSigningKey key, IOptions<JwtOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public string Issue(User user)
    {
        var jwt = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(AccountService.Claims(user)),
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + jwt.Lifetime,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
        });
    }
}

/// <summary>
/// The HS256 key: <c>Jwt:Key</c> when configured, otherwise (embedded mode) a random key generated once
/// and kept in <c>&lt;data directory&gt;/jwt-signing.key</c> so tokens survive a restart.
/// </summary>
public sealed class JwtSigningKey
{
    public SymmetricSecurityKey Key { get; }

    public JwtSigningKey(IOptions<JwtOptions> jwt, IOptions<LuffyOptions> luffy)
    {
        if (!string.IsNullOrWhiteSpace(jwt.Value.Key))
        {
            Key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.Value.Key));
            return;
        }
        var file = Path.Combine(luffy.Value.FullDataDirectory, "jwt-signing.key");
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(luffy.Value.FullDataDirectory);
            // False when another process created it first: then theirs is used.
            OwnerOnly.TryCreate(file, Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(64))));
        }
        OwnerOnly.File(file);
        Key = new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(file).Trim()));
    }
}
