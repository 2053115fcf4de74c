using System.Net.Http.Headers;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Luffy.Web.Tests;

public sealed class AccountsTestsOnSqlite(SqliteGarnetApp app) : AccountsTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class AccountsTestsOnPostgres(PostgresRedisApp app) : AccountsTests(app), IClassFixture<PostgresRedisApp>;

public abstract class AccountsTests(LuffyApp app)
{
    [Fact]
    public async Task Register_answers_201_with_id_and_stores_a_password_hash()
    {
        var client = app.Anonymous();
        var username = app.UniqueName();
        var response = await client.PostAsJsonAsync("/users/register/", new { username, password = "secret123", mobile = "13800000001" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(username, body.GetProperty("username").GetString());
        var stored = await app.WithDbAsync(db => db.Users.SingleAsync(u => u.Id == body.GetProperty("id").GetInt32()));
        Assert.NotEqual("secret123", stored.PasswordHash);
        Assert.StartsWith("AQAAAA", stored.PasswordHash); // ASP.NET Core Identity v3 (PBKDF2) format
        Assert.Equal("13800000001", stored.Mobile);
    }

    [Fact]
    public async Task Taken_username_is_refused()
    {
        var client = app.Anonymous();
        var username = app.UniqueName();
        await client.PostAsJsonAsync("/users/register/", new { username, password = "secret123" });
        var again = await client.PostAsJsonAsync("/users/register/", new { username, password = "other-secret" });

        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("用户名已存在", await again.MessageAsync());
        Assert.Equal(1, await app.WithDbAsync(db => db.Users.CountAsync(u => u.Username == username)));
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_name_create_one_user()
    {
        var client = app.Anonymous();
        var username = app.UniqueName();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            client.PostAsJsonAsync("/users/register/", new { username, password = "secret123" })));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(1, await app.WithDbAsync(db => db.Users.CountAsync(u => u.Username == username)));
    }

    [Theory]
    [InlineData("ab", "secret123")]
    [InlineData("bad name", "secret123")]
    [InlineData("{name}", "short")]
    [InlineData("{name}", "")]
    public async Task Invalid_registration_is_refused_with_a_message(string username, string password)
    {
        var name = username.Replace("{name}", app.UniqueName());
        var response = await app.Anonymous().PostAsJsonAsync("/users/register/", new { username = name, password });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.MessageAsync()));
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Username == name)));
    }

    [Fact]
    public async Task Login_answers_token_id_username_credit_and_rate()
    {
        var student = await app.StudentAsync(credit: 300);
        var response = await app.Anonymous().PostAsJsonAsync("/users/login/", new { username = student.Username, password = "secret123" });
        var body = await response.JsonAsync();
        Assert.Equal(student.Id, body.GetProperty("id").GetInt32());
        Assert.Equal(300, body.GetProperty("credit").GetInt64());
        Assert.Equal(10, body.GetProperty("credit_to_money").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("token").GetString()));
    }

    [Fact]
    public async Task Wrong_password_or_unknown_user_is_400()
    {
        var student = await app.StudentAsync();
        var client = app.Anonymous();
        var wrong = await client.PostAsJsonAsync("/users/login/", new { username = student.Username, password = "not-the-password" });
        var unknown = await client.PostAsJsonAsync("/users/login/", new { username = app.UniqueName(), password = "secret123" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(await wrong.MessageAsync(), await unknown.MessageAsync());
    }

    [Fact]
    public async Task Token_works_with_jwt_and_bearer_schemes()
    {
        var student = await app.StudentAsync();
        var token = student.Http.DefaultRequestHeaders.Authorization!.Parameter;
        foreach (var scheme in new[] { "jwt", "JWT", "Bearer" })
        {
            var client = app.Anonymous();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, token);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/cart/")).StatusCode);
        }
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        var student = await app.StudentAsync();
        var token = student.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var payload = new JsonWebToken(token);
        var lifetime = payload.ValidTo - payload.ValidFrom;
        Assert.Equal(TimeSpan.FromDays(1), lifetime);
        Assert.Equal(HttpStatusCode.OK, (await student.Http.GetAsync("/cart/")).StatusCode);

        app.Clock.Advance(lifetime + TimeSpan.FromSeconds(1));
        var response = await student.Http.GetAsync("/cart/");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Forged_tokens_are_401()
    {
        var student = await app.StudentAsync();
        var token = student.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var parts = token.Split('.');

        // Same claims, another user id (never the token's own: that would be no forgery), original signature.
        var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        var otherId = (int.Parse(claims["sub"].GetString()!, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var forgedClaims = claims.ToDictionary(c => c.Key, c => (object)(c.Key == "sub" ? otherId : c.Value));
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(forgedClaims))}.{parts[2]}";

        // Signed with a key that is not the app's.
        var otherKey = new SymmetricSecurityKey(new byte[64]);
        var foreign = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims.ToDictionary(c => c.Key, c => (object)c.Value.ToString()),
            SigningCredentials = new SigningCredentials(otherKey, SecurityAlgorithms.HmacSha256),
        });

        // "alg: none".
        var unsigned = $"{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}.{parts[1]}.";

        foreach (var bad in new[] { tampered, foreign, unsigned, "garbage" })
        {
            var client = app.Anonymous();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("jwt", bad);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/cart/")).StatusCode);
        }
    }
}

/// <summary>Login throttling, on an app of its own with small limits.</summary>
public sealed class ThrottledApp : LuffyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        base.Settings().Concat([new("LoginThrottle:PerUsername", "3"), new("LoginThrottle:PerClient", "6")]);
}

public sealed class LoginThrottleTests(ThrottledApp app) : IClassFixture<ThrottledApp>
{
    [Fact]
    public async Task Login_is_limited_per_username_and_per_client()
    {
        var client = app.Anonymous();
        var victim = app.UniqueName();
        await client.PostAsJsonAsync("/users/register/", new { username = victim, password = "secret123" });

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/users/login/", new { username = victim, password = $"guess{i}xxxx" })).StatusCode);
        var limited = await client.PostAsJsonAsync("/users/login/", new { username = victim, password = "secret123" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("频繁", await limited.MessageAsync());

        // Other names from the same client: three more attempts reach the per-client limit of six.
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/users/login/", new { username = app.UniqueName(), password = "whatever1" })).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("/users/login/", new { username = app.UniqueName(), password = "whatever1" })).StatusCode);
    }
}
