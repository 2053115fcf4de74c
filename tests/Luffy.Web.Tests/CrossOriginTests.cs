using Luffy.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace Luffy.Web.Tests;

/// <summary>The app on Kestrel with <c>Cors:Origins</c> naming one of two other sites on loopback; the other is not named.</summary>
public sealed class CrossOriginApp : SqliteGarnetApp
{
    public OriginSite Allowed { get; } = new();
    public OriginSite Unlisted { get; } = new();

    protected override bool RealHttp => true;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        base.Settings().Concat([new("Cors:Origins:0", Allowed.Origin)]);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Allowed.DisposeAsync();
        await Unlisted.DisposeAsync();
    }
}

/// <summary>
/// The tutorial's Vue client runs on another origin than the API: its calls, made by chromium from a page of the
/// configured origin, succeed; a page of an origin not configured is refused by the browser.
/// </summary>
public sealed class CrossOriginTests(CrossOriginApp app) : IClassFixture<CrossOriginApp>, IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        if (!DebianChromium.Installed)
            return;
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    private string Api => app.Anonymous().BaseAddress!.ToString().TrimEnd('/');

    /// <summary>A page of <paramref name="site"/>, from which the tests call the API.</summary>
    private async Task<ClientPage> OpenAsync(OriginSite site)
    {
        Assert.SkipWhen(_browser is null, $"{DebianChromium.Path} is not installed: the browser tests need Debian's chromium package");
        var page = await (await _browser!.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(site.Origin + "/", new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        return new ClientPage(page, Api);
    }

    [Fact]
    public async Task The_tutorials_client_on_the_configured_origin_shops_checks_out_and_pays()
    {
        var student = await app.StudentAsync();
        var course = await app.CourseAsync(100m);
        var withdrawn = await app.CourseAsync(50m);
        var coupon = await app.CouponAsync(student.Id, "-10");
        var client = await OpenAsync(app.Allowed);

        var anonymous = await client.CallAsync("GET", "/cart/");
        Assert.Equal(401, anonymous.Status);   // readable: the client sends the user to its login page

        var login = await client.CallAsync("POST", "/users/login/", new { username = student.Username, password = "secret123" });
        Assert.Equal(200, login.Status);
        client.Token = login.Json.GetProperty("token").GetString();
        var userId = login.Json.GetProperty("id").GetInt32();

        Assert.Equal(200, (await client.CallAsync("POST", "/cart/", new { course_id = course.Id, expire_time = 0 })).Status);
        Assert.Equal(200, (await client.CallAsync("POST", "/cart/", new { course_id = withdrawn.Id, expire_time = 0 })).Status);
        Assert.Equal(200, (await client.CallAsync("PATCH", "/cart/", new { course_id = course.Id, expire_time = 90 })).Status);
        Assert.Equal(200, (await client.CallAsync("PUT", "/cart/", new { course_id = course.Id, selected = true })).Status);
        var cart = await client.CallAsync("GET", "/cart/");
        Assert.Equal(2, cart.Json.GetArrayLength());

        await app.ChangeCatalogAsync(db => db.Courses.Where(c => c.Id == withdrawn.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.IsOnSale, false)));
        var checkout = await client.CallAsync("GET", "/cart/order/");
        Assert.Equal(200, checkout.Status);
        Assert.Equal(course.Id, Assert.Single(checkout.Json.EnumerateArray()).GetProperty("course_id").GetInt32());
        Assert.Equal(withdrawn.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), checkout.Unavailable);   // an exposed header
        Assert.Equal(200, (await client.CallAsync("DELETE", "/cart/", new { course_id = withdrawn.Id })).Status);

        var coupons = await client.CallAsync("GET", "/coupon/list/");
        var held = Assert.Single(coupons.Json.EnumerateArray());
        Assert.Equal((coupon, 1), (held.GetProperty("id").GetInt32(), held.GetProperty("coupon").GetProperty("type").GetInt32()));

        var created = await client.CallAsync("POST", "/orders/", new { pay_type = 1, coupon, credit = 0 }, new() { ["Idempotency-Key"] = Guid.NewGuid().ToString() });
        Assert.Equal(201, created.Status);
        var number = created.Json.GetProperty("order_number").GetString()!;
        Assert.Equal(60m, created.Json.Decimal("real_price"));   // 90 days at 70 %, less the coupon's 10

        var order = await client.CallAsync("GET", $"/orders/{number}/");
        Assert.Equal("未支付", order.Json.GetProperty("order_status_text").GetString());

        var pay = await client.CallAsync("GET", $"/payments/alipay/url/?order_number={number}");
        Assert.Equal("发起支付成功", pay.Json.GetProperty("message").GetString());
        var returnUrl = await PayAtTheSandboxAsync(pay.Json.GetProperty("url").GetString()!, number);
        var result = await client.CallAsync("GET", "/payments/alipay/result/" + new Uri(returnUrl).Query);
        Assert.Equal(200, result.Status);
        Assert.Equal(60m, result.Json.GetProperty("message").Decimal("real_price"));

        var mine = await client.CallAsync("GET", $"/users/{userId}/orders/");
        Assert.Equal("已支付", Assert.Single(mine.Json.GetProperty("user_orders").EnumerateArray()).GetProperty("order_status_text").GetString());
    }

    [Fact]
    public async Task A_page_of_an_origin_not_configured_is_refused_by_the_browser()
    {
        var student = await app.StudentAsync();
        var course = await app.CourseAsync(100m);
        var token = student.Http.DefaultRequestHeaders.Authorization!.Parameter;
        var client = await OpenAsync(app.Unlisted);
        client.Token = token;

        var add = await client.CallAsync("POST", "/cart/", new { course_id = course.Id, expire_time = 0 });
        Assert.StartsWith("TypeError", add.Error);
        var courses = await client.CallAsync("GET", "/courses/");   // a simple request: sent, but its answer withheld
        Assert.StartsWith("TypeError", courses.Error);
        Assert.Equal("[]", await student.Http.GetStringAsync("/cart/"));   // the preflight failed: the POST was never sent
    }

    [Fact]
    public async Task Preflights_are_answered_before_authentication_and_antiforgery_for_configured_origins_only()
    {
        var http = app.Anonymous();
        var origin = app.Allowed.Origin;

        var preflight = await http.SendAsync(Preflight("/orders/", origin, "POST", "authorization,content-type,idempotency-key"));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(origin, Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Equal(["GET", "POST", "PUT", "PATCH", "DELETE"], Header(preflight, "Access-Control-Allow-Methods").Split(','));
        Assert.Equal(["authorization", "content-type", "idempotency-key"], Header(preflight, "Access-Control-Allow-Headers").ToLowerInvariant().Split(','));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Credentials"));

        // The storefront's login form (antiforgery) and an authorised API route: no 400, no 401, no 405.
        foreach (var (path, method) in new[] { ("/user/login", "POST"), ("/cart/", "DELETE"), ("/users/1/orders/", "GET") })
        {
            var answer = await http.SendAsync(Preflight(path, origin, method, "authorization"));
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
            Assert.Equal(origin, Header(answer, "Access-Control-Allow-Origin"));
        }

        var unlisted = await http.SendAsync(Preflight("/orders/", app.Unlisted.Origin, "POST", "authorization"));
        Assert.False(unlisted.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(unlisted.Headers.Contains("Access-Control-Allow-Methods"));

        var get = new HttpRequestMessage(HttpMethod.Get, "/courses/");
        get.Headers.Add("Origin", origin);
        var answered = await http.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(origin, Header(answered, "Access-Control-Allow-Origin"));
        Assert.Equal("X-Unavailable-Courses", Header(answered, "Access-Control-Expose-Headers"));
        Assert.False(answered.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task An_origin_with_a_path_or_a_trailing_slash_stops_the_start()
    {
        var data = Path.Combine(Path.GetTempPath(), "luffy-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
                .UseSetting("Luffy:DataDirectory", data)
                .UseSetting("Luffy:SeedDemoData", "false")
                .UseSetting("Cors:Origins:0", "http://localhost:8080/"));
            var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
            Assert.Contains("Cors:Origins", error.Message);
        }
        finally
        {
            if (Directory.Exists(data))
                Directory.Delete(data, recursive: true);
        }
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : $"(no {name})";

    /// <summary>Opens the cashier (the sandbox learns the trade) and pays there without a notify: the return URL decides.</summary>
    private async Task<string> PayAtTheSandboxAsync(string payUrl, string number)
    {
        var http = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(payUrl).PathAndQuery)).StatusCode);
        var paid = await http.PostAsync($"/alipay-sandbox/sandbox/trades/{number}/pay?notify=false", null);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        return (await paid.JsonAsync()).GetProperty("return_url").GetString()!;
    }

    /// <summary>The client's page: each call goes through <c>api()</c> in the page, so the browser applies CORS.</summary>
    private sealed class ClientPage(IPage page, string api)
    {
        public string? Token { get; set; }

        public async Task<Answer> CallAsync(string method, string path, object? body = null, Dictionary<string, string>? headers = null)
        {
            var text = await page.EvaluateAsync<string>("([m, u, b, t, h]) => api(m, u, b, t, h)", new object?[] { method, api + path, body, Token, headers });
            var answer = JsonDocument.Parse(text).RootElement;
            if (answer.TryGetProperty("error", out var error))
                return new Answer(0, default, null, error.GetString());
            var content = answer.GetProperty("body").GetString()!;
            return new Answer(answer.GetProperty("status").GetInt32(),
                content.Length > 0 && content[0] is '{' or '[' ? JsonDocument.Parse(content).RootElement : default,
                answer.GetProperty("unavailable").GetString(), null);
        }
    }

    private sealed record Answer(int Status, JsonElement Json, string? Unavailable, string? Error);
}
