using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;
using Luffy.Web.Orders;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Luffy.Web.Tests;

public sealed class PaymentsTestsOnSqlite(KestrelSqliteApp app) : PaymentsTests(app), IClassFixture<KestrelSqliteApp>;

public sealed class PaymentsTestsOnPostgres(KestrelPostgresApp app) : PaymentsTests(app), IClassFixture<KestrelPostgresApp>;

/// <summary>Payments against the sandbox gateway over real HTTP: the app on Kestrel, the notify POSTed back to it.</summary>
public abstract class PaymentsTests(LuffyApp app)
{
    /// <summary>A plain client, as the gateway or a browser that does not follow redirects.</summary>
    private HttpClient Raw() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Anonymous().BaseAddress };

    private async Task<(UserClient User, string Number)> OrderAsync(decimal yuan = 100m, int expire = 0, UserClient? user = null, Course? course = null)
    {
        user ??= await app.StudentAsync();
        await user.CartAsync(expire, course ?? await app.CourseAsync(yuan));
        var created = await user.OrderAsync();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (user, (await created.JsonAsync()).GetProperty("order").GetString()!);
    }

    /// <summary>Gets the pay URL and opens it, as the browser does, so the sandbox knows the trade.</summary>
    private async Task<string> OpenCashierAsync(UserClient user, string number)
    {
        var url = await user.Http.GetFromJsonAsync<JsonElement>($"/payments/alipay/url/?order_number={number}");
        Assert.Equal("发起支付成功", url.GetProperty("message").GetString());
        var cashier = await Raw().GetAsync(url.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, cashier.StatusCode);
        return await cashier.Content.ReadAsStringAsync();
    }

    private async Task<JsonElement> ScriptedPayAsync(string number, bool notify)
    {
        var paid = await Raw().PostAsync($"/alipay-sandbox/sandbox/trades/{number}/pay?notify={notify.ToString().ToLowerInvariant()}", null);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        return await paid.JsonAsync();
    }

    /// <summary>The API's result endpoint with the query of a return URL (which points at the storefront's page).</summary>
    private static string ApiReturn(string returnUrl) => "/payments/alipay/result/" + new Uri(returnUrl).Query;

    private async Task<OrderStatus> StatusAsync(string number) =>
        await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).Select(o => o.OrderStatus).SingleAsync());

    /// <summary>Waits (bounded) for the asynchronous notification to change the order.</summary>
    private async Task<OrderStatus> EventuallyAsync(string number, OrderStatus wanted)
    {
        for (var i = 0; i < 200; i++)
        {
            var status = await StatusAsync(number);
            if (status == wanted)
                return status;
            await Task.Delay(50);
        }
        return await StatusAsync(number);
    }

    private async Task<Dictionary<string, string?>> NotificationAsync(string number) =>
        (await Raw().GetFromJsonAsync<Dictionary<string, string?>>($"/alipay-sandbox/sandbox/trades/{number}/notification"))!;

    private Task<string> PostNotifyAsync(IEnumerable<KeyValuePair<string, string?>> form) =>
        Raw().PostAsync("/payments/alipay/result/", new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Key, p.Value ?? ""))))
            .ContinueWith(t => t.Result.Content.ReadAsStringAsync()).Unwrap();

    private Dictionary<string, string?> Resign(Dictionary<string, string?> form)
    {
        using var key = AlipayKeys.LoadFile(Path.Combine(app.DataDirectory, "keys", "alipay_private_key.pem"));
        form["sign"] = AlipaySignature.SignNotification(form, key);
        return form;
    }

    [Fact]
    public async Task Buyer_pays_on_the_cashier_and_the_notify_fulfils_the_order()
    {
        var (user, number) = await OrderAsync(99.5m, expire: 90);
        var page = await OpenCashierAsync(user, number);
        Assert.Contains("¥69.65", page);
        Assert.Contains("确认付款", page);
        Assert.Contains("取消", page);

        var confirm = await Raw().PostAsync($"/alipay-sandbox/cashier/{number}/pay", null);
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        var returned = confirm.Headers.Location!.ToString();
        Assert.Contains("method=alipay.trade.page.pay.return", returned);

        Assert.Equal(OrderStatus.Paid, await EventuallyAsync(number, OrderStatus.Paid));
        Assert.StartsWith("/payment/result?", new Uri(returned).PathAndQuery);
        var result = await Raw().GetFromJsonAsync<JsonElement>(ApiReturn(returned));
        Assert.Equal(69.65m, result.GetProperty("message").Decimal("real_price"));
        Assert.Single(result.GetProperty("message").GetProperty("course_list").EnumerateArray());

        var order = await app.WithDbAsync(db => db.Orders.SingleAsync(o => o.OrderNumber == number));
        Assert.NotNull(order.TradeNo);
        var mine = await user.Http.GetFromJsonAsync<JsonElement>("/users/courses/");
        var purchase = Assert.Single(mine.EnumerateArray());
        Assert.Equal(order.PayTime!.Value.AddDays(90), purchase.GetProperty("out_time").GetDateTime().ToUniversalTime());
        Assert.False(purchase.GetProperty("expired").GetBoolean());
        var sandbox = await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}");
        Assert.True(sandbox.GetProperty("notify_acknowledged").GetBoolean());
    }

    [Fact]
    public async Task Forged_notifications_get_failure_change_nothing_and_are_counted_not_stored()
    {
        var (user, number) = await OrderAsync();
        await OpenCashierAsync(user, number);
        await ScriptedPayAsync(number, notify: false);
        var genuine = await NotificationAsync(number);
        var stored = await app.WithDbAsync(db => db.PaymentNotifications.CountAsync());
        long rejected = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        var meters = app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "luffy.payments.notify.rejected" && ReferenceEquals(instrument.Meter.Scope, meters))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref rejected, value));
        listener.Start();

        var forged = new Dictionary<string, string?>(genuine) { ["total_amount"] = "0.01" };
        var otherApp = Resign(new Dictionary<string, string?>(genuine) { ["app_id"] = "2021999999999999", ["auth_app_id"] = "2021999999999999" });
        var unsigned = new Dictionary<string, string?>(genuine);
        unsigned.Remove("sign");
        foreach (var bad in new[] { forged, otherApp, unsigned })
            Assert.Equal("failure", await PostNotifyAsync(bad));

        Assert.Equal(3, Interlocked.Read(ref rejected));
        Assert.Equal(stored, await app.WithDbAsync(db => db.PaymentNotifications.CountAsync()));
        Assert.Equal(OrderStatus.Unpaid, await StatusAsync(number));
        Assert.False(await app.WithDbAsync(db => db.UserCourses.AnyAsync(u => u.UserId == user.Id)));

        Assert.Equal("success", await PostNotifyAsync(genuine));
        Assert.Equal(OrderStatus.Paid, await StatusAsync(number));
    }

    [Fact]
    public async Task Notify_bodies_over_the_limit_are_413_and_too_many_fields_400_changing_nothing()
    {
        var stored = await app.WithDbAsync(db => db.PaymentNotifications.CountAsync());
        var big = new StringContent("out_trade_no=1&pad=" + new string('x', 20_000), System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Raw().PostAsync("/payments/alipay/result/", big)).StatusCode);

        // Chunked: no Content-Length to refuse early.
        var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.ASCII.GetBytes("a=" + new string('y', 40_000))));
        chunked.Headers.ContentType = new("application/x-www-form-urlencoded");
        var request = new HttpRequestMessage(HttpMethod.Post, "/payments/alipay/result/") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Raw().SendAsync(request)).StatusCode);

        var many = new FormUrlEncodedContent(Enumerable.Range(0, 150).Select(i => new KeyValuePair<string, string>($"f{i}", "1")));
        Assert.Equal(HttpStatusCode.BadRequest, (await Raw().PostAsync("/payments/alipay/result/", many)).StatusCode);
        Assert.Equal(stored, await app.WithDbAsync(db => db.PaymentNotifications.CountAsync()));
    }

    /// <summary>The trade's amount, as the signed pay URL asks the gateway for it.</summary>
    private static decimal UrlAmount(string url)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(url).Query);
        return decimal.Parse(JsonDocument.Parse(query["biz_content"].ToString()).RootElement.GetProperty("total_amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_payment_of_another_amount_is_refunded_once_and_its_order_cancelled_with_coupon_and_credits_back()
    {
        var user = await app.StudentAsync(credit: 100);
        var coupon = await app.CouponAsync(user.Id, "-10");
        await user.CartAsync(0, await app.CourseAsync(100m));
        var number = (await (await user.OrderAsync(coupon: coupon, credit: 50)).JsonAsync()).GetProperty("order").GetString()!;
        await OpenCashierAsync(user, number);   // the trade is opened at ¥85
        // What the pay-URL race produced before it was closed: the order re-priced after the gateway had the trade.
        await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).ExecuteUpdateAsync(o => o.SetProperty(x => x.RealPrice, Money.FromYuan(80m))));

        await ScriptedPayAsync(number, notify: true);

        Assert.Equal(OrderStatus.Refunded, await EventuallyAsync(number, OrderStatus.Refunded));
        var exception = await EventuallyRefundedAsync(number);
        Assert.Equal(PaymentProblem.AmountMismatch, exception.Problem);
        Assert.Equal(Money.FromYuan(85m), exception.Amount);
        Assert.Equal("85.00", (await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}")).GetProperty("refunded").GetString());
        Assert.True(await AcknowledgedAsync(number));   // recorded: Alipay stops notifying

        // The same notification again (Alipay retries) refunds nothing more and records nothing more.
        Assert.Equal("success", await PostNotifyAsync(await NotificationAsync(number)));
        Assert.Equal(1, await app.WithDbAsync(db => db.PaymentExceptions.CountAsync(p => p.OutTradeNo == number)));
        Assert.Equal("85.00", (await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}")).GetProperty("refunded").GetString());
        Assert.Equal(100L, await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync()));
        Assert.False(await app.WithDbAsync(db => db.UserCoupons.Where(u => u.Id == coupon).Select(u => u.IsUse).SingleAsync()));
        Assert.False(await app.WithDbAsync(db => db.UserCourses.AnyAsync(u => u.UserId == user.Id)));
    }

    /// <summary>Waits (bounded) for the sandbox to hear <c>success</c> for the trade's notify.</summary>
    private async Task<bool> AcknowledgedAsync(string number)
    {
        for (var i = 0; i < 200; i++)
        {
            if ((await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}")).GetProperty("notify_acknowledged").GetBoolean())
                return true;
            await Task.Delay(50);
        }
        return false;
    }

    private async Task<PaymentException> EventuallyRefundedAsync(string number)
    {
        for (var i = 0; i < 200; i++)
        {
            var found = await app.WithDbAsync(db => db.PaymentExceptions.AsNoTracking().SingleOrDefaultAsync(p => p.OutTradeNo == number && p.RefundedAt != null));
            if (found is not null)
                return found;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"no refunded payment exception for {number}");
    }

    [Fact]
    public async Task A_payment_for_an_order_that_does_not_exist_is_recorded_and_refunded()
    {
        var (user, number) = await OrderAsync(66m);
        await OpenCashierAsync(user, number);
        await ScriptedPayAsync(number, notify: false);
        var notification = await NotificationAsync(number);
        await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).ExecuteDeleteAsync());

        Assert.Equal("success", await PostNotifyAsync(notification));

        var exception = await EventuallyRefundedAsync(number);
        Assert.Equal(PaymentProblem.UnknownOrder, exception.Problem);
        Assert.Equal(notification["trade_no"], exception.TradeNo);
        Assert.Equal("66.00", (await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}")).GetProperty("refunded").GetString());
    }

    [Fact]
    public async Task Twenty_concurrent_notifies_of_a_payment_to_refund_record_it_once_and_refund_once()
    {
        var (user, number) = await OrderAsync(55m);
        await OpenCashierAsync(user, number);
        Assert.Equal(HttpStatusCode.OK, (await user.Http.PostAsync($"/orders/{number}/cancel/", null)).StatusCode);
        await ScriptedPayAsync(number, notify: false);
        var notification = await NotificationAsync(number);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostNotifyAsync(notification)));

        Assert.All(answers, a => Assert.Equal("success", a));
        var recorded = await app.WithDbAsync(db => db.PaymentExceptions.Where(p => p.OutTradeNo == number).ToListAsync());
        Assert.Equal(PaymentProblem.OrderClosed, Assert.Single(recorded).Problem);
        Assert.NotNull(recorded[0].RefundedAt);
        Assert.Equal("55.00", (await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}")).GetProperty("refunded").GetString());
        Assert.Equal(OrderStatus.Refunded, await StatusAsync(number));
    }

    [Fact]
    public async Task An_order_paid_twice_keeps_the_first_payment_and_refunds_the_second()
    {
        var (user, number) = await OrderAsync(40m);
        await OpenCashierAsync(user, number);
        await ScriptedPayAsync(number, notify: true);
        Assert.Equal(OrderStatus.Paid, await EventuallyAsync(number, OrderStatus.Paid));

        var again = await Raw().PostAsync($"/alipay-sandbox/sandbox/trades/{number}/pay-again", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var secondTrade = (await again.JsonAsync()).GetProperty("trade_no").GetString();

        var exception = await EventuallyRefundedAsync(number);
        Assert.Equal(PaymentProblem.DoublePayment, exception.Problem);
        Assert.Equal(secondTrade, exception.TradeNo);
        Assert.Equal(OrderStatus.Paid, await StatusAsync(number));
        // The first trade, which paid the order, is untouched.
        Assert.Equal("0.00", (await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}")).GetProperty("refunded").GetString());
        Assert.Single(await user.Http.GetFromJsonAsync<JsonElement[]>("/users/courses/") ?? []);
    }

    [Fact]
    public async Task Refund_notifications_are_acknowledged_and_never_fulfil()
    {
        var (user, number) = await OrderAsync(30m);
        await OpenCashierAsync(user, number);
        await ScriptedPayAsync(number, notify: false);
        var genuine = await NotificationAsync(number);
        var partial = Resign(new Dictionary<string, string?>(genuine)
        {
            ["refund_fee"] = "10.00", ["gmt_refund"] = "2026-12-01 12:00:00.123", ["out_biz_no"] = "RF1",
        });
        var full = Resign(new Dictionary<string, string?>(genuine)
        {
            ["trade_status"] = "TRADE_CLOSED", ["refund_fee"] = "30.00", ["gmt_refund"] = "2026-12-01 12:00:00.123", ["out_biz_no"] = "RF2",
        });

        Assert.Equal("success", await PostNotifyAsync(partial));
        Assert.Equal("success", await PostNotifyAsync(full));

        Assert.Equal(OrderStatus.Unpaid, await StatusAsync(number));
        Assert.False(await app.WithDbAsync(db => db.UserCourses.AnyAsync(u => u.UserId == user.Id)));
        Assert.Equal(2, await app.WithDbAsync(db => db.PaymentNotifications.CountAsync(n => n.OutTradeNo == number && n.Outcome.StartsWith("refund notification"))));
    }

    [Fact]
    public async Task The_timeout_refunds_a_paid_trade_of_another_amount_instead_of_skipping_the_order_forever()
    {
        var (user, number) = await OrderAsync(100m);
        await OpenCashierAsync(user, number);
        await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).ExecuteUpdateAsync(o => o.SetProperty(x => x.RealPrice, Money.FromYuan(90m))));
        await ScriptedPayAsync(number, notify: false);

        app.Clock.Advance(TimeSpan.FromHours(12));
        await app.Services.GetRequiredService<AutoCancelJob>().RunOnceAsync();

        var exception = await EventuallyRefundedAsync(number);
        Assert.Equal(OrderStatus.Refunded, await StatusAsync(number));
        Assert.Equal(PaymentProblem.AmountMismatch, exception.Problem);
        Assert.Equal("100.00", (await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}")).GetProperty("refunded").GetString());
        Assert.False(await app.WithDbAsync(db => db.UserCourses.AnyAsync(u => u.UserId == user.Id)));
    }

    [Fact]
    public async Task A_refund_the_gateway_cannot_make_yet_stays_pending_and_concurrent_job_passes_refund_it_once()
    {
        var (user, number) = await OrderAsync(20m);
        await OpenCashierAsync(user, number);
        await ScriptedPayAsync(number, notify: false);
        var notification = await NotificationAsync(number);
        await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).ExecuteDeleteAsync());
        // The gateway cannot refund this trade now (here: it is closed on the gateway's side for a moment).
        var trades = app.Services.GetRequiredService<Luffy.AlipaySandbox.SandboxTrades>();
        var trade = trades.Find(number)!;
        lock (trade)
            trade.Status = Luffy.AlipaySandbox.TradeStatus.WAIT_BUYER_PAY;

        Assert.Equal("success", await PostNotifyAsync(notification));
        var pending = await app.WithDbAsync(db => db.PaymentExceptions.AsNoTracking().SingleAsync(p => p.OutTradeNo == number));
        Assert.Null(pending.RefundedAt);
        Assert.Equal(1, pending.RefundAttempts);
        Assert.NotNull(pending.LastError);

        lock (trade)
            trade.Status = Luffy.AlipaySandbox.TradeStatus.TRADE_SUCCESS;
        // Two instances' passes at once: the same out_request_no, so the gateway refunds once.
        var job = app.Services.GetRequiredService<AutoCancelJob>();
        await Task.WhenAll(job.RunOnceAsync(), job.RunOnceAsync());
        await job.RunOnceAsync();

        var done = await app.WithDbAsync(db => db.PaymentExceptions.AsNoTracking().SingleAsync(p => p.OutTradeNo == number));
        Assert.NotNull(done.RefundedAt);
        Assert.InRange(done.RefundAttempts, 2, 3);
        Assert.Equal("20.00", (await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}")).GetProperty("refunded").GetString());
    }

    [Fact]
    public async Task Concurrent_coupon_changes_and_pay_urls_never_issue_a_url_at_a_price_that_is_not_the_orders()
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync(100m);
        var orders = new List<(string Number, int Coupon)>();
        for (var i = 0; i < 12; i++)
        {
            var coupon = await app.CouponAsync(user.Id, "-30");
            await user.CartAsync(0, course);
            orders.Add(((await (await user.OrderAsync()).JsonAsync()).GetProperty("order").GetString()!, coupon));
        }

        var issued = await Task.WhenAll(orders.SelectMany(o => new[]
        {
            user.Http.GetAsync($"/payments/alipay/url/?order_number={o.Number}&coupon_id={o.Coupon}"),
            user.Http.GetAsync($"/payments/alipay/url/?order_number={o.Number}"),
            user.Http.GetAsync($"/payments/alipay/url/?order_number={o.Number}"),
        }).Select(async t =>
        {
            var response = await t;
            var body = await response.JsonAsync();
            return (response.StatusCode, Url: body.TryGetProperty("url", out var u) ? u.GetString() : null, Query: response.RequestMessage!.RequestUri!.Query);
        }));

        Assert.All(issued, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{r.StatusCode} for {r.Query}"));
        foreach (var (number, _) in orders)
        {
            var price = await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).Select(o => o.RealPrice).SingleAsync());
            foreach (var url in issued.Where(r => r.Url is not null && r.Query.Contains(number, StringComparison.Ordinal)).Select(r => r.Url!))
                Assert.Equal(price.Yuan, UrlAmount(url));
        }
    }

    [Fact]
    public async Task A_notify_fulfils_in_a_fixed_number_of_sql_commands_extending_what_the_user_owns()
    {
        var owned = await app.CourseAsync(100m);
        var (user, first) = await OrderAsync(expire: 30, course: owned);
        await OpenCashierAsync(user, first);
        await ScriptedPayAsync(first, notify: true);
        Assert.Equal(OrderStatus.Paid, await EventuallyAsync(first, OrderStatus.Paid));
        var ownedUntil = await app.WithDbAsync(db => db.UserCourses.Where(u => u.UserId == user.Id).Select(u => u.OutTime).SingleAsync());

        var added = await app.CourseAsync(50m);
        await user.CartAsync(30, owned, added);
        var created = await user.OrderAsync();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var number = (await created.JsonAsync()).GetProperty("order").GetString()!;
        await OpenCashierAsync(user, number);
        await ScriptedPayAsync(number, notify: false);

        // The guarded update, the order's lines with the purchases they extend, and the writes of the purchases,
        // of what each line gave (kept for a refund) and of the notification record: one batch on PostgreSQL, which
        // also locks the purchases first (a refund or a grant at the same moment locks them too); SQLite's provider
        // runs the writes one by one, in process (2 purchases, 2 lines, 1 record).
        var notify = await Raw().PostAsync("/payments/alipay/result/",
            new FormUrlEncodedContent((await NotificationAsync(number)).Select(p => new KeyValuePair<string, string>(p.Key, p.Value ?? ""))));
        Assert.Equal("success", await notify.Content.ReadAsStringAsync());
        Assert.Equal(app is PostgresRedisApp ? 4 : 2 + 5, notify.SqlCommands());

        var purchases = await app.WithDbAsync(db => db.UserCourses.Where(u => u.UserId == user.Id).ToDictionaryAsync(u => u.CourseId));
        Assert.Equal(2, purchases.Count);
        Assert.Equal(ownedUntil!.Value.AddDays(30), purchases[owned.Id].OutTime);
        Assert.Equal(number, purchases[owned.Id].BuyNumber);
        Assert.Equal(number, purchases[added.Id].BuyNumber);
        Assert.NotNull(purchases[added.Id].OutTime);
        Assert.Equal(OrderStatus.Paid, await StatusAsync(number));
        Assert.Equal("fulfilled", await app.WithDbAsync(db => db.PaymentNotifications.Where(n => n.OutTradeNo == number).Select(n => n.Outcome).SingleAsync()));
    }

    [Fact]
    public async Task Wait_buyer_pay_is_acknowledged_and_changes_nothing()
    {
        var (user, number) = await OrderAsync();
        await OpenCashierAsync(user, number);
        await ScriptedPayAsync(number, notify: false);
        var waiting = Resign(new Dictionary<string, string?>(await NotificationAsync(number)) { ["trade_status"] = "WAIT_BUYER_PAY" });
        Assert.Equal("success", await PostNotifyAsync(waiting));
        Assert.Equal(OrderStatus.Unpaid, await StatusAsync(number));
    }

    [Fact]
    public async Task Fifty_concurrent_duplicate_notifies_fulfil_once()
    {
        var course = await app.CourseAsync(100m);
        var (user, number) = await OrderAsync(expire: 30, course: course);
        await OpenCashierAsync(user, number);
        await ScriptedPayAsync(number, notify: false);
        var notification = await NotificationAsync(number);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => PostNotifyAsync(notification)));

        Assert.All(answers, a => Assert.Equal("success", a));
        Assert.Equal(OrderStatus.Paid, await StatusAsync(number));
        var purchase = await app.WithDbAsync(db => db.UserCourses.SingleAsync(u => u.UserId == user.Id));
        var paid = await app.WithDbAsync(db => db.Orders.SingleAsync(o => o.OrderNumber == number));
        Assert.Equal(paid.PayTime!.Value.AddDays(30), purchase.OutTime);   // extended once, not fifty times
        var outcomes = await app.WithDbAsync(db => db.PaymentNotifications.Where(n => n.OutTradeNo == number).Select(n => n.Outcome).ToListAsync());
        Assert.Equal(1, outcomes.Count(o => o == "fulfilled"));
        Assert.Equal(49, outcomes.Count(o => o.StartsWith("duplicate", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Notify_and_return_racing_fulfil_once()
    {
        var (user, number) = await OrderAsync(expire: 30);
        await OpenCashierAsync(user, number);
        var paid = await ScriptedPayAsync(number, notify: false);
        var returnPath = ApiReturn(paid.GetProperty("return_url").GetString()!);
        var notification = await NotificationAsync(number);

        var racing = new List<Task>();
        for (var i = 0; i < 5; i++)
        {
            racing.Add(PostNotifyAsync(notification));
            racing.Add(Raw().GetAsync(returnPath));
        }
        await Task.WhenAll(racing);

        var purchase = await app.WithDbAsync(db => db.UserCourses.SingleAsync(u => u.UserId == user.Id));
        var order = await app.WithDbAsync(db => db.Orders.SingleAsync(o => o.OrderNumber == number));
        Assert.Equal(OrderStatus.Paid, order.OrderStatus);
        Assert.Equal(order.PayTime!.Value.AddDays(30), purchase.OutTime);
    }

    [Fact]
    public async Task Return_before_notify_asks_the_gateway()
    {
        var (user, number) = await OrderAsync();
        await OpenCashierAsync(user, number);
        var paid = await ScriptedPayAsync(number, notify: false);

        var result = await Raw().GetAsync(ApiReturn(paid.GetProperty("return_url").GetString()!));

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal(OrderStatus.Paid, await StatusAsync(number));
        var order = await app.WithDbAsync(db => db.Orders.SingleAsync(o => o.OrderNumber == number));
        Assert.Equal(paid.GetProperty("trade_no").GetString(), order.TradeNo);
    }

    [Fact]
    public async Task Forged_return_is_refused()
    {
        var (user, number) = await OrderAsync();
        await OpenCashierAsync(user, number);
        var paid = await ScriptedPayAsync(number, notify: false);
        var forged = paid.GetProperty("return_url").GetString()!.Replace("total_amount=100.00", "total_amount=1.00");
        var response = await Raw().GetAsync(ApiReturn(forged));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(OrderStatus.Unpaid, await StatusAsync(number));
    }

    [Fact]
    public async Task Lost_notify_is_reconciled_before_the_timeout_cancels()
    {
        var (user, number) = await OrderAsync();
        await OpenCashierAsync(user, number);
        await ScriptedPayAsync(number, notify: false);

        app.Clock.Advance(TimeSpan.FromHours(12));
        await app.Services.GetRequiredService<AutoCancelJob>().RunOnceAsync();

        Assert.Equal(OrderStatus.Paid, await StatusAsync(number));
        Assert.True(await app.WithDbAsync(db => db.UserCourses.AnyAsync(u => u.UserId == user.Id)));
    }

    [Fact]
    public async Task Unpaid_trade_is_closed_at_the_gateway_when_the_order_times_out()
    {
        var (user, number) = await OrderAsync();
        await OpenCashierAsync(user, number);

        app.Clock.Advance(TimeSpan.FromHours(12));
        await app.Services.GetRequiredService<AutoCancelJob>().RunOnceAsync();

        Assert.Equal(OrderStatus.TimedOut, await StatusAsync(number));
        var trade = await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}");
        Assert.Equal("TRADE_CLOSED", trade.GetProperty("status").GetString());
        var late = await Raw().PostAsync($"/alipay-sandbox/sandbox/trades/{number}/pay", null);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task An_order_whose_trade_the_gateway_closed_unpaid_is_cancelled_with_its_coupon_and_credits_back()
    {
        var user = await app.StudentAsync(credit: 100);
        var coupon = await app.CouponAsync(user.Id, "-10");
        await user.CartAsync(0, await app.CourseAsync(100m));
        var number = (await (await user.OrderAsync(coupon: coupon, credit: 50)).JsonAsync()).GetProperty("order").GetString()!;
        await OpenCashierAsync(user, number);

        // Past the order's deadline, which is the trade's time_expire: the gateway has closed the trade, and refuses
        // to close it again (as Alipay does).
        app.Clock.Advance(TimeSpan.FromHours(12));
        await app.Services.GetRequiredService<AutoCancelJob>().RunOnceAsync();

        Assert.Equal(OrderStatus.TimedOut, await StatusAsync(number));
        Assert.Equal(100L, await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync()));
        Assert.False(await app.WithDbAsync(db => db.UserCoupons.Where(u => u.Id == coupon).Select(u => u.IsUse).SingleAsync()));
    }

    [Fact]
    public async Task A_paid_notify_without_its_trade_number_is_refused_and_changes_nothing()
    {
        var (user, number) = await OrderAsync(12m);
        await OpenCashierAsync(user, number);
        await ScriptedPayAsync(number, notify: false);
        var notification = await NotificationAsync(number);
        notification.Remove("trade_no");

        Assert.Equal("failure", await PostNotifyAsync(Resign(notification)));
        Assert.Equal(OrderStatus.Unpaid, await StatusAsync(number));
        Assert.False(await app.WithDbAsync(db => db.PaymentExceptions.AnyAsync(p => p.OutTradeNo == number)));
    }

    [Fact]
    public async Task Payment_arriving_for_a_cancelled_order_is_refunded_and_grants_nothing()
    {
        var (user, number) = await OrderAsync();
        await OpenCashierAsync(user, number);
        Assert.Equal(HttpStatusCode.OK, (await user.Http.PostAsync($"/orders/{number}/cancel/", null)).StatusCode);

        await ScriptedPayAsync(number, notify: true);

        Assert.Equal(OrderStatus.Refunded, await EventuallyAsync(number, OrderStatus.Refunded));
        Assert.False(await app.WithDbAsync(db => db.UserCourses.AnyAsync(u => u.UserId == user.Id)));
        var trade = await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}");
        Assert.Equal("100.00", trade.GetProperty("refunded").GetString());
        Assert.Equal("已退款", (await user.Http.GetFromJsonAsync<JsonElement>($"/orders/{number}/")).GetProperty("order_status_text").GetString());
    }

    [Fact]
    public async Task Repurchase_extends_validity_and_permanent_has_no_end()
    {
        var course = await app.CourseAsync(100m);
        var (user, first) = await OrderAsync(expire: 30, course: course);
        await OpenCashierAsync(user, first);
        await ScriptedPayAsync(first, notify: true);
        Assert.Equal(OrderStatus.Paid, await EventuallyAsync(first, OrderStatus.Paid));
        var firstEnd = await app.WithDbAsync(db => db.UserCourses.Where(u => u.UserId == user.Id).Select(u => u.OutTime).SingleAsync());

        app.Clock.Advance(TimeSpan.FromDays(10));
        await app.LoginAgainAsync(user);
        var (_, second) = await OrderAsync(expire: 30, user: user, course: course);
        await OpenCashierAsync(user, second);
        await ScriptedPayAsync(second, notify: true);
        Assert.Equal(OrderStatus.Paid, await EventuallyAsync(second, OrderStatus.Paid));
        Assert.Equal(firstEnd!.Value.AddDays(30), await app.WithDbAsync(db => db.UserCourses.Where(u => u.UserId == user.Id).Select(u => u.OutTime).SingleAsync()));

        var (_, forever) = await OrderAsync(expire: 0, user: user, course: course);
        await OpenCashierAsync(user, forever);
        await ScriptedPayAsync(forever, notify: true);
        Assert.Equal(OrderStatus.Paid, await EventuallyAsync(forever, OrderStatus.Paid));
        Assert.Null(await app.WithDbAsync(db => db.UserCourses.Where(u => u.UserId == user.Id).Select(u => u.OutTime).SingleAsync()));
        var mine = await user.Http.GetFromJsonAsync<JsonElement>("/users/courses/");
        Assert.Equal(JsonValueKind.Null, mine[0].GetProperty("out_time").ValueKind);
    }

    [Fact]
    public async Task Lesson_is_served_to_a_valid_owner_and_refused_after_the_purchase_runs_out()
    {
        var course = await app.CourseAsync(100m);
        var lessons = await app.WithDbAsync(db => db.CourseChapters.Where(c => c.CourseId == course.Id).SelectMany(c => c.Lessons).OrderBy(l => l.Lesson).ToListAsync());
        var (free, paid) = (lessons[0], lessons[1]);
        var (user, number) = await OrderAsync(expire: 30, course: course);
        var stranger = await app.StudentAsync();

        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync($"/courses/{course.Id}/lessons/{free.Id}/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync($"/courses/{course.Id}/lessons/{paid.Id}/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync($"/courses/{course.Id}/lessons/{paid.Id}/")).StatusCode);

        await OpenCashierAsync(user, number);
        await ScriptedPayAsync(number, notify: true);
        Assert.Equal(OrderStatus.Paid, await EventuallyAsync(number, OrderStatus.Paid));
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync($"/courses/{course.Id}/lessons/{paid.Id}/")).StatusCode);
        var refused = await stranger.Http.GetAsync($"/courses/{course.Id}/lessons/{paid.Id}/");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("没有购买", await refused.MessageAsync());

        app.Clock.Advance(TimeSpan.FromDays(31));
        await app.LoginAgainAsync(user);
        var expired = await user.Http.GetAsync($"/courses/{course.Id}/lessons/{paid.Id}/");
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Contains("有效期已过", await expired.MessageAsync());
        Assert.True((await user.Http.GetFromJsonAsync<JsonElement>("/users/courses/"))[0].GetProperty("expired").GetBoolean());
    }

    [Fact]
    public async Task Pay_url_only_for_the_callers_unpaid_order_and_pricing_freezes_once_issued()
    {
        var (user, number) = await OrderAsync(100m);
        var stranger = await app.StudentAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/payments/alipay/url/?order_number={number}")).StatusCode);

        // Before the first URL the tutorial's client may still apply a coupon.
        var coupon = await app.CouponAsync(user.Id, "-10");
        var first = await user.Http.GetFromJsonAsync<JsonElement>($"/payments/alipay/url/?order_number={number}&coupon_id={coupon}");
        Assert.Contains("total_amount%22%3A%2290.00", first.GetProperty("url").GetString());
        Assert.Equal(90m, (await user.Http.GetFromJsonAsync<JsonElement>($"/orders/{number}/")).Decimal("real_price"));

        var other = await app.CouponAsync(user.Id, "-20");
        var frozen = await user.Http.GetAsync($"/payments/alipay/url/?order_number={number}&coupon_id={other}");
        Assert.Equal(HttpStatusCode.Conflict, frozen.StatusCode);
        Assert.Equal(90m, (await user.Http.GetFromJsonAsync<JsonElement>($"/orders/{number}/")).Decimal("real_price"));
        Assert.False(await app.WithDbAsync(db => db.UserCoupons.Where(u => u.Id == other).Select(u => u.IsUse).SingleAsync()));

        var stolen = await app.CouponAsync(stranger.Id, "-50");
        var (_, fresh) = await OrderAsync(100m, user: user);
        var refused = await user.Http.GetAsync($"/payments/alipay/url/?order_number={fresh}&coupon_id={stolen}");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("优惠券不可用", await refused.MessageAsync());
    }

    [Fact]
    public async Task A_coupon_at_the_pay_url_that_covers_the_price_grants_the_courses_without_payment()
    {
        var (user, number) = await OrderAsync(10m);
        var coupon = await app.CouponAsync(user.Id, "-10");
        var answer = await user.Http.GetAsync($"/payments/alipay/url/?order_number={number}&coupon_id={coupon}");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("优惠后无需支付，课程已开通", await answer.MessageAsync());
        var order = await user.Http.GetFromJsonAsync<JsonElement>($"/orders/{number}/");
        Assert.Equal(1, order.GetProperty("order_status").GetInt32());
        Assert.Equal(0m, order.Decimal("real_price"));
        Assert.Single(await app.WithDbAsync(db => db.UserCourses.Where(u => u.UserId == user.Id).ToListAsync()));
    }

    [Fact]
    public async Task Trade_past_its_expiry_cannot_be_paid_and_expired_order_gets_no_url()
    {
        var (user, number) = await OrderAsync();
        await OpenCashierAsync(user, number);
        app.Clock.Advance(TimeSpan.FromHours(12));

        var late = await Raw().PostAsync($"/alipay-sandbox/sandbox/trades/{number}/pay", null);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await user.Http.GetAsync($"/payments/alipay/url/?order_number={number}")).StatusCode);
    }

    [Fact]
    public async Task Gateway_refuses_a_request_signed_with_another_key()
    {
        var (user, number) = await OrderAsync();
        var url = (await user.Http.GetFromJsonAsync<JsonElement>($"/payments/alipay/url/?order_number={number}")).GetProperty("url").GetString()!;
        var tampered = url.Replace("total_amount%22%3A%22100.00", "total_amount%22%3A%220.01");
        var page = await (await Raw().GetAsync(tampered)).Content.ReadAsStringAsync();
        Assert.Contains("40002", page);
        Assert.Contains("isv.invalid-signature", page);
    }
}

