using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task Usernames_are_unique_without_regard_to_case_and_sign_in_in_any_case()
    {
        var client = app.Anonymous();
        var username = "Ab" + app.UniqueName();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/users/register/", new { username, password = "secret123" })).StatusCode);

        var twin = await client.PostAsJsonAsync("/users/register/", new { username = username.ToUpperInvariant(), password = "secret123" });
        Assert.Equal(HttpStatusCode.BadRequest, twin.StatusCode);
        Assert.Equal("用户名已存在", await twin.MessageAsync());
        var login = await client.PostAsJsonAsync("/users/login/", new { username = username.ToLowerInvariant(), password = "secret123" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(username, (await login.JsonAsync()).GetProperty("username").GetString());
    }

    [Theory]
    [InlineData("13912345678")]
    [InlineData("12345")]
    [InlineData(" {name}")]
    [InlineData("{name}\t")]
    [InlineData("a\u0000bc")]
    public async Task A_username_may_not_be_all_digits_or_carry_spaces_or_control_characters(string username)
    {
        var name = username.Replace("{name}", app.UniqueName());
        var users = await app.WithDbAsync(db => db.Users.CountAsync());
        var response = await app.Anonymous().PostAsJsonAsync("/users/register/", new { username = name, password = "secret123" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.MessageAsync()));
        Assert.Equal(users, await app.WithDbAsync(db => db.Users.CountAsync()));
        // Typed at the login, such a name is a wrong login, not an error (PostgreSQL refuses a NUL in text).
        var login = await app.Anonymous().PostAsJsonAsync("/users/login/", new { username = name, password = "secret123" });
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
    }

    [Theory]
    [InlineData("/payments/alipay/url/?order_number=a%00b")]
    [InlineData("/courses/?ordering=%00")]
    public async Task A_nul_character_in_the_path_or_query_is_a_400(string url)
    {
        var student = await app.StudentAsync();
        var response = await student.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.MessageAsync()));
    }

    [Fact]
    public async Task A_mobile_number_keeps_signing_in_its_owner()
    {
        var mobile = $"139{Random.Shared.Next(10_000_000, 99_999_999)}";
        var owner = app.UniqueName();
        Assert.Equal(HttpStatusCode.Created, (await app.Anonymous().PostAsJsonAsync("/users/register/", new { username = owner, password = "secret123", mobile })).StatusCode);
        // Nobody can take the owner's number as a name.
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Anonymous().PostAsJsonAsync("/users/register/", new { username = mobile, password = "other-pass1" })).StatusCode);
        var login = await app.Anonymous().PostAsJsonAsync("/users/login/", new { username = mobile, password = "secret123" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(owner, (await login.JsonAsync()).GetProperty("username").GetString());
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
        AssertRetryAfterWithinTheWindow(limited);

        // Other names from the same client: three more attempts reach the per-client limit of six.
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/users/login/", new { username = app.UniqueName(), password = "whatever1" })).StatusCode);
        var byClient = await client.PostAsJsonAsync("/users/login/", new { username = app.UniqueName(), password = "whatever1" });
        Assert.Equal(HttpStatusCode.TooManyRequests, byClient.StatusCode);
        Assert.Equal("登录尝试过于频繁，请稍后再试", await byClient.MessageAsync());
        AssertRetryAfterWithinTheWindow(byClient);
    }

    /// <summary><c>Retry-After</c>: the seconds left in the minute's window, at least one.</summary>
    private static void AssertRetryAfterWithinTheWindow(HttpResponseMessage limited) =>
        Assert.InRange(limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
}

/// <summary>Only the per-account limit (3) is small: what stops the attempts is the account's count.</summary>
public sealed class AccountThrottledApp : LuffyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        base.Settings().Concat([new("LoginThrottle:PerUsername", "3")]);
}

public sealed class AccountLimitTests(AccountThrottledApp app) : IClassFixture<AccountThrottledApp>
{
    [Fact]
    public async Task The_account_limit_counts_the_account_whatever_identifier_was_typed()
    {
        var mobile = $"137{Random.Shared.Next(10_000_000, 99_999_999)}";
        var victim = app.UniqueName();
        await app.Anonymous().PostAsJsonAsync("/users/register/", new { username = victim, password = "secret123", mobile });

        var guesses = new[] { victim, victim.ToUpperInvariant(), mobile };
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await app.Anonymous().PostAsJsonAsync("/users/login/", new { username = guesses[i], password = $"guess{i}xxxx" })).StatusCode);
        var limited = await app.Anonymous().PostAsJsonAsync("/users/login/", new { username = mobile, password = "secret123" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }

    [Fact]
    public async Task A_counter_found_without_an_expiry_gets_one_so_nobody_is_locked_out_for_good()
    {
        var user = await app.StudentAsync();
        var redis = app.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        // The count as RedisRateLimiting keeps it, rl:fw:{name}, and its window's end (Unix seconds), rl:fw:{name}:exp.
        var key = $"rl:fw:{{{app.Services.GetRequiredService<Luffy.Infrastructure.Redis.RedisKeys>().LoginAttempts($"account:{user.Id}")}}}";
        // What the old SET-NX-then-INCR could leave when the key expired between the two: a count with no expiry, here
        // far over the limit, of a window that has ended.
        await redis.StringSetAsync(key, 1000);
        await redis.StringSetAsync($"{key}:exp", DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds());
        Assert.Null(await redis.KeyTimeToLiveAsync(key));

        var login = await app.Anonymous().PostAsJsonAsync("/users/login/", new { username = user.Username, password = "secret123" });

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        foreach (var counted in new[] { key, $"{key}:exp" })
        {
            var ttl = await redis.KeyTimeToLiveAsync(counted);
            Assert.NotNull(ttl);
            // The window (a minute) and the one second RedisRateLimiting adds for clocks that differ.
            Assert.True(ttl <= TimeSpan.FromSeconds(61), ttl.ToString());
        }
    }
}

/// <summary>The per-client limit (6) small, on an app of its own: its count starts empty.</summary>
public sealed class ClientThrottledApp : LuffyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        base.Settings().Concat([new("LoginThrottle:PerClient", "6")]);
}

public sealed class CrossSiteLoginTests(ClientThrottledApp app) : IClassFixture<ClientThrottledApp>
{
    [Fact]
    public async Task Posts_another_site_can_send_without_a_preflight_do_not_use_up_a_clients_attempts()
    {
        var client = app.Anonymous();
        var username = app.UniqueName();
        await client.PostAsJsonAsync("/users/register/", new { username, password = "secret123" });

        // What a page elsewhere can send with fetch(…, {mode: "no-cors"}): no body, a form, plain text. Each is
        // refused, none is counted.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/users/login/", null)).StatusCode);
            var form = await client.PostAsync("/users/login/", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = username, ["password"] = "guess" }));
            Assert.NotEqual(HttpStatusCode.OK, form.StatusCode);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, form.StatusCode);
            var text = await client.PostAsync("/users/login/", new StringContent("x", System.Text.Encoding.UTF8, "text/plain"));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, text.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/users/login/", new { username, password = "secret123" })).StatusCode);

        // JSON attempts count: five more reach the limit of six.
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/users/login/", new { username = app.UniqueName(), password = "whatever1" })).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("/users/login/", new { username, password = "secret123" })).StatusCode);
    }
}
