using System.Text.RegularExpressions;
using Luffy.Infrastructure.Redis;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Luffy.Web.Tests;

/// <summary>The login limits of <see cref="ThrottledApp"/> (3 per account, 6 per client) on redis-server, where the environment names one.</summary>
public sealed class ThrottledRedisApp : PostgresRedisApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        base.Settings().Concat([new("LoginThrottle:PerUsername", "3"), new("LoginThrottle:PerClient", "6")]);
}

/// <summary>
/// Another instance of the app on the Redis of <paramref name="first"/> (its embedded Garnet, or redis-server), with the
/// same key prefix and limits: a database of its own, the login counts of the first.
/// </summary>
public sealed class SecondInstance(LuffyApp first) : LuffyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        var redis = first.Services.GetRequiredService<RedisOptions>();
        var configuration = first.Services.GetService<EmbeddedGarnet>() is { } garnet
            ? $"{garnet.Endpoint},password={garnet.Password}"
            : redis.Configuration;
        return base.Settings().Concat([
            new("Redis:Configuration", configuration), new("Redis:KeyPrefix", redis.KeyPrefix),
            new("LoginThrottle:PerUsername", "3"), new("LoginThrottle:PerClient", "6"),
        ]);
    }
}

public sealed class SharedLoginLimitTestsOnGarnet(ThrottledApp app) : SharedLoginLimitTests(app), IClassFixture<ThrottledApp>;

public sealed class SharedLoginLimitTestsOnRedis(ThrottledRedisApp app) : SharedLoginLimitTests(app), IClassFixture<ThrottledRedisApp>;

public abstract class SharedLoginLimitTests(LuffyApp app)
{
    private static async Task<HttpStatusCode> LoginAsync(HttpClient client, string username) =>
        (await client.PostAsJsonAsync("/users/login/", new { username, password = "whatever1" })).StatusCode;

    [Fact]
    public async Task Two_instances_on_one_Redis_count_the_attempts_of_an_account_and_of_a_client_together()
    {
        var here = app.Anonymous();
        await using var other = new SecondInstance(app);
        await other.InitializeAsync();
        var there = other.Anonymous();
        // No such account on either instance: both count it under the name typed.
        var name = app.UniqueName();

        // The account's limit (3): two attempts here and one there use it up, on either instance.
        Assert.Equal(HttpStatusCode.BadRequest, await LoginAsync(here, name));
        Assert.Equal(HttpStatusCode.BadRequest, await LoginAsync(here, name));
        Assert.Equal(HttpStatusCode.BadRequest, await LoginAsync(there, name));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(there, name));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(here, name));

        // The client's limit (6): those were its five attempts; one more with another name, and it is used up.
        Assert.Equal(HttpStatusCode.BadRequest, await LoginAsync(there, app.UniqueName()));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(here, app.UniqueName()));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(there, app.UniqueName()));
    }
}

/// <summary>The storefront's sign-in form under the same limits as the API: the login page again, with the message.</summary>
public sealed class StorefrontLoginLimitTests(ThrottledApp app) : IClassFixture<ThrottledApp>
{
    private static string Field(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{name}\"[^>]*value=\"([^\"]*)\"").Groups[1].Value);

    [Fact]
    public async Task The_sign_in_form_past_either_limit_shows_the_login_page_with_the_message()
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var victim = app.UniqueName();
        await browser.PostAsJsonAsync("/users/register/", new { username = victim, password = "secret123" });
        var token = Field(await browser.GetStringAsync("/user/login"), "__RequestVerificationToken");
        Task<HttpResponseMessage> SignInAsync(string username, string password) =>
            browser.PostAsync("/user/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["username"] = username, ["password"] = password, ["return_url"] = "/my/cart",
            }));
        async Task AssertBackOnTheLoginPageAsync(HttpResponseMessage response, string username, string message)
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var location = response.Headers.Location!.OriginalString;
            Assert.StartsWith("/user/login?", location);
            Assert.Contains($"username={username}", location);
            var page = await browser.GetStringAsync(location);
            Assert.Equal(message, WebUtility.HtmlDecode(Regex.Match(page, "id=\"login-error\"[^>]*>([^<]*)<").Groups[1].Value));
        }

        for (var i = 0; i < 3; i++)
            await AssertBackOnTheLoginPageAsync(await SignInAsync(victim, $"guess{i}xxxx"), victim, "用户名或密码错误");
        // The account's limit (3), counted by the sign-in itself: even the right password is refused now.
        await AssertBackOnTheLoginPageAsync(await SignInAsync(victim, "secret123"), victim, "登录尝试过于频繁，请稍后再试");

        // The client's limit (6), counted by the rate limiter on the form's route before the form is read.
        var other = app.UniqueName();
        for (var i = 0; i < 2; i++)
            await AssertBackOnTheLoginPageAsync(await SignInAsync(other, "whatever1"), other, "用户名或密码错误");
        await AssertBackOnTheLoginPageAsync(await SignInAsync(other, "whatever1"), other, "登录尝试过于频繁，请稍后再试");
    }
}
