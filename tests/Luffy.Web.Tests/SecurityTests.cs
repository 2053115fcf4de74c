using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

/// <summary>The headers every answer carries, and the sandbox cashier's own policy.</summary>
public sealed class SecurityHeadersTests(SqliteGarnetApp app) : IClassFixture<SqliteGarnetApp>
{
    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : $"(no {name})";

    private static void AssertProtected(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        var policy = Header(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
    }

    private static Task<HttpResponseMessage> PageAsync(HttpClient client, string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html");
        return client.SendAsync(request);
    }

    [Fact]
    public async Task Pages_the_api_static_files_and_errors_carry_the_security_headers()
    {
        var client = app.Anonymous();
        var page = await PageAsync(client, "/course");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        AssertProtected(page);
        Assert.Contains("script-src 'self';", Header(page, "Content-Security-Policy"));

        var api = await client.GetAsync("/courses/");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        AssertProtected(api);

        var unauthorized = await client.GetAsync("/cart/");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        AssertProtected(unauthorized);

        var missingPage = await PageAsync(client, "/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, missingPage.StatusCode);
        AssertProtected(missingPage);
        var missing = await client.GetAsync("/no/such/api/");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        AssertProtected(missing);

        var script = await client.GetAsync("/js/site.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        AssertProtected(script);
    }

    [Fact]
    public async Task Storefront_pages_have_no_inline_script()
    {
        var course = await app.CourseAsync(100m, ("限时折扣", "*0.5", 0));
        var html = await (await PageAsync(app.Anonymous(), $"/course/{course.Id}")).Content.ReadAsStringAsync();
        Assert.Contains("id=\"countdown\"", html);
        Assert.Contains("<script src=\"js/site.js\" defer></script>", html);
        Assert.DoesNotMatch("<script>|<script [^>]*>[^<]", html);
        Assert.DoesNotContain("onchange=", html);
    }

    [Fact]
    public async Task The_sandbox_cashier_allows_only_its_own_style_and_script()
    {
        var user = await app.StudentAsync();
        await user.CartAsync(0, await app.CourseAsync(100m));
        var number = (await (await user.OrderAsync()).JsonAsync()).GetProperty("order").GetString();
        var url = (await user.Http.GetFromJsonAsync<JsonElement>($"/payments/alipay/url/?order_number={number}")).GetProperty("url").GetString()!;

        var cashier = await app.Anonymous().GetAsync(new Uri(url).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, cashier.StatusCode);
        Assert.Contains("确认付款", await cashier.Content.ReadAsStringAsync());
        Assert.Equal("nosniff", Header(cashier, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(cashier, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(cashier, "Referrer-Policy"));
        var policy = Header(cashier, "Content-Security-Policy");
        Assert.StartsWith("default-src 'none'; style-src 'sha256-", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.DoesNotContain("form-action", policy);   // paying redirects to the merchant's return URL
    }
}