/// <summary>The sandbox run alone (its own host), spoken to by the real client.</summary>
public sealed class StandaloneSandboxTests : IDisposable
{
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "luffy-tests", Guid.NewGuid().ToString("N"));
    private readonly Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Luffy.AlipaySandbox.Program> _sandbox;

    public StandaloneSandboxTests() =>
        _sandbox = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Luffy.AlipaySandbox.Program>()
            .WithWebHostBuilder(b => b.UseSetting("Sandbox:KeysDirectory", _keys));

    private AlipayClient Client()
    {
        var http = _sandbox.CreateClient();
        var merchant = new AlipayMerchant(() => new Uri(http.BaseAddress!, "gateway.do").ToString(), "2021000000000001",
            AlipayKeys.LoadFile(Path.Combine(_keys, "app_private_key.pem")), AlipayKeys.LoadFile(Path.Combine(_keys, "alipay_public_key.pem")));
        return new AlipayClient(http, merchant, TimeProvider.System);
    }

    [Fact]
    public async Task Page_pay_query_refund_and_close_speak_the_protocol()
    {
        var http = _sandbox.CreateClient();
        var alipay = Client();
        var unknown = await alipay.QueryAsync("NO-SUCH-TRADE");
        Assert.Equal(("40004", "ACQ.TRADE_NOT_EXIST"), (unknown.Code, unknown.SubCode));

        var url = alipay.PagePayUrl("T1", Money.FromYuan(12.34m), "测试课程", DateTime.UtcNow.AddHours(1), "http://127.0.0.1:9/notify", "http://127.0.0.1:9/return");
        var cashier = await (await http.GetAsync(new Uri(url).PathAndQuery)).Content.ReadAsStringAsync();
        Assert.Contains("¥12.34", cashier);
        Assert.Equal("WAIT_BUYER_PAY", (await alipay.QueryAsync("T1")).Get("trade_status"));

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/sandbox/trades/T1/pay?notify=false", null)).StatusCode);
        var paid = await alipay.QueryAsync("T1");
        Assert.Equal(("10000", "TRADE_SUCCESS", "12.34"), (paid.Code, paid.Get("trade_status"), paid.Get("total_amount")));

        var close = await alipay.CloseAsync("T1");
        Assert.Equal("ACQ.TRADE_STATUS_ERROR", close.SubCode);
        var refund = await alipay.RefundAsync("T1", Money.FromYuan(12.34m), "R1", "测试");
        Assert.True(refund.IsSuccess);
        Assert.True((await alipay.RefundAsync("T1", Money.FromYuan(12.34m), "R1", "测试")).IsSuccess);   // same request number: same refund
        Assert.Equal("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", (await alipay.RefundAsync("T1", Money.FromYuan(1m), "R2", "测试")).SubCode);
    }

    [Fact]
    public async Task Requests_with_a_bad_signature_app_id_or_amount_are_refused()
    {
        var http = _sandbox.CreateClient();
        var url = Client().PagePayUrl("T2", Money.FromYuan(1m), "课程", DateTime.UtcNow.AddHours(1), "http://127.0.0.1:9/n", "http://127.0.0.1:9/r");
        var path = new Uri(url).PathAndQuery;

        var badSign = await (await http.GetAsync(path.Replace("total_amount%22%3A%221.00", "total_amount%22%3A%220.01"))).Content.ReadAsStringAsync();
        Assert.Contains("isv.invalid-signature", badSign);
        var badApp = await (await http.GetAsync(path.Replace("app_id=2021000000000001", "app_id=2021000000000002"))).Content.ReadAsStringAsync();
        Assert.Contains("isv.invalid-app-id", badApp);

        using var key = AlipayKeys.LoadFile(Path.Combine(_keys, "app_private_key.pem"));
        var parameters = new Dictionary<string, string?>
        {
            ["app_id"] = "2021000000000001", ["method"] = "alipay.trade.page.pay", ["charset"] = "utf-8", ["sign_type"] = "RSA2",
            ["timestamp"] = "2026-12-01 12:00:00", ["version"] = "1.0",
            ["biz_content"] = """{"out_trade_no":"T3","total_amount":"1.5","subject":"课程","product_code":"FAST_INSTANT_TRADE_PAY"}""",
        };
        parameters["sign"] = AlipaySignature.SignRequest(parameters, key);
        var badAmount = await (await http.PostAsync("/gateway.do", new FormUrlEncodedContent(parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value!))))).Content.ReadAsStringAsync();
        Assert.Contains("isv.invalid-total-amount", badAmount);
    }

    public void Dispose()
    {
        _sandbox.Dispose();
        try
        {
            Directory.Delete(_keys, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>The app on Kestrel with SQL that can be made to fail: the notify endpoint errs and the sandbox retries.</summary>
public sealed class KestrelFaultyApp : LuffyApp
{
    public FaultInjector Faults { get; } = new();

    protected override bool RealHttp => true;

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(Faults));
    }
}

public sealed class NotifyRetryTests(KestrelFaultyApp app) : IClassFixture<KestrelFaultyApp>
{
    [Fact]
    public async Task Sandbox_retries_the_notify_on_its_schedule_until_the_answer_is_success()
    {
        // Fulfilment fails: the app answers 500, not "success".
        var (_, number, trade) = await RefusedThenRetriedAsync("UPDATE \"ly_order\" AS");
        Assert.True(trade.GetProperty("notify_acknowledged").GetBoolean());
        Assert.True(trade.GetProperty("notify_attempts").GetInt32() >= 2);
        Assert.Equal(OrderStatus.Paid, await StatusAsync(number));
    }

    [Fact]
    public async Task A_fulfilment_whose_notification_record_cannot_be_written_is_undone_and_retried()
    {
        // The record is written in the fulfilment's transaction: when it fails, nothing of the fulfilment stays.
        var (user, number, trade) = await RefusedThenRetriedAsync("INSERT INTO \"ly_payment_notification\"",
            async user => Assert.False(await app.WithDbAsync(db => db.UserCourses.AnyAsync(u => u.UserId == user.Id))));
        Assert.True(trade.GetProperty("notify_acknowledged").GetBoolean());
        Assert.Equal(OrderStatus.Paid, await StatusAsync(number));
        Assert.True(await app.WithDbAsync(db => db.UserCourses.AnyAsync(u => u.UserId == user.Id)));
        var outcomes = await app.WithDbAsync(db => db.PaymentNotifications.Where(n => n.OutTradeNo == number).Select(n => n.Outcome).ToListAsync());
        Assert.Equal(["fulfilled"], outcomes);
    }

    /// <summary>
    /// Pays a new order at the sandbox while the app's SQL fails on <paramref name="failOn"/>: the notify is refused and the
    /// order stays unpaid (then <paramref name="whileRefused"/> looks around); then the sandbox retries until the app says success.
    /// </summary>
    private async Task<(UserClient User, string Number, JsonElement Trade)> RefusedThenRetriedAsync(string failOn, Func<UserClient, Task>? whileRefused = null)
    {
        var user = await app.StudentAsync();
        await user.CartAsync(0, await app.CourseAsync(100m));
        var number = (await (await user.OrderAsync()).JsonAsync()).GetProperty("order").GetString()!;
        var url = (await user.Http.GetFromJsonAsync<JsonElement>($"/payments/alipay/url/?order_number={number}")).GetProperty("url").GetString();
        var http = app.Anonymous();
        await http.GetAsync(url);
        async Task<JsonElement> Trade() => await http.GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}");

        app.Faults.FailOn = failOn;
        await http.PostAsync($"/alipay-sandbox/sandbox/trades/{number}/pay", null);
        for (var i = 0; i < 100 && (await Trade()).GetProperty("notify_attempts").GetInt32() < 1; i++)
            await Task.Delay(50);
        await Task.Delay(200);
        Assert.False((await Trade()).GetProperty("notify_acknowledged").GetBoolean());
        Assert.Equal(OrderStatus.Unpaid, await StatusAsync(number));
        if (whileRefused is not null)
            await whileRefused(user);

        app.Faults.FailOn = null;
        // The first retry is due 4 minutes (÷ the divisor) later on the sandbox's clock.
        for (var i = 0; i < 100 && !(await Trade()).GetProperty("notify_acknowledged").GetBoolean(); i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(4));
            await Task.Delay(50);
        }
        return (user, number, await Trade());
    }

    private Task<OrderStatus> StatusAsync(string number) =>
        app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).Select(o => o.OrderStatus).SingleAsync());
}
