using System.Text.RegularExpressions;
using Luffy.Domain.Orders;
using Luffy.Web.Orders;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Luffy.Web.Tests;

/// <summary>
/// The storefront in a real browser (Debian's chromium through Playwright, no browser download), against the app
/// on Kestrel with the sandbox cashier. Screenshots of each page go to <c>screenshots/</c> in the test output.
/// </summary>
public sealed class StorefrontTests(KestrelSqliteApp app) : BrowserTest(app), IClassFixture<KestrelSqliteApp>
{
    private async Task<string> RegisterAsync(IPage page)
    {
        var username = app.UniqueName("web");
        await OpenAsync(page, "/user/register");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", "secret123");
        await ShotAsync(page, "01-register");
        await page.ClickAsync("#register");
        await ArrivedAsync(page, "**/course");
        Assert.Equal(username, await page.InnerTextAsync("#nav-user"));
        return username;
    }

    private async Task<string> PlaceOrderAsync(IPage page, Course course)
    {
        await OpenAsync(page, $"/course/{course.Id}");
        await page.ClickAsync("#buy-now");
        await ArrivedAsync(page, "**/order");
        await page.ClickAsync("#pay");
        await ArrivedAsync(page, "**/gateway.do**");
        return await page.Locator("text=商户订单号").Locator("xpath=following-sibling::p[1]").InnerTextAsync();
    }

