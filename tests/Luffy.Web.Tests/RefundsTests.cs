using Luffy.AlipaySandbox;
using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;
using Luffy.Web.Refunds;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Luffy.Web.Tests;

public sealed class RefundsTestsOnSqlite(KestrelSqliteApp app) : RefundsTests(app), IClassFixture<KestrelSqliteApp>;

public sealed class RefundsTestsOnPostgres(KestrelPostgresApp app) : RefundsTests(app), IClassFixture<KestrelPostgresApp>;

/// <summary>
/// Refunds end to end: real sandbox payments (the app on Kestrel, the sandbox's notifications POSTed back), the
/// student's request, the operator's decisions and own refunds, the gateway's refunds and their failures.
/// </summary>
public abstract class RefundsTests(LuffyApp app)
{
    private SandboxTrades Sandbox => app.Services.GetRequiredService<SandboxTrades>();

    private Task<(UserClient User, string Number)> PaidOrderAsync(Course[] courses, int expire = 0, long credit = 0, string? coupon = null, UserClient? user = null) =>
        app.PaidOrderAsync(courses, expire, credit, coupon, user);

    private Task<OrderStatus> StatusAsync(string number) => app.StatusAsync(number);

    private Task<long> CreditAsync(UserClient user) => app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync());

    private Task<Dictionary<int, DateTime?>> PurchasesAsync(UserClient user) =>
        app.WithDbAsync(db => db.UserCourses.Where(u => u.UserId == user.Id).ToDictionaryAsync(u => u.CourseId, u => u.OutTime));

    private Task<JsonElement> TradeAsync(string number) => app.SandboxTradeAsync(number);

    private async Task<JsonElement> OrderAsync(UserClient user, string number) => await user.Http.GetFromJsonAsync<JsonElement>($"/orders/{number}/");

    private static Task<HttpResponseMessage> RequestAsync(UserClient user, string number, string? reason = "不想学了", int[]? courses = null) =>
        user.Http.PostAsJsonAsync($"/orders/{number}/refund-request/", new { reason, courses });

    private DateTime Now => app.Clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Waits for a call whose gateway requests the resilience pipeline retries: its back-off and timeouts run on the
    /// app's (fake) clock, so the clock is moved on a second at a time until the call returns.
    /// </summary>
    private async Task<T> AdvancingAsync<T>(Task<T> call)
    {
        while (!call.IsCompleted)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(call, Task.Delay(10));
        }
        return await call;
    }

    [Fact]
    public async Task A_students_request_approved_refunds_the_whole_order_money_credits_coupon_and_courses()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var (a, b) = (await app.CourseAsync(100m), await app.CourseAsync(60m));
        // 160 − 10 (coupon) − 50 贝里 (¥5) = 145.
        var (user, number) = await PaidOrderAsync([a, b], credit: 50, coupon: "-10");
        Assert.Equal(0, await CreditAsync(user));
        Assert.Equal(2, (await PurchasesAsync(user)).Count);

        var requested = await RequestAsync(user, number, "课程不适合我");
        Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
        var refund = await requested.JsonAsync();
        Assert.Equal("待审核", refund.GetProperty("status_text").GetString());
        Assert.Equal(145m, refund.Decimal("amount"));
        Assert.Equal(50, refund.GetProperty("credit").GetInt64());
        // Asked, nothing is given back yet; the order shows the request and its lines as held.
        var order = await OrderAsync(user, number);
        Assert.Equal(1, order.GetProperty("order_status").GetInt32());
        Assert.Equal("待审核", order.GetProperty("refunds")[0].GetProperty("status_text").GetString());
        Assert.All(order.GetProperty("order_courses").EnumerateArray(), l => Assert.Equal(0, l.GetProperty("refund_status").GetInt32()));
        Assert.Equal(JsonValueKind.Null, order.GetProperty("refund_deadline").ValueKind);
        Assert.Equal("0.00", (await TradeAsync(number)).GetProperty("refunded").GetString());

        var queue = await admin.GetFromJsonAsync<JsonElement>("/admin/api/refunds?status=0");
        var id = queue.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("order_number").GetString() == number).GetProperty("id").GetInt64();
        var approved = await admin.PostAsJsonAsync($"/admin/api/refunds/{id}/approve", new { note = "同意" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var done = await approved.JsonAsync();
        Assert.Equal("已退款", done.GetProperty("status_text").GetString());
        Assert.True(done.GetProperty("whole_order").GetBoolean());
        Assert.True(done.GetProperty("coupon_released").GetBoolean());

        Assert.Equal(OrderStatus.Refunded, await StatusAsync(number));
        order = await OrderAsync(user, number);
        Assert.Equal("已退款", order.GetProperty("order_status_text").GetString());
        Assert.Equal(145m, order.Decimal("refunded_amount"));
        Assert.Equal(50, order.GetProperty("refunded_credit").GetInt64());
        Assert.Equal(50, await CreditAsync(user));
        Assert.Empty(await PurchasesAsync(user));
        Assert.Empty((await user.Http.GetFromJsonAsync<JsonElement>("/users/courses/")).EnumerateArray());
        var ledger = await app.WithDbAsync(db => db.CreditEntries.Where(c => c.UserId == user.Id && c.OrderNumber == number).OrderBy(c => c.Id).Select(c => new { c.Delta, c.BalanceAfter, c.Reason }).ToListAsync());
        Assert.Equal([-50, 50], ledger.Select(l => l.Delta));
        Assert.Equal(50, ledger[^1].BalanceAfter);
        var coupon = await app.WithDbAsync(db => db.UserCoupons.Where(c => c.UserId == user.Id).Select(c => new { c.IsUse, c.OrderId }).SingleAsync());
        Assert.False(coupon.IsUse);
        Assert.Null(coupon.OrderId);

        var trade = await TradeAsync(number);
        Assert.Equal("145.00", trade.GetProperty("refunded").GetString());
        Assert.Equal("TRADE_CLOSED", trade.GetProperty("status").GetString());
        var query = await app.Services.GetRequiredService<AlipayClient>().RefundQueryAsync(number, done.GetProperty("request_no").GetString()!);
        Assert.True(AlipayClient.IsRefunded(query));
        Assert.Equal("145.00", query.Get("refund_amount"));
        // The decision is in the audit log.
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "refund.approve" && e.EntityId == id.ToString())));
    }

    [Fact]
    public async Task An_operator_refunds_one_line_then_the_other_partial_then_full()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var (a, b) = (await app.CourseAsync(100m), await app.CourseAsync(50m));
        // 150 − 5 (coupon) − 30 贝里 (¥3) = 142; the credits' shares 20/10 by price.
        var (user, number) = await PaidOrderAsync([a, b], credit: 30, coupon: "-5");
        var lines = (await OrderAsync(user, number)).GetProperty("order_courses").EnumerateArray().ToDictionary(l => l.GetProperty("course").GetInt32(), l => l.Decimal("real_price"));

        var first = await admin.PostAsJsonAsync($"/admin/api/orders/{number}/refunds", new { reason = "客服退款", courses = new[] { a.Id } });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var refund = await first.JsonAsync();
        Assert.Equal("已退款", refund.GetProperty("status_text").GetString());
        Assert.Equal(lines[a.Id], refund.Decimal("amount"));
        Assert.Equal(20, refund.GetProperty("credit").GetInt64());
        Assert.False(refund.GetProperty("whole_order").GetBoolean());

        Assert.Equal(OrderStatus.PartlyRefunded, await StatusAsync(number));
        var order = await OrderAsync(user, number);
        Assert.Equal("部分退款", order.GetProperty("order_status_text").GetString());
        Assert.Equal(lines[a.Id], order.Decimal("refunded_amount"));
        Assert.Equal([b.Id], (await PurchasesAsync(user)).Keys);
        Assert.Equal(20, await CreditAsync(user));
        Assert.Equal(lines[a.Id].ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), (await TradeAsync(number)).GetProperty("refunded").GetString());
        Assert.Equal("TRADE_SUCCESS", (await TradeAsync(number)).GetProperty("status").GetString());
        // The export and the admin detail say so too.
        var csv = await admin.GetStringAsync($"/admin/api/orders/export.csv?number={number}");
        Assert.Contains($"{number},{user.Username},部分退款,150.00,142.00,{lines[a.Id]:0.00},", csv);
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/admin/api/orders/{number}");
        Assert.Equal("部分退款", detail.GetProperty("status_text").GetString());
        Assert.Equal(lines[a.Id], detail.Decimal("refunded_amount"));
        Assert.Equal("已退款", detail.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("course_id").GetInt32() == a.Id).GetProperty("refund_status_text").GetString());
        Assert.Equal("客服退款", detail.GetProperty("refunds")[0].GetProperty("reason").GetString());
        // The coupon stays used while a line is kept.
        Assert.True(await app.WithDbAsync(db => db.UserCoupons.Where(c => c.UserId == user.Id).Select(c => c.IsUse).SingleAsync()));

        // The same line again is refused; the rest goes through and closes the order.
        var again = await admin.PostAsJsonAsync($"/admin/api/orders/{number}/refunds", new { reason = "再退", courses = new[] { a.Id } });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var rest = await admin.PostAsJsonAsync($"/admin/api/orders/{number}/refunds", new { reason = "全部退款" });
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        Assert.True((await rest.JsonAsync()).GetProperty("whole_order").GetBoolean());
        Assert.Equal(OrderStatus.Refunded, await StatusAsync(number));
        Assert.Equal(30, await CreditAsync(user));
        Assert.Empty(await PurchasesAsync(user));
        Assert.Equal("142.00", (await TradeAsync(number)).GetProperty("refunded").GetString());
        Assert.Equal(142m, (await OrderAsync(user, number)).Decimal("refunded_amount"));
        Assert.False(await app.WithDbAsync(db => db.UserCoupons.Where(c => c.UserId == user.Id).Select(c => c.IsUse).SingleAsync()));
        var nothingLeft = await admin.PostAsJsonAsync($"/admin/api/orders/{number}/refunds", new { reason = "再退" });
        Assert.Equal(HttpStatusCode.Conflict, nothingLeft.StatusCode);
    }

    [Fact]
    public async Task A_refund_takes_back_only_the_validity_its_order_added()
    {
        var course = await app.CourseAsync(100m);
        var t0 = Now;
        var (user, first) = await PaidOrderAsync([course], expire: 30);
        var (_, second) = await PaidOrderAsync([course], expire: 30, user: user);
        Assert.Equal(t0.AddDays(60), (await PurchasesAsync(user))[course.Id]!.Value, TimeSpan.FromSeconds(5));

        // Ten days in, the first order is refunded: its 20 days left go, the second order's 30 stay.
        app.Clock.Advance(TimeSpan.FromDays(10));
        await app.LoginAgainAsync(user);
        var admin = app.Bearer(await app.AdminAsync());
        var refunded = await admin.PostAsJsonAsync($"/admin/api/orders/{first}/refunds", new { reason = "测试" });
        Assert.Equal(HttpStatusCode.OK, refunded.StatusCode);
        Assert.Equal(t0.AddDays(40), (await PurchasesAsync(user))[course.Id]!.Value, TimeSpan.FromSeconds(5));

        // A permanent order on top, refunded: back to the end it had.
        var (_, permanent) = await PaidOrderAsync([course], expire: 0, user: user);
        Assert.Null((await PurchasesAsync(user))[course.Id]);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/admin/api/orders/{permanent}/refunds", new { reason = "测试" })).StatusCode);
        Assert.Equal(t0.AddDays(40), (await PurchasesAsync(user))[course.Id]!.Value, TimeSpan.FromSeconds(5));
        Assert.Equal(OrderStatus.Paid, await StatusAsync(second));
    }

    [Fact]
    public async Task Refunds_around_a_permanent_purchase_give_back_what_each_order_paid_for()
    {
        var admin = app.Bearer(await app.AdminAsync());
        async Task RefundAsync(string number) =>
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/admin/api/orders/{number}/refunds", new { reason = "测试" })).StatusCode);

        // Permanent, then 30 days bought while permanent: refunding the permanent order leaves the 30 days paid for.
        var course = await app.CourseAsync(100m);
        var t0 = Now;
        var (user, permanent) = await PaidOrderAsync([course], expire: 0);
        var (_, monthly) = await PaidOrderAsync([course], expire: 30, user: user);
        Assert.Null((await PurchasesAsync(user))[course.Id]);
        await RefundAsync(permanent);
        Assert.Equal(t0.AddDays(30), (await PurchasesAsync(user))[course.Id]!.Value, TimeSpan.FromSeconds(5));
        // … and refunding that one too takes the course away.
        await RefundAsync(monthly);
        Assert.Empty(await PurchasesAsync(user));

        // 30 days, then permanent: the 30 days refunded while permanent are not given back when the permanent one is refunded.
        var other = await app.CourseAsync(80m);
        var (student, timed) = await PaidOrderAsync([other], expire: 30);
        var (_, upgrade) = await PaidOrderAsync([other], expire: 0, user: student);
        await RefundAsync(timed);
        Assert.Null((await PurchasesAsync(student))[other.Id]);
        await RefundAsync(upgrade);
        var left = (await PurchasesAsync(student)).GetValueOrDefault(other.Id);
        Assert.True(left is null || left <= Now.AddSeconds(5), $"the refunded 30 days came back: {left:O}");
    }

    [Fact]
    public async Task A_refund_racing_a_payment_of_the_same_course_loses_neither()
    {
        var admin = app.Bearer(await app.AdminAsync());
        for (var round = 0; round < 4; round++)
        {
            var course = await app.CourseAsync(100m);
            var (user, first) = await PaidOrderAsync([course], expire: 30);
            await user.CartAsync(30, course);
            var second = (await (await user.OrderAsync()).JsonAsync()).GetProperty("order").GetString()!;
            var t0 = Now;

            // The first order refunded while the second is paid: either way round, the first's 30 days go and the second's stay.
            await Task.WhenAll(
                admin.PostAsJsonAsync($"/admin/api/orders/{first}/refunds", new { reason = "并发" }),
                app.PayAsync(user, second));

            Assert.Equal(OrderStatus.Refunded, await StatusAsync(first));
            Assert.Equal(OrderStatus.Paid, await StatusAsync(second));
            Assert.Equal(t0.AddDays(30), (await PurchasesAsync(user))[course.Id]!.Value, TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task A_request_is_refused_with_a_clear_reason_and_changes_nothing()
    {
        var course = await app.CourseAsync(80m);
        var (user, number) = await PaidOrderAsync([course]);
        var other = await app.StudentAsync();

        async Task Refused(HttpResponseMessage response, HttpStatusCode status)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.False(string.IsNullOrEmpty(await response.MessageAsync()));
        }
        await Refused(await RequestAsync(user, number, reason: ""), HttpStatusCode.BadRequest);
        await Refused(await RequestAsync(user, number, reason: new string('长', 201)), HttpStatusCode.BadRequest);
        await Refused(await RequestAsync(user, number, courses: [999999]), HttpStatusCode.BadRequest);
        await Refused(await RequestAsync(other, number), HttpStatusCode.NotFound);
        await Refused(await RequestAsync(user, "no-such-order"), HttpStatusCode.NotFound);
        await Refused(await user.Http.PostAsync($"/orders/{number}/refund-request/", new StringContent("{", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        // An unpaid order cannot be refunded.
        await user.CartAsync(0, await app.CourseAsync(10m));
        var unpaid = (await (await user.OrderAsync()).JsonAsync()).GetProperty("order").GetString()!;
        await Refused(await RequestAsync(user, unpaid), HttpStatusCode.Conflict);
        Assert.Equal(0, await app.WithDbAsync(db => db.Refunds.CountAsync(r => r.UserId == user.Id)));

        // Past the window (7 days by default) the student can no longer ask.
        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await app.LoginAgainAsync(user);
        var late = await RequestAsync(user, number);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("7 天", await late.MessageAsync());
        Assert.Equal(JsonValueKind.Null, (await OrderAsync(user, number)).GetProperty("refund_deadline").ValueKind);
        Assert.Equal(0, await app.WithDbAsync(db => db.Refunds.CountAsync(r => r.UserId == user.Id)));
    }

    [Fact]
    public async Task A_refused_request_frees_its_lines_and_shows_the_note()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var (user, number) = await PaidOrderAsync([await app.CourseAsync(70m)]);
        var id = (await (await RequestAsync(user, number)).JsonAsync()).GetProperty("id").GetInt64();

        var noNote = await admin.PostAsJsonAsync($"/admin/api/refunds/{id}/refuse", new { note = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noNote.StatusCode);
        var refused = await admin.PostAsJsonAsync($"/admin/api/refunds/{id}/refuse", new { note = "已学习超过一半" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal("已拒绝", (await refused.JsonAsync()).GetProperty("status_text").GetString());
        // Deciding again is a conflict; an unknown refund is 404.
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync($"/admin/api/refunds/{id}/approve", new { note = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/admin/api/refunds/99999999/approve", new { note = "" })).StatusCode);

        var order = await OrderAsync(user, number);
        Assert.Equal(OrderStatus.Paid, await StatusAsync(number));
        Assert.Equal("已学习超过一半", order.GetProperty("refunds")[0].GetProperty("operator_note").GetString());
        Assert.NotEqual(JsonValueKind.Null, order.GetProperty("refund_deadline").ValueKind);
        Assert.Single(await PurchasesAsync(user));
        Assert.Equal("0.00", (await TradeAsync(number)).GetProperty("refunded").GetString());
        // The student may ask again.
        Assert.Equal(HttpStatusCode.Created, (await RequestAsync(user, number, "再次申请")).StatusCode);
    }

    [Fact]
    public async Task Double_clicks_and_concurrent_operators_refund_once()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var (user, number) = await PaidOrderAsync([await app.CourseAsync(90m)], credit: 40);

        // Ten requests at once: one is opened.
        var requests = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RequestAsync(user, number)));
        Assert.Single(requests, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(requests.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var id = await app.WithDbAsync(db => db.Refunds.Where(r => r.UserId == user.Id).Select(r => r.Id).SingleAsync());

        // Ten approvals at once: one refunds.
        var approvals = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => admin.PostAsJsonAsync($"/admin/api/refunds/{id}/approve", new { note = "ok" })));
        Assert.Single(approvals, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(approvals.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal("86.00", (await TradeAsync(number)).GetProperty("refunded").GetString());
        Assert.Equal(40, await CreditAsync(user));
        Assert.Equal(1, await app.WithDbAsync(db => db.CreditEntries.CountAsync(c => c.UserId == user.Id && c.Delta > 0)));

        // Ten operators refunding the same line of another order at once: one refund.
        var (other, second) = await PaidOrderAsync([await app.CourseAsync(30m), await app.CourseAsync(20m)]);
        var course = (await OrderAsync(other, second)).GetProperty("order_courses")[0].GetProperty("course").GetInt32();
        var clicks = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => admin.PostAsJsonAsync($"/admin/api/orders/{second}/refunds", new { reason = "双击", courses = new[] { course } })));
        Assert.Single(clicks, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal("30.00", (await TradeAsync(second)).GetProperty("refunded").GetString());
        Assert.Equal(1, await app.WithDbAsync(db => db.Refunds.CountAsync(r => r.UserId == other.Id)));
        Assert.Equal(OrderStatus.PartlyRefunded, await StatusAsync(second));
    }

    [Fact]
    public async Task A_refund_the_gateway_refuses_fails_visibly_changes_nothing_and_a_retry_refunds_once()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var (user, number) = await PaidOrderAsync([await app.CourseAsync(100m)], credit: 20);

        Sandbox.InjectRefundFault(RefundFault.SystemError);
        var failed = await admin.PostAsJsonAsync($"/admin/api/orders/{number}/refunds", new { reason = "测试失败" });
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        var refund = await failed.JsonAsync();
        Assert.Equal("退款失败", refund.GetProperty("status_text").GetString());
        Assert.Contains("ACQ.SYSTEM_ERROR", refund.GetProperty("last_error").GetString());
        var id = refund.GetProperty("id").GetInt64();
        // Nothing half-done: the order, the purchase, the credits and the trade are as they were.
        Assert.Equal(OrderStatus.Paid, await StatusAsync(number));
        Assert.Single(await PurchasesAsync(user));
        Assert.Equal(0, await CreditAsync(user));
        Assert.Equal("0.00", (await TradeAsync(number)).GetProperty("refunded").GetString());
        // Visible in the operators' queue of failed refunds.
        var queue = await admin.GetFromJsonAsync<JsonElement>("/admin/api/refunds?status=4");
        Assert.Contains(queue.GetProperty("results").EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);

        // The gateway unreachable on every attempt: still failed, still nothing done.
        Sandbox.InjectRefundFault(RefundFault.Unavailable, 3);
        var unreachable = await AdvancingAsync(admin.PostAsync($"/admin/api/refunds/{id}/retry", null));
        Assert.Equal("退款失败", (await unreachable.JsonAsync()).GetProperty("status_text").GetString());
        Assert.Equal("0.00", (await TradeAsync(number)).GetProperty("refunded").GetString());

        var retried = await Task.WhenAll(admin.PostAsync($"/admin/api/refunds/{id}/retry", null), admin.PostAsync($"/admin/api/refunds/{id}/retry", null));
        Assert.Single(retried, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(OrderStatus.Refunded, await StatusAsync(number));
        Assert.Equal("98.00", (await TradeAsync(number)).GetProperty("refunded").GetString());
        Assert.Single((await TradeAsync(number)).GetProperty("refunds").EnumerateArray());
        Assert.Equal(20, await CreditAsync(user));
        Assert.Empty(await PurchasesAsync(user));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/admin/api/refunds/{id}/retry", null)).StatusCode);
    }

    [Fact]
    public async Task A_refund_whose_answer_is_lost_is_confirmed_by_the_refund_query()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var (user, number) = await PaidOrderAsync([await app.CourseAsync(40m)]);

        // The gateway refunds, then the answer never arrives (every attempt of the resilience pipeline).
        Sandbox.InjectRefundFault(RefundFault.AnswerLost, 3);
        var response = await AdvancingAsync(admin.PostAsJsonAsync($"/admin/api/orders/{number}/refunds", new { reason = "应答丢失" }));
        Assert.Equal("已退款", (await response.JsonAsync()).GetProperty("status_text").GetString());
        Assert.Equal(OrderStatus.Refunded, await StatusAsync(number));
        Assert.Equal("40.00", (await TradeAsync(number)).GetProperty("refunded").GetString());
        Assert.Single((await TradeAsync(number)).GetProperty("refunds").EnumerateArray());
    }

    [Fact]
    public async Task A_refund_left_under_way_is_finished_once_by_concurrent_job_passes()
    {
        var (user, number) = await PaidOrderAsync([await app.CourseAsync(55m)]);
        // An approved request whose process stopped before it reached the gateway: 退款中, nothing refunded yet.
        var id = (await (await RequestAsync(user, number)).JsonAsync()).GetProperty("id").GetInt64();
        await app.WithDbAsync(db => db.Refunds.Where(r => r.Id == id).ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, RefundStatus.Processing).SetProperty(x => x.DecidedAt, Now)));

        // Not yet due: the job leaves it alone (an answer may still be on its way).
        var job = app.Services.GetRequiredService<RefundJob>();
        Assert.Equal(0, await job.RunOnceAsync());
        Assert.Equal("0.00", (await TradeAsync(number)).GetProperty("refunded").GetString());

        // Due: two instances' passes at once (the app's own job may join them, its timer runs on the same clock).
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var passes = await Task.WhenAll(job.RunOnceAsync(), job.RunOnceAsync());
        Assert.InRange(passes.Sum(), 0, 1);
        Assert.Single((await TradeAsync(number)).GetProperty("refunds").EnumerateArray());
        Assert.Equal(OrderStatus.Refunded, await StatusAsync(number));
        Assert.Equal(RefundStatus.Succeeded, await app.WithDbAsync(db => db.Refunds.Where(r => r.Id == id).Select(r => r.Status).SingleAsync()));
        Assert.Equal("55.00", (await TradeAsync(number)).GetProperty("refunded").GetString());
        Assert.Empty(await PurchasesAsync(user));
    }

    [Fact]
    public async Task The_gateways_refund_notification_finishes_a_refund_under_way()
    {
        var (user, number) = await PaidOrderAsync([await app.CourseAsync(45m)]);
        var id = (await (await RequestAsync(user, number)).JsonAsync()).GetProperty("id").GetInt64();
        var requestNo = await app.WithDbAsync(db => db.Refunds.Where(r => r.Id == id).Select(r => r.RequestNo).SingleAsync());
        await app.WithDbAsync(db => db.Refunds.Where(r => r.Id == id).ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, RefundStatus.Processing).SetProperty(x => x.DecidedAt, Now)));
        // The gateway made the refund (the answer was lost on our side); its notification comes back to the app.
        var gateway = await app.Services.GetRequiredService<AlipayClient>().RefundAsync(number, Money.FromYuan(45m), requestNo, "测试");
        Assert.Equal("Y", gateway.Get("fund_change"));

        for (var i = 0; i < 100 && await StatusAsync(number) != OrderStatus.Refunded; i++)
            await Task.Delay(50);
        Assert.Equal(OrderStatus.Refunded, await StatusAsync(number));
        Assert.Empty(await PurchasesAsync(user));
        Assert.Contains(await app.WithDbAsync(db => db.PaymentNotifications.Where(n => n.OutTradeNo == number).Select(n => n.Outcome).ToListAsync()),
            o => o.Contains("refund applied"));
    }

    [Fact]
    public async Task The_storefront_form_asks_for_a_refund_and_refuses_what_it_cannot_take()
    {
        var course = await app.CourseAsync(35m);
        var (user, number) = await PaidOrderAsync([course]);
        var browser = await Browser.SignedInOverHttpAsync(app, user.Username);
        Assert.Contains($"/web/orders/{number}/refund-request", await browser.Http.GetStringAsync("/my/orders"));

        async Task<string> PostAsync(Dictionary<string, string> fields) =>
            Uri.UnescapeDataString((await browser.PostFormAsync("/my/orders", $"/web/orders/{number}/refund-request", fields)).Headers.Location!.OriginalString);
        Assert.Equal("/my/orders?error=请选择要退款的课程", await PostAsync(new() { ["reason"] = "不想学" }));
        Assert.Equal("/my/orders?error=请填写退款原因", await PostAsync(new() { ["courses"] = course.Id.ToString(), ["reason"] = " " }));
        Assert.Equal(0, await app.WithDbAsync(db => db.Refunds.CountAsync(r => r.UserId == user.Id)));

        Assert.Equal("/my/orders?refund=requested", await PostAsync(new() { ["courses"] = course.Id.ToString(), ["reason"] = "不想学" }));
        var html = await browser.Http.GetStringAsync("/my/orders?refund=requested");
        Assert.Contains("退款申请已提交", html);
        Assert.Contains("待审核", html);
        Assert.DoesNotContain($"/web/orders/{number}/refund-request", html);
        Assert.StartsWith("/my/orders?error=", await PostAsync(new() { ["courses"] = course.Id.ToString(), ["reason"] = "再来" }));
        Assert.Equal(1, await app.WithDbAsync(db => db.Refunds.CountAsync(r => r.UserId == user.Id)));
    }

    [Fact]
    public async Task Two_refunds_of_an_order_paid_with_credits_only_at_once_leave_it_refunded()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var (a, b) = (await app.CourseAsync(3m), await app.CourseAsync(2m));
        // ¥5 paid with 50 贝里: a 0-yuan order, paid at once, no trade at the gateway.
        var user = await app.StudentAsync(50);
        await user.CartAsync(0, a, b);
        var created = await (await user.OrderAsync(credit: 50)).JsonAsync();
        var number = created.GetProperty("order").GetString()!;
        Assert.Equal(1, created.GetProperty("order_status").GetInt32());

        var both = await Task.WhenAll(
            admin.PostAsJsonAsync($"/admin/api/orders/{number}/refunds", new { reason = "A", courses = new[] { a.Id } }),
            admin.PostAsJsonAsync($"/admin/api/orders/{number}/refunds", new { reason = "B", courses = new[] { b.Id } }));
        Assert.All(both, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(OrderStatus.Refunded, await StatusAsync(number));
        Assert.Equal(50, await CreditAsync(user));
        Assert.Empty(await PurchasesAsync(user));
        Assert.Equal(1, await app.WithDbAsync(db => db.Refunds.CountAsync(r => r.UserId == user.Id && r.WholeOrder)));
    }

    [Fact]
    public async Task The_operators_forms_go_back_only_to_a_back_office_page_and_paging_is_checked()
    {
        var admin = await app.AdminAsync();
        var browser = await Browser.SignedInOverHttpAsync(app, admin.Username);
        foreach (var back in new[] { "/admin/退款", "/admin/a\tb", "https://evil.example/admin/", "//evil.example/admin/", "/admin/\\evil" })
        {
            var answer = await browser.PostFormAsync("/admin/refunds", "/admin/refunds/99999999/retry", new() { ["back"] = back });
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
            Assert.StartsWith("/admin/refunds?error=", answer.Headers.Location!.OriginalString);
        }
        var api = app.Bearer(admin);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/admin/api/refunds?page=107374184")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/admin/api/refunds?page=0")).StatusCode);
        var page = await browser.Http.GetAsync("/admin/refunds?page=107374184");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("页码不正确", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_refund_api_is_for_operators_only()
    {
        var student = await app.StudentAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync("/admin/api/refunds")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Bearer(student).GetAsync("/admin/api/refunds")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().PostAsJsonAsync("/orders/x/refund-request/", new { reason = "x" })).StatusCode);
        var admin = app.Bearer(await app.AdminAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/admin/api/refunds?status=9")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/admin/api/orders/no-such/refunds", new { reason = "x" })).StatusCode);
    }
}

