using System.Text.RegularExpressions;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Luffy.Web.Tests;

/// <summary>Bad input on the storefront: a 400 page or an inline error in Chinese, never a 500.</summary>
public sealed class StorefrontBadInputTests(SqliteGarnetApp app) : IClassFixture<SqliteGarnetApp>
{
    private static string Field(string html, string name)
    {
        var match = Regex.Match(html, $"name=\"{name}\"[^>]*value=\"([^\"]*)\"");
        Assert.True(match.Success, $"no {name} in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static string Text(string html, string id) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"id=\"{id}\"[^>]*>([^<]*)<").Groups[1].Value);

    /// <summary>A browser-like client signed in with the storefront's cookie, with one course selected in its cart.</summary>
    private async Task<HttpClient> SignedInAsync()
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var username = app.UniqueName();
        await browser.PostAsJsonAsync("/users/register/", new { username, password = "secret123" });
        var login = await LoginAsync(browser, username, returnUrl: null);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var course = await app.CourseAsync(50m);
        // The storefront's own form: the sign-in cookie does not drive the JSON API.
        var coursePage = await browser.GetStringAsync($"/course/{course.Id}");
        var added = await browser.PostAsync("/web/cart/add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Field(coursePage, "__RequestVerificationToken"), ["course_id"] = course.Id.ToString(), ["expire_time"] = "0",
        }));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        return browser;
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient browser, string username, string? returnUrl)
    {
        var page = await browser.GetStringAsync("/user/login");
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Field(page, "__RequestVerificationToken"), ["username"] = username, ["password"] = "secret123",
        };
        if (returnUrl is not null)
            form["return_url"] = returnUrl;
        return await browser.PostAsync("/user/login", new FormUrlEncodedContent(form));
    }

    [Theory]
    [InlineData("/order?credit=abc", "credit")]
    [InlineData("/order?credit=99999999999999999999", "credit")]
    [InlineData("/order?coupon=abc", "coupon")]
    [InlineData("/order?coupon=1&coupon=x", "coupon")]
    [InlineData("/my/orders?page=abc", "page")]
    [InlineData("/my/orders?page=99999999999", "page")]
    [InlineData("/course?category=abc", "category")]
    [InlineData("/?CATEGORY=1.5", "category")]
    public async Task A_query_value_the_page_cannot_read_gets_a_400_page_naming_it(string url, string parameter)
    {
        var browser = await SignedInAsync();
        var response = await browser.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"链接中的参数 {parameter} 不正确", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Checkout_refuses_negative_credits_and_coupons_inline_and_prices_without_them()
    {
        var browser = await SignedInAsync();

        var negativeCredit = await browser.GetStringAsync("/order?credit=-1");
        Assert.Equal("贝里数量不能为负数", Text(negativeCredit, "checkout-error"));
        Assert.Equal("¥50.00", Text(negativeCredit, "real-price"));
        Assert.Equal("0", Field(negativeCredit, "credit"));
        Assert.Equal("优惠券不可用", Text(await browser.GetStringAsync("/order?coupon=-5"), "checkout-error"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("2147483647")]
    public async Task My_orders_with_a_page_out_of_range_says_so_and_shows_the_first_page(string page)
    {
        var browser = await SignedInAsync();
        var html = await browser.GetStringAsync($"/my/orders?page={page}");
        Assert.Equal("页码不正确，已为您显示第 1 页", Text(html, "orders-error"));
    }

    [Theory]
    [InlineData("/my/orders\r\nSet-Cookie: x=1")]
    [InlineData("/my/orders\n")]
    [InlineData("/我的订单")]
    public async Task A_return_address_that_cannot_be_a_redirect_is_refused_on_the_page_and_ignored_by_the_login(string returnUrl)
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await browser.GetStringAsync($"/user/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal("登录后要返回的地址无效，登录后将前往课程页", Text(page, "login-error"));
        Assert.DoesNotMatch("name=\"return_url\"[^>]*value=", page);

        var username = app.UniqueName();
        await browser.PostAsJsonAsync("/users/register/", new { username, password = "secret123" });
        var login = await LoginAsync(browser, username, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/course", login.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_local_return_address_is_kept()
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await browser.GetStringAsync("/user/login?ReturnUrl=%2Fmy%2Forders%3Fpage%3D2");
        Assert.DoesNotContain("login-error", page);
        Assert.Equal("/my/orders?page=2", Field(page, "return_url"));
    }

    [Fact]
    public async Task A_storefront_form_with_a_value_that_is_not_a_number_is_a_400_page()
    {
        var browser = await SignedInAsync();
        var cart = await browser.GetStringAsync("/my/cart");
        var request = new HttpRequestMessage(HttpMethod.Post, "/web/cart/add")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = Field(cart, "__RequestVerificationToken"), ["course_id"] = "abc",
            }),
        };
        request.Headers.Accept.ParseAdd("text/html");
        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("请求参数不正确", await response.Content.ReadAsStringAsync());
    }
}