    [Fact]
    public async Task A_student_registers_buys_two_courses_with_coupon_and_credits_pays_and_studies()
    {
        var page = await PageAsync();
        var forever = await app.CourseAsync(200m, ("限时折扣", "*0.5", 0));
        var monthly = await app.CourseAsync(100m);

        var username = await RegisterAsync(page);
        var userId = await app.WithDbAsync(db => db.Users.Where(u => u.Username == username).Select(u => u.Id).SingleAsync());
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.Credit, 300)));
        var coupon = await app.CouponAsync(userId, "-10", condition: 100);
        await app.CouponAsync(userId, "-50", condition: 1000);   // shown greyed: the total does not reach it

        await OpenAsync(page, "/course");
        await ShotAsync(page, "02-courses");
        await OpenAsync(page, $"/course/{forever.Id}");
        Assert.Equal("限时折扣", await page.InnerTextAsync("#discount"));
        // js/site.js ticks the countdown down to the second (the server writes days and hours).
        await page.WaitForFunctionAsync("() => document.getElementById('countdown').textContent.includes('秒')");
        await ShotAsync(page, "03-course-detail");
        await page.ClickAsync("#add-to-cart");
        await ArrivedAsync(page, "**/my/cart");
        await OpenAsync(page, $"/course/{monthly.Id}");
        await page.CheckAsync("input[name=expire_time][value='30']");
        await page.ClickAsync("#add-to-cart");
        await ArrivedAsync(page, "**/my/cart");
        Assert.Equal("2", await page.InnerTextAsync("#nav-cart .count"));
        Assert.Equal("¥140.00", await page.InnerTextAsync("#cart-total"));   // 100 + 40
        await ShotAsync(page, "04-cart");

        await page.ClickAsync("#checkout");
        await ArrivedAsync(page, "**/order");
        Assert.Equal("有1张可用", await page.InnerTextAsync("#usable-count"));
        await page.CheckAsync($"[data-coupon='{coupon}'] input");
        await ArrivedAsync(page, $"**/order?coupon={coupon}**");
        Assert.Equal("¥10.00", await page.InnerTextAsync("#coupon-discount"));
        Assert.Equal("300", await page.InnerTextAsync("#max-credit"));
        await page.FillAsync("#credit", "100");
        await page.DispatchEventAsync("#credit", "change");
        await ArrivedAsync(page, "**credit=100**");
        Assert.Equal("¥140.00", await page.InnerTextAsync("#total-price"));
        Assert.Equal("¥120.00", await page.InnerTextAsync("#real-price"));   // 140 − 10 − 100 贝里 (¥10)
        await ShotAsync(page, "05-checkout");

        await page.ClickAsync("#pay");
        await ArrivedAsync(page, "**/gateway.do**");
        Assert.Contains("¥120.00", await page.InnerTextAsync("main"));
        await ShotAsync(page, "06-cashier");
        await page.ClickAsync("#pay");
        await ArrivedAsync(page, "**/payment/result**");
        await page.WaitForSelectorAsync("#payment-success", new PageWaitForSelectorOptions { Timeout = 20_000 });
        Assert.Contains("您已成功购买 2 门课程", await page.InnerTextAsync("#payment-success"));
        Assert.Equal("¥120.00", await page.InnerTextAsync("#paid"));
        await ShotAsync(page, "07-success");

        await OpenAsync(page, "/my/orders");
        Assert.Equal("已支付", await page.InnerTextAsync(".order .status"));
        await ShotAsync(page, "08-my-orders");

        await OpenAsync(page, "/my/courses");
        var validity = await page.Locator(".my-course .validity").AllInnerTextsAsync();
        Assert.Equal(2, validity.Count);
        Assert.Contains("永久有效", validity);
        Assert.Contains(validity, v => v.StartsWith("剩余 29 天", StringComparison.Ordinal) || v.StartsWith("剩余 30 天", StringComparison.Ordinal));
        await ShotAsync(page, "09-my-courses");

        await OpenAsync(page, $"/my/courses/{monthly.Id}");
        await page.ClickAsync("text=正课");
        await page.WaitForSelectorAsync("#lesson");
        await ShotAsync(page, "10-lesson");

        var phone = await PageAsync(390, 844);
        await OpenAsync(phone, "/course");
        await ShotAsync(phone, "11-courses-phone");
        Assert.True(ConsoleErrors.Count == 0, string.Join("\n", ConsoleErrors));
    }

    [Fact]
    public async Task The_cart_sends_a_changed_validity_or_selection_at_once()
    {
        var page = await PageAsync();
        await RegisterAsync(page);
        var course = await app.CourseAsync(100m);
        await OpenAsync(page, $"/course/{course.Id}");
        await page.ClickAsync("#add-to-cart");
        await ArrivedAsync(page, "**/my/cart");
        Assert.Equal("¥100.00", await page.InnerTextAsync("#cart-total"));

        // No button to press: js/site.js submits the field's form on change.
        await page.SelectOptionAsync("select.expire", "90");
        await page.WaitForFunctionAsync("() => document.getElementById('cart-total').textContent === '¥70.00'");
        await page.UncheckAsync("input.select");
        await page.WaitForFunctionAsync("() => document.getElementById('cart-total').textContent === '¥0.00'");
        Assert.True(ConsoleErrors.Count == 0, string.Join("\n", ConsoleErrors));
    }

    [Fact]
    public async Task Unpaid_orders_can_be_cancelled_and_time_out()
    {
        var page = await PageAsync();
        await RegisterAsync(page);
        var cancelled = await PlaceOrderAsync(page, await app.CourseAsync(30m));
        // The cashier's 取消 and its 返回 (the sandbox's one inline script, allowed by its hash).
        await page.ClickAsync("#cancel");
        await ArrivedAsync(page, "**/cancel");
        await page.ClickAsync("#back");
        await ArrivedAsync(page, "**/gateway.do**");
        var timedOut = await PlaceOrderAsync(page, await app.CourseAsync(40m));

        await OpenAsync(page, "/my/orders");
        await page.ClickAsync($"[data-order='{cancelled}'] .cancel");
        await ArrivedAsync(page, "**/my/orders");
        Assert.Equal("已取消", await page.InnerTextAsync($"[data-order='{cancelled}'] .status"));

        app.Clock.Advance(TimeSpan.FromHours(12));
        await app.Services.GetRequiredService<AutoCancelJob>().RunOnceAsync();
        await page.ReloadAsync(new PageReloadOptions { WaitUntil = Parsed });
        Assert.Equal("超时取消", await page.InnerTextAsync($"[data-order='{timedOut}'] .status"));
        await ShotAsync(page, "12-cancelled-and-timed-out");

        await OpenAsync(page, "/my/cart");
        Assert.True(await page.IsVisibleAsync("#cart-empty"));
        Assert.True(ConsoleErrors.Count == 0, string.Join("\n", ConsoleErrors));

        var missing = await OpenAsync(page, "/no/such/page");
        Assert.Equal(404, missing!.Status);
        Assert.Contains("页面不存在", await page.InnerTextAsync("main"));
    }
}
