using System.Net.Http.Headers;
using Luffy.Domain.Orders;
using Luffy.Infrastructure.Redis;
using Luffy.Web.Accounts;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Luffy.Web.Tests;

/// <summary>A browser on the storefront: cookies kept, redirects not followed, forms posted with the page's token.</summary>
public sealed class Browser(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public static async Task<Browser> SignedInAsync(LuffyApp app, string username, string password = "secret123")
    {
        var browser = new Browser(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        var login = await browser.PostFormAsync("/user/login", "/user/login", new() { ["username"] = username, ["password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return browser;
    }

    /// <summary>
    /// The same, against an app on Kestrel (<c>KestrelSqliteApp</c> …): a real HTTP client with its own cookies, since
    /// the factory's own client does not reach the socket.
    /// </summary>
    public static async Task<Browser> SignedInOverHttpAsync(LuffyApp app, string username, string password = "secret123")
    {
        var browser = new Browser(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new() }) { BaseAddress = app.Anonymous().BaseAddress });
        var login = await browser.PostFormAsync("/user/login", "/user/login", new() { ["username"] = username, ["password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return browser;
    }

    public static string Field(string html, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, $"name=\"{name}\"[^>]*value=\"([^\"]*)\"");
        Assert.True(match.Success, $"no {name} in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts a form as the page at <paramref name="page"/> would: with its antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string action, Dictionary<string, string> fields)
    {
        var html = await Http.GetStringAsync(page);
        fields["__RequestVerificationToken"] = Field(html, "__RequestVerificationToken");
        return await Http.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    public async Task<bool> IsSignedInAsync()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/my/orders");
        request.Headers.Accept.ParseAdd("text/html");
        return (await Http.SendAsync(request)).StatusCode == HttpStatusCode.OK;
    }
}

public sealed class SessionSecurityTestsOnSqlite(SqliteGarnetApp app) : SessionSecurityTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class SessionSecurityTestsOnPostgres(PostgresRedisApp app) : SessionSecurityTests(app), IClassFixture<PostgresRedisApp>;

public abstract class SessionSecurityTests(LuffyApp app)
{
    private async Task<(UserClient User, string Number)> UnpaidOrderAsync()
    {
        var user = await app.StudentAsync();
        await user.CartAsync(0, await app.CourseAsync(30m));
        return (user, (await (await user.OrderAsync()).JsonAsync()).GetProperty("order").GetString()!);
    }

    private Task<OrderStatus> StatusAsync(string number) =>
        app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).Select(o => o.OrderStatus).SingleAsync());

    [Fact]
    public async Task The_sign_in_cookie_does_not_drive_the_json_api()
    {
        var (user, number) = await UnpaidOrderAsync();
        var browser = await Browser.SignedInAsync(app, user.Username);
        Assert.True(await browser.IsSignedInAsync());

        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Post, $"/orders/{number}/cancel/"),
            new HttpRequestMessage(HttpMethod.Get, $"/payments/alipay/url/?order_number={number}"),
            new HttpRequestMessage(HttpMethod.Get, "/cart/"),
            new HttpRequestMessage(HttpMethod.Post, "/orders/") { Content = JsonContent.Create(new { }) },
        })
        {
            request.Headers.Add("Origin", "https://evil.example");
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.SendAsync(request)).StatusCode);
        }
        Assert.Equal(OrderStatus.Unpaid, await StatusAsync(number));
        Assert.Null(await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).Select(o => o.PayUrlIssuedAt).SingleAsync()));
    }

    [Theory]
    [InlineData("cancel")]
    [InlineData("pay")]
    public async Task Storefront_posts_without_fields_still_need_the_antiforgery_token(string action)
    {
        var (user, number) = await UnpaidOrderAsync();
        var browser = await Browser.SignedInAsync(app, user.Username);

        var forged = await browser.Http.PostAsync($"/web/orders/{number}/{action}", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(OrderStatus.Unpaid, await StatusAsync(number));
        Assert.Null(await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).Select(o => o.PayUrlIssuedAt).SingleAsync()));

        var real = await browser.PostFormAsync("/my/orders", $"/web/orders/{number}/{action}", []);
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        if (action == "cancel")
            Assert.Equal(OrderStatus.Cancelled, await StatusAsync(number));
        else
            Assert.Contains("/alipay-sandbox/gateway.do", real.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Sign_out_needs_the_token_and_ends_the_session_on_the_server()
    {
        var user = await app.StudentAsync();
        // A browser whose cookies the test keeps itself, so that a copy can be saved.
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var jar = new Dictionary<string, string>();
        async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, Dictionary<string, string>? form = null)
        {
            var request = new HttpRequestMessage(method, url);
            request.Headers.Accept.ParseAdd("text/html");
            if (form is not null)
                request.Content = new FormUrlEncodedContent(form);
            if (jar.Count > 0)
                request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
            var response = await client.SendAsync(request);
            foreach (var set in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = set.Split(';')[0].Split('=', 2);
                if (set.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                    jar.Remove(pair[0]);
                else
                    jar[pair[0]] = pair[1];
            }
            return response;
        }
        async Task<string> TokenAsync(string page) =>
            Browser.Field(await (await SendAsync(HttpMethod.Get, page)).Content.ReadAsStringAsync(), "__RequestVerificationToken");

        var login = await SendAsync(HttpMethod.Post, "/user/login", new()
        {
            ["__RequestVerificationToken"] = await TokenAsync("/user/login"), ["username"] = user.Username, ["password"] = "secret123",
        });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/my/orders")).StatusCode);
        var saved = new Dictionary<string, string>(jar);

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "/user/logout", [])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/my/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SendAsync(HttpMethod.Post, "/user/logout", new() { ["__RequestVerificationToken"] = await TokenAsync("/course") })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SendAsync(HttpMethod.Get, "/my/orders")).StatusCode);

        // The copy of the cookie saved before the sign-out signs nobody in.
        jar.Clear();
        foreach (var (name, value) in saved)
            jar[name] = value;
        var replay = await SendAsync(HttpMethod.Get, "/my/orders");
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.StartsWith("/user/login", replay.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [InlineData("key\u0001x", HttpStatusCode.Redirect)]
    [InlineData("key\u0000x", HttpStatusCode.BadRequest)]   // the framework's form reader refuses a NUL outright
    public async Task A_checkout_form_whose_key_has_a_control_character_is_refused_and_places_nothing(string key, HttpStatusCode status)
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync(10m);
        var browser = await Browser.SignedInAsync(app, user.Username);
        var added = await browser.PostFormAsync($"/course/{course.Id}", "/web/cart/add", new() { ["course_id"] = course.Id.ToString(), ["expire_time"] = "0" });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);

        var placed = await browser.PostFormAsync("/order", "/web/orders", new() { ["coupon"] = "0", ["credit"] = "0", ["idempotency_key"] = key });

        Assert.Equal(status, placed.StatusCode);
        if (status == HttpStatusCode.Redirect)
            Assert.Contains("Idempotency-Key", Uri.UnescapeDataString(placed.Headers.Location!.OriginalString));
        Assert.Equal(0, await app.WithDbAsync(db => db.Orders.CountAsync(o => o.UserId == user.Id)));
    }

    [Fact]
    public async Task A_signed_in_browser_can_sign_in_as_someone_else()
    {
        var first = await app.StudentAsync();
        var second = await app.StudentAsync();
        var browser = await Browser.SignedInAsync(app, first.Username);

        var again = await browser.PostFormAsync("/user/login", "/user/login", new() { ["username"] = second.Username, ["password"] = "secret123" });

        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var page = await browser.Http.GetStringAsync("/my/orders");
        Assert.Contains(second.Username, page);
        Assert.DoesNotContain(first.Username, page);
    }

    [Fact]
    public async Task Signing_in_never_takes_over_a_session_id_planted_in_the_browser()
    {
        var attacker = await app.StudentAsync();
        var victim = await app.StudentAsync();
        // The attacker's own sign-in cookie, planted in the victim's browser (a sibling subdomain, plain http …).
        var planted = await SignInCookieAsync(attacker.Username, null);

        var victims = await SignInCookieAsync(victim.Username, planted);

        Assert.NotEqual(planted, victims);
        Assert.Contains(attacker.Username, await PageAsAsync(planted));
        Assert.DoesNotContain(victim.Username, await PageAsAsync(planted));
        Assert.Contains(victim.Username, await PageAsAsync(victims));
    }

    /// <summary>Signs in through the login form, sending <paramref name="existing"/> along; returns the sign-in cookie set.</summary>
    private async Task<string> SignInCookieAsync(string username, string? existing)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var page = await client.GetAsync("/user/login");
        var cookies = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        if (existing is not null)
            cookies.Add(existing);
        var login = new HttpRequestMessage(HttpMethod.Post, "/user/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = Browser.Field(await page.Content.ReadAsStringAsync(), "__RequestVerificationToken"),
                ["username"] = username, ["password"] = "secret123",
            }),
        };
        login.Headers.Add("Cookie", string.Join("; ", cookies));
        var answer = await client.SendAsync(login);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        return answer.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("luffy=", StringComparison.Ordinal));
    }

    private async Task<string> PageAsAsync(string cookie)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, "/my/orders");
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.Add("Cookie", cookie);
        return await (await client.SendAsync(request)).Content.ReadAsStringAsync();
    }

    [Theory]
    [InlineData("/\t/evil.example/")]
    [InlineData("/\r\n/evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("https://evil.example/")]
    public async Task Login_never_redirects_off_the_site(string returnUrl)
    {
        var user = await app.StudentAsync();
        var browser = new Browser(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        var login = await browser.PostFormAsync("/user/login", "/user/login", new()
        {
            ["username"] = user.Username, ["password"] = "secret123", ["return_url"] = returnUrl,
        });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/course", login.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_local_return_url_is_followed_after_login()
    {
        var user = await app.StudentAsync();
        var browser = new Browser(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        var login = await browser.PostFormAsync("/user/login", "/user/login", new()
        {
            ["username"] = user.Username, ["password"] = "secret123", ["return_url"] = "/my/orders?page=2",
        });
        Assert.Equal("/my/orders?page=2", login.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_token_of_a_deleted_account_is_401_everywhere()
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync(10m);
        await user.CartAsync(0, course);   // the token has been seen and accepted
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteDeleteAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Http.GetAsync("/users/credit/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.OrderAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.OrderAsync(credit: 10)).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Orders.CountAsync(o => o.UserId == user.Id)));
    }

    [Fact]
    public async Task A_disabled_account_loses_its_token_and_its_cookie_and_cannot_sign_in()
    {
        var user = await app.StudentAsync();
        var browser = await Browser.SignedInAsync(app, user.Username);
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/users/credit/")).StatusCode);

        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true)));
        await app.Services.GetRequiredService<UserAccess>().ForgetAsync(user.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Http.GetAsync("/users/credit/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Http.GetAsync("/cart/")).StatusCode);
        Assert.False(await browser.IsSignedInAsync());
        var login = await app.Anonymous().PostAsJsonAsync("/users/login/", new { username = user.Username, password = "secret123" });
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
    }
}