/// <summary>The database failing in the middle of recording a refund the gateway made (SQLite, the app on Kestrel).</summary>
public sealed class RefundRecordingFailureTests(KestrelFaultyApp app) : IClassFixture<KestrelFaultyApp>
{
    [Fact]
    public async Task A_refund_the_database_fails_to_record_is_applied_once_later_and_nothing_half_done_meanwhile()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var course = await app.CourseAsync(77m);
        var (user, number) = await app.PaidOrderAsync([course], credit: 70);
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync()));

        // The gateway refunds; recording it fails halfway (when the purchases are locked, after the refund was marked done).
        app.Faults.FailOn = "\"ly_user_course\"";
        var answer = await admin.PostAsJsonAsync($"/admin/api/orders/{number}/refunds", new { reason = "记账失败" });
        app.Faults.FailOn = null;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("退款中", (await answer.JsonAsync()).GetProperty("status_text").GetString());
        // Nothing of it applied: the order, the purchase, the credits are as they were; the money is back at the gateway.
        Assert.Equal(OrderStatus.Paid, await app.StatusAsync(number));
        Assert.Equal(1, await app.WithDbAsync(db => db.UserCourses.CountAsync(u => u.UserId == user.Id)));
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync()));
        Assert.Equal("70.00", (await app.SandboxTradeAsync(number)).GetProperty("refunded").GetString());

        // Later passes of the job (the gateway: fund_change N, then the query finds the refund) apply it once.
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var job = app.Services.GetRequiredService<RefundJob>();
        await Task.WhenAll(job.RunOnceAsync(), job.RunOnceAsync());
        Assert.Equal(OrderStatus.Refunded, await app.StatusAsync(number));
        Assert.Equal(0, await app.WithDbAsync(db => db.UserCourses.CountAsync(u => u.UserId == user.Id)));
        Assert.Equal(70, await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.CreditEntries.CountAsync(c => c.UserId == user.Id && c.Delta > 0)));
        Assert.Single((await app.SandboxTradeAsync(number)).GetProperty("refunds").EnumerateArray());
    }
}
