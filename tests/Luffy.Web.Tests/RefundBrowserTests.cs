using Luffy.Domain.Orders;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Luffy.Web.Tests;

/// <summary>
/// Refunds in a real browser: an operator finds a paid two-course order and refunds one line; a student asks for a
/// refund in 我的订单 and an operator approves it in the queue.
/// </summary>
public sealed class RefundBrowserTests(KestrelSqliteApp app) : BrowserTest(app), IClassFixture<KestrelSqliteApp>
{
    private async Task<IPage> SignedInAsync(string username)
    {
        var page = await PageAsync();
        await OpenAsync(page, "/user/login");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", "secret123");
        await page.ClickAsync("#login");
        await ArrivedAsync(page, "**/course");
        return page;
    }

    [Fact]
    public async Task An_operator_refunds_one_line_of_a_paid_two_course_order()
    {
        var (kept, refunded) = (await app.CourseAsync(120m), await app.CourseAsync(80m));
        // 200 − 40 贝里 (¥4) = 196: the credits' shares 24 / 16, the money 117.60 / 78.40.
        var (student, number) = await app.PaidOrderAsync([kept, refunded], credit: 40);
        var admin = await app.AdminAsync();
        var page = await SignedInAsync(admin.Username);

        // Find the order by the student's name, open it.
        await OpenAsync(page, $"/admin/orders?user={student.Username}&status=1");
        await page.ClickAsync($"#orders a:text('{number}')");
        await ArrivedAsync(page, $"**/admin/orders/{number}");
        Assert.Equal("已支付", await page.InnerTextAsync("#order-status"));

        // Tick one course, give a reason, refund.
        await page.CheckAsync($"#order-refund input[name=courses][value='{refunded.Id}']");
        await page.FillAsync("#refund-reason", "学员误购");
        await page.ClickAsync("#refund-submit");
        await ArrivedAsync(page, $"**/admin/orders/{number}?done=**");
        Assert.Contains("已退款", await page.InnerTextAsync("#order-done"));
        Assert.Equal("部分退款", await page.InnerTextAsync("#order-status"));
        Assert.Equal("已退款", (await page.InnerTextAsync($"#order-lines tr[data-course='{refunded.Id}'] .line-refund")).Trim());
        Assert.Equal("", (await page.InnerTextAsync($"#order-lines tr[data-course='{kept.Id}'] .line-refund")).Trim());
        Assert.Contains("¥78.40", await page.InnerTextAsync("#order-refunded"));
        await ShotAsync(page, "refund-01-order");

        // The student: that course is gone from 我的课程, the credits are back, the order shows 部分退款.
        var courses = (await student.Http.GetFromJsonAsync<JsonElement>("/users/courses/")).EnumerateArray().Select(c => c.GetProperty("course_id").GetInt32()).ToList();
        Assert.Equal([kept.Id], courses);
        Assert.Equal(16, await app.WithDbAsync(db => db.Users.Where(u => u.Id == student.Id).Select(u => u.Credit).SingleAsync()));
        var mine = await SignedInAsync(student.Username);
        await OpenAsync(mine, "/my/orders");
        var order = mine.Locator($".order[data-order='{number}']");
        Assert.Equal("部分退款", await order.Locator(".status").InnerTextAsync());
        Assert.Contains("¥78.40", await order.Locator(".refunded").InnerTextAsync());
        await OpenAsync(mine, "/my/courses");
        var text = await mine.InnerTextAsync("main");
        Assert.Contains(kept.Name, text);
        Assert.DoesNotContain(refunded.Name, text);

        // The sandbox's trade: partly refunded, still paid.
        var trade = await app.SandboxTradeAsync(number);
        Assert.Equal("78.40", trade.GetProperty("refunded").GetString());
        Assert.Equal("TRADE_SUCCESS", trade.GetProperty("status").GetString());
        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task A_students_refund_request_is_approved_end_to_end()
    {
        var course = await app.CourseAsync(66m);
        var (student, number) = await app.PaidOrderAsync([course]);

        // The student asks in 我的订单.
        var mine = await SignedInAsync(student.Username);
        await OpenAsync(mine, "/my/orders");
        var order = mine.Locator($".order[data-order='{number}']");
        await order.Locator(".refund-request summary").ClickAsync();
        await order.Locator(".refund-request textarea[name=reason]").FillAsync("时间冲突，学不了");
        await order.Locator(".refund-request button").ClickAsync();
        await ArrivedAsync(mine, "**/my/orders?refund=requested");
        Assert.Contains("退款申请已提交", await mine.InnerTextAsync("#orders-notice"));
        order = mine.Locator($".order[data-order='{number}']");
        Assert.Equal("待审核", await order.Locator(".refund-status").InnerTextAsync());
        Assert.Equal(0, await order.Locator(".refund-request").CountAsync());
        await ShotAsync(mine, "refund-02-requested");

        // The operator approves it in the queue.
        var admin = await app.AdminAsync();
        var page = await SignedInAsync(admin.Username);
        await OpenAsync(page, "/admin/refunds?status=0");
        var row = page.Locator($"tr[data-refund]:has(a:text('{number}'))");
        Assert.Contains("时间冲突，学不了", await row.InnerTextAsync());
        await row.Locator("form.approve input[name=note]").FillAsync("已核实");
        await row.Locator("form.approve button").ClickAsync();
        await ArrivedAsync(page, "**/admin/refunds?status=0&done=**");
        Assert.Contains("已退款", await page.InnerTextAsync("#refunds-done"));
        await ShotAsync(page, "refund-03-approved");

        // The student sees it refunded; the course is gone; the money went back at the sandbox.
        await OpenAsync(mine, "/my/orders");
        order = mine.Locator($".order[data-order='{number}']");
        Assert.Equal("已退款", await order.Locator(".status").InnerTextAsync());
        Assert.Contains("¥66.00", await order.Locator(".refunded").InnerTextAsync());
        Assert.Equal(OrderStatus.Refunded, await app.StatusAsync(number));
        Assert.Empty((await student.Http.GetFromJsonAsync<JsonElement>("/users/courses/")).EnumerateArray());
        Assert.Equal("66.00", (await app.SandboxTradeAsync(number)).GetProperty("refunded").GetString());
        Assert.Empty(ConsoleErrors);
    }
}
