using System.Text.RegularExpressions;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Luffy.Web.Tests;

/// <summary>
/// The back office in a real browser, as an operator uses it: a category and a course with an option and a cover, a
/// 限时折扣 on it, a coupon scoped to it handed to a student — each seen where the student sees it — and the audit log.
/// </summary>
public sealed class BackOfficeBrowserTests(KestrelSqliteApp app) : BrowserTest(app), IClassFixture<KestrelSqliteApp>
{
    private async Task SignInAsync(IPage page, string username)
    {
        await OpenAsync(page, "/user/login");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", "secret123");
        await page.ClickAsync("#login");
        await ArrivedAsync(page, "**/course");
    }

    /// <summary>The id at the end of the page's path (<c>/admin/courses/12?done=…</c> → 12).</summary>
    private static int IdInUrl(IPage page) => int.Parse(Regex.Match(new Uri(page.Url).AbsolutePath, @"/(\d+)$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> CoverFileAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cover-{Guid.NewGuid():N}.png");
        using var image = new Image<Rgba32>(1400, 920, new Rgba32(22, 119, 255));
        await image.SaveAsPngAsync(path);
        return path;
    }

    [Fact]
    public async Task An_operator_puts_a_course_on_sale_discounts_it_and_hands_a_student_a_coupon_for_it()
    {
        var admin = await app.AdminAsync();
        var student = await app.StudentAsync();
        var page = await PageAsync();
        await SignInAsync(page, admin.Username);

        // A category …
        var category = app.UniqueName("分类");
        await OpenAsync(page, "/admin/categories");
        await page.FillAsync("#category-name", category);
        await page.ClickAsync("#create");
        await ArrivedAsync(page, "**/admin/categories?done=**");
        Assert.Contains(category, await page.InnerTextAsync("#admin-done"));

        // … a course in it, with a 30-day option and a cover …
        var name = app.UniqueName("课程");
        await OpenAsync(page, "/admin/courses/new");
        await page.FillAsync("#course-name", name);
        await page.SelectOptionAsync("#course-category", new SelectOptionValue { Label = category });
        await page.FillAsync("#course-teacher", "路飞老师");
        await page.FillAsync("#course-brief", "后台建的课程");
        await page.FillAsync("#course-price", "200");
        await page.ClickAsync("#save-course");
        await ArrivedAsync(page, "**/admin/courses/*?done=**");
        var courseId = IdInUrl(page);
        await page.FillAsync("#add-expire [name='Expire.ExpireTime']", "30");
        await page.FillAsync("#add-expire [name='Expire.ExpireText']", "30天");
        await page.FillAsync("#add-expire [name='Expire.Price']", "100");
        await page.Locator("#add-expire button").ClickAsync();
        await ArrivedAsync(page, $"**/admin/courses/{courseId}?done=**");
        var cover = await CoverFileAsync();
        try
        {
            await page.SetInputFilesAsync("#cover-form input[type=file]", cover);
            await page.Locator("#cover-form button").ClickAsync();
            await ArrivedAsync(page, $"**/admin/courses/{courseId}?done=**");
        }
        finally
        {
            File.Delete(cover);
        }
        await ShotAsync(page, "admin-01-course");

        // … shows in the storefront, cover included.
        await OpenAsync(page, $"/course/{courseId}");
        Assert.Equal(name, await page.InnerTextAsync("h1"));
        var src = await page.GetAttributeAsync(".detail img", "src");
        Assert.Contains("/media/covers/", src);
        var coverResponse = await app.Anonymous().GetAsync(new Uri(src!).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, coverResponse.StatusCode);
        Assert.Contains("¥100.00", await page.InnerTextAsync(".options"));
        Assert.Contains("¥200.00", await page.InnerTextAsync(".options"));

        // A 限时折扣 that runs now (the app's clock: 2026-12-01 12:00 in China) changes the storefront's price.
        await OpenAsync(page, "/admin/activities");
        await page.FillAsync("#activity-name", app.UniqueName("双十二"));
        await page.FillAsync("#activity-start", "2026-12-01T00:00");
        await page.FillAsync("#activity-end", "2026-12-31T00:00");
        await page.ClickAsync("#create");
        await ArrivedAsync(page, "**/admin/activities/*?done=**");
        Assert.True(await page.IsVisibleAsync("#policy-course"), await VisibleTextAsync(page));
        await page.FillAsync("#policy-course", courseId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.SelectOptionAsync("#policy-type", "限时折扣");
        await page.FillAsync("#policy-sale", "*0.8");
        await page.ClickAsync("#save-policy");
        await ArrivedAsync(page, "**/admin/activities/*?done=**");
        await OpenAsync(page, $"/course/{courseId}");
        Assert.Equal("限时折扣", await page.InnerTextAsync("#discount"));
        var options = await page.InnerTextAsync(".options");
        Assert.Contains("¥80.00", options);    // 30 天: 100 × 0.8
        Assert.Contains("¥160.00", options);   // 永久: 200 × 0.8

        // A coupon for that course only, handed to the student.
        var couponName = app.UniqueName("课程券");
        await OpenAsync(page, "/admin/coupons");
        await page.FillAsync("#create-coupon .coupon-name", couponName);
        await page.SelectOptionAsync("#create-coupon .coupon-type", "1");
        await page.FillAsync("#create-coupon .coupon-sale", "-20");
        await page.FillAsync("#create-coupon .coupon-timer", "30");
        await page.FillAsync("#create-coupon .coupon-courses", courseId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#create");
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        Assert.True(page.Url.Contains("done=", StringComparison.Ordinal) || !page.Url.EndsWith("/admin/coupons", StringComparison.Ordinal),
            string.Join(" | ", await page.Locator(".validation-message, #coupon-error").AllInnerTextsAsync()));
        await ArrivedAsync(page, "**/admin/coupons/*?done=**");
        await page.FillAsync("#hand-out-users", student.Username);
        await page.ClickAsync("#issue");
        await ArrivedAsync(page, "**/admin/coupons/*?done=**");
        Assert.Equal("1", await page.InnerTextAsync("#count-issued"));
        await ShotAsync(page, "admin-02-coupon");

        // The student uses it at checkout, on the discounted course beside another course it does not cover.
        var other = await app.CourseAsync(50m);
        var shopper = await PageAsync();
        await SignInAsync(shopper, student.Username);
        foreach (var id in new[] { courseId, other.Id })
        {
            await OpenAsync(shopper, $"/course/{id}");
            await shopper.ClickAsync("#add-to-cart");
            await ArrivedAsync(shopper, "**/my/cart");
        }
        await shopper.ClickAsync("#checkout");
        await ArrivedAsync(shopper, "**/order");
        var userCoupon = await app.WithDbAsync(db => db.UserCoupons.Where(c => c.UserId == student.Id).Select(c => c.Id).SingleAsync());
        await shopper.CheckAsync($"[data-coupon='{userCoupon}'] input");
        await ArrivedAsync(shopper, $"**/order?coupon={userCoupon}**");
        Assert.Equal("¥20.00", await shopper.InnerTextAsync("#coupon-discount"));
        Assert.Equal("¥210.00", await shopper.InnerTextAsync("#total-price"));   // 160 + 50
        Assert.Equal("¥190.00", await shopper.InnerTextAsync("#real-price"));
        await shopper.ClickAsync("#pay");
        await ArrivedAsync(shopper, "**/gateway.do**");
        var order = await app.WithDbAsync(db => db.Orders.Where(o => o.UserId == student.Id).Select(o => new { o.Coupon, o.RealPrice }).SingleAsync());
        Assert.Equal(userCoupon, order.Coupon);
        Assert.Equal(190.00m, order.RealPrice.Yuan);

        // The audit log has the operator's changes: the course, the discount, the coupon.
        await OpenAsync(page, $"/admin/audit?actor={admin.Username}");
        var log = await page.InnerTextAsync("#audit");
        Assert.Contains("course.create", log);
        Assert.Contains("price_policy.create", log);
        Assert.Contains("coupon.create", log);
        await ShotAsync(page, "admin-03-audit");
        Assert.True(ConsoleErrors.Count == 0, string.Join("\n", ConsoleErrors));
    }

    [Fact]
    public async Task The_reports_page_draws_its_charts_without_a_console_error()
    {
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime.AddHours(8));
        await AdminReportsTests.SeedAsync(app, today.AddDays(-8));
        var page = await PageAsync();
        await SignInAsync(page, (await app.AdminAsync()).Username);
        await OpenAsync(page, "/admin/reports");
        await page.WaitForSelectorAsync("#chart-money svg");
        Assert.Equal(3, await page.Locator("figure.report-chart svg").CountAsync());
        Assert.Equal(30, await page.Locator("#report-days tr[data-day]").CountAsync());
        Assert.True(await page.Locator("#report-courses tr[data-course]").CountAsync() >= 3);
        // The charts are drawn to the page's width and are not empty boxes.
        var box = await page.Locator("#chart-money svg").BoundingBoxAsync();
        Assert.True(box is { Width: > 300, Height: > 100 }, $"{box?.Width}×{box?.Height}");
        await ShotAsync(page, "admin-04-reports");
        Assert.True(ConsoleErrors.Count == 0, string.Join("\n", ConsoleErrors));
    }
}
