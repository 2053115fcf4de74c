using System.Security.Claims;
using Luffy.Domain.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Luffy.Web.Accounts;

/// <summary>A refusal of a registration, with the field it is about (for inline errors on the page).</summary>
public sealed record AccountError(string Field, string Message);

/// <summary>
/// A login's outcome: the user, or the message to show; <see cref="Throttled"/> when the per-account limit refused
/// the attempt, with how long until it may be tried again when the limiter says.
/// </summary>
public sealed record LoginOutcome(User? User, string? Error = null, bool Throttled = false, TimeSpan? RetryAfter = null);

/// <summary>Registration and password checks, shared by the API (JWT) and the storefront (cookie).</summary>
public sealed class AccountService(LuffyDbContext db, IPasswordHasher<User> hasher, LoginLimits limits, Registration registration)
{
    private const string WrongLogin = "用户名或密码错误";
    private static readonly User NobodyUser = new() { Username = "", PasswordHash = "" };
    private static readonly string NobodyHash = new PasswordHasher<User>().HashPassword(NobodyUser, Guid.NewGuid().ToString());

    public Task<(User? User, AccountError? Error)> RegisterAsync(string? username, string? password, string? mobileInput) =>
        registration.RegisterAsync(username, password, mobileInput);

    /// <summary>
    /// Checks a login (username in any case, or mobile), counting the attempt against the per-account limit: the
    /// account's, whichever of its identifiers was typed. The per-client limit is the login routes' (<see cref="LoginLimits"/>).
    /// </summary>
    public async Task<LoginOutcome> AuthenticateAsync(string? username, string? password)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
            return new(null, "请输入用户名和密码");
        var typed = username.Trim();
        if (typed.Length > 64 || typed.Any(char.IsControl))
            return new(null, WrongLogin);
        var normalized = AccountRules.Normalize(typed);
        // Usernames are never all digits, so a mobile number names one account at most.
        var user = AccountRules.IsMobile(typed)
            ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Mobile == typed)
            : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedUsername == normalized);
        var account = user is null ? $"name:{normalized}" : user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var lease = await limits.Accounts.AcquireAsync(account);
        if (!lease.IsAcquired)
            return new(null, LoginLimits.TooMany, Throttled: true, LoginLimits.RetryAfter(lease));

        // An unknown name costs the same hashing as a wrong password, so timing does not tell which names exist.
        var verdict = hasher.VerifyHashedPassword(user ?? NobodyUser, user?.PasswordHash ?? NobodyHash, password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
            return new(null, WrongLogin);
        if (user.IsDisabled)
            return new(null, "账号已停用");
        return new(user);
    }

    /// <summary>Who the user is, the same in the API's token and the storefront's cookie: <c>sub</c>, <c>name</c>, <c>role</c>.</summary>
    public static List<Claim> Claims(User user)
    {
        var claims = new List<Claim> { new("sub", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("name", user.Username) };
        if (user.IsAdmin)
            claims.Add(new Claim("role", "admin"));
        return claims;
    }

    public static ClaimsPrincipal Principal(User user, string scheme) => new(new ClaimsIdentity(Claims(user), scheme, "name", "role"));
}
