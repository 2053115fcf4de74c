using System.Globalization;
using System.IO.Compression;
using System.Text;
using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;
using Luffy.Web.Payments;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Tests;

public sealed class ReconciliationTestsOnSqlite(KestrelSqliteApp app) : ReconciliationTests(app), IClassFixture<KestrelSqliteApp>;

public sealed class ReconciliationTestsOnPostgres(KestrelPostgresApp app) : ReconciliationTests(app), IClassFixture<KestrelPostgresApp>;

/// <summary>
/// The daily reconciliation against the sandbox's bills: each test pays on a day of its own (the fake clock moved on a
/// day), then moves to the next day and reconciles "yesterday".
/// </summary>
public abstract class ReconciliationTests(LuffyApp app)
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private HttpClient Raw() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Anonymous().BaseAddress };

    private DateOnly ChinaToday => DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime + China);

    /// <summary>A day of this test's own: the clock one day on (noon in China, as the epoch is).</summary>
    private DateOnly FreshDay()
    {
        app.Clock.Advance(TimeSpan.FromDays(1));
        return ChinaToday;
    }

    private AlipayClient Alipay() => app.Services.GetRequiredService<AlipayClient>();

    /// <summary>An order of <paramref name="yuan"/> paid at the sandbox and applied (through the browser's return, at once).</summary>
    private async Task<(UserClient User, string Number)> PaidOrderAsync(decimal yuan = 100m)
    {
        var user = await app.StudentAsync();
        await user.CartAsync(0, await app.CourseAsync(yuan));
        var created = await user.OrderAsync();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var number = (await created.JsonAsync()).GetProperty("order").GetString()!;
        var url = await user.Http.GetFromJsonAsync<JsonElement>($"/payments/alipay/url/?order_number={number}");
        Assert.Equal(HttpStatusCode.OK, (await Raw().GetAsync(url.GetProperty("url").GetString())).StatusCode);
        var paid = await (await PayAtSandboxAsync(number)).JsonAsync();
        var returned = await Raw().GetAsync("/payments/alipay/result/" + new Uri(paid.GetProperty("return_url").GetString()!).Query);
        Assert.Equal(HttpStatusCode.OK, returned.StatusCode);
        Assert.Equal(OrderStatus.Paid, await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).Select(o => o.OrderStatus).SingleAsync()));
        return (user, number);
    }

    private async Task<HttpResponseMessage> PayAtSandboxAsync(string outTradeNo)
    {
        var paid = await Raw().PostAsync($"/alipay-sandbox/sandbox/trades/{outTradeNo}/pay?notify=false", null);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        return paid;
    }

    /// <summary>A trade for an order number we never made, opened with a signed page.pay URL and paid without a notify.</summary>
    private async Task<string> StrangerPaymentAsync(decimal yuan)
    {
        var number = "X" + Guid.NewGuid().ToString("N")[..20];
        var self = app.Anonymous().BaseAddress!.ToString().TrimEnd('/');
        var url = Alipay().PagePayUrl(number, Money.FromYuan(yuan), "不认识的订单", app.Clock.GetUtcNow().UtcDateTime.AddHours(1),
            self + "/payments/alipay/result/", self + "/payment/result");
        Assert.Equal(HttpStatusCode.OK, (await Raw().GetAsync(url)).StatusCode);
        await PayAtSandboxAsync(number);
        return number;
    }

    /// <summary>Moves to the next day and reconciles the one before, as the job does.</summary>
    private async Task<ReconciliationRun> ReconcileYesterdayAsync()
    {
        app.Clock.Advance(TimeSpan.FromDays(1));
        var run = await app.Services.GetRequiredService<ReconciliationJob>().RunOnceAsync();
        Assert.NotNull(run);
        return run;
    }

    private Task<List<ReconciliationMismatch>> MismatchesAsync(DateOnly day) =>
        app.WithDbAsync(db => db.ReconciliationMismatches.Where(m => m.BillDate == day).OrderBy(m => m.Id).ToListAsync());

    [Fact]
    public async Task The_sandbox_serves_the_bill_as_alipay_a_short_lived_link_to_a_zip_of_gbk_csv()
    {
        var day = FreshDay();
        var (_, number) = await PaidOrderAsync(88.8m);
        var refund = await Alipay().RefundAsync(number, Money.FromYuan(8.8m), "RQBILL" + number, "部分退款");
        Assert.True(refund.IsSuccess);

        var today = await Alipay().BillDownloadUrlAsync("trade", day);
        Assert.Equal(("40004", "isp.bill_not_exist"), (today.Code, today.SubCode));
        var unknown = await Alipay().BillDownloadUrlAsync("fund", day.AddDays(-1));
        Assert.Equal(("40004", "isv.invalid-arguments"), (unknown.Code, unknown.SubCode));

        app.Clock.Advance(TimeSpan.FromDays(1));
        var answer = await Alipay().BillDownloadUrlAsync("trade", day);
        Assert.True(answer.IsSuccess, answer.SubMsg);
        var url = answer.Get("bill_download_url")!;
        Assert.StartsWith(app.Anonymous().BaseAddress!.ToString().TrimEnd('/') + "/alipay-sandbox/", url);
        var download = await Raw().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var zip = await download.Content.ReadAsByteArrayAsync();

        var gbk = AlipayBill.Gbk;
        var name = $"2088000000000001_{day:yyyyMMdd}";
        using (var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read, false, gbk))
        {
            Assert.Equal(2, archive.Entries.Count);
            Assert.NotNull(archive.GetEntry(name + "_业务明细(汇总).csv"));
            var raw = ReadAll(archive.GetEntry(name + "_业务明细.csv")!);
            Assert.Equal(gbk.GetBytes("#支付宝业务明细查询"), raw[..gbk.GetByteCount("#支付宝业务明细查询")]);
            var lines = gbk.GetString(raw).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(string.Join(',', AlipayBill.Columns), lines);
            var payment = Assert.Single(lines, l => l.Contains(number) && l.Contains(",交易,"));
            Assert.Contains(",88.80,88.80,", payment);
            var refundLine = Assert.Single(lines, l => l.Contains(number) && l.Contains(",退款,"));
            Assert.Contains(",-8.80,-8.80,", refundLine);
            Assert.Contains("RQBILL" + number, refundLine);
            Assert.StartsWith("#导出时间：", lines[^1]);
        }

        var rows = AlipayBill.Read(zip);
        var trade = await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).Select(o => o.TradeNo).SingleAsync());
        Assert.Contains(new AlipayBillRow(AlipayBillRowKind.Payment, trade!, number, Money.FromYuan(88.8m), null, rows.Single(r => r.Kind == AlipayBillRowKind.Payment && r.OutTradeNo == number).FinishedAt), rows);
        Assert.Contains(rows, r => r is { Kind: AlipayBillRowKind.Refund, RequestNo: not null } && r.RequestNo == "RQBILL" + number && r.Amount == Money.FromYuan(8.8m) && r.TradeNo == trade);

        app.Clock.Advance(SandboxBillsLifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.NotFound, (await Raw().GetAsync(url)).StatusCode);
    }

    private static readonly TimeSpan SandboxBillsLifetime = Luffy.AlipaySandbox.SandboxBills.LinkLifetime;

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    [Fact]
    public async Task A_matching_day_has_no_mismatches_second_payments_and_their_refunds_included()
    {
        var day = FreshDay();
        await PaidOrderAsync(100m);
        var (_, twice) = await PaidOrderAsync(50m);
        // Paid again: the notify records the second payment as an exception and refunds it.
        Assert.Equal(HttpStatusCode.OK, (await Raw().PostAsync($"/alipay-sandbox/sandbox/trades/{twice}/pay-again", null)).StatusCode);
        for (var i = 0; i < 200 && !await app.WithDbAsync(db => db.PaymentExceptions.AnyAsync(p => p.OutTradeNo == twice && p.RefundedAt != null)); i++)
            await Task.Delay(50);
        Assert.True(await app.WithDbAsync(db => db.PaymentExceptions.AnyAsync(p => p.OutTradeNo == twice && p.RefundedAt != null)));

        var run = await ReconcileYesterdayAsync();

        Assert.Equal((day, ReconciliationState.Done, 4, 0), (run.BillDate, run.State, run.GatewayRows, run.Mismatches));
        Assert.Empty(await MismatchesAsync(day));
    }

    [Fact]
    public async Task Payments_either_side_of_midnight_belong_to_their_china_day()
    {
        // 23:59:50 in China (15:59:50 UTC) of a day of this test's own.
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var lateEvening = now.Date.AddDays(2).AddHours(16).AddSeconds(-10);
        app.Clock.Advance(lateEvening - now);
        var day = ChinaToday;
        var (_, before) = await PaidOrderAsync(10m);
        app.Clock.Advance(TimeSpan.FromSeconds(20));
        var (_, after) = await PaidOrderAsync(20m);
        Assert.Equal(day.AddDays(1), ChinaToday);

        app.Clock.Advance(TimeSpan.FromHours(12));
        var first = await app.Services.GetRequiredService<ReconciliationJob>().RunOnceAsync();
        app.Clock.Advance(TimeSpan.FromDays(1));
        var second = await app.Services.GetRequiredService<ReconciliationJob>().RunOnceAsync();

        Assert.Equal((day, 1, 0), (first!.BillDate, first.GatewayRows, first.Mismatches));
        Assert.Equal((day.AddDays(1), 1, 0), (second!.BillDate, second.GatewayRows, second.Mismatches));
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task A_payment_the_sandbox_has_and_the_database_does_not_is_flagged_gateway_only()
    {
        var day = FreshDay();
        await PaidOrderAsync();
        var stranger = await StrangerPaymentAsync(12.34m);

        var run = await ReconcileYesterdayAsync();

        Assert.Equal((ReconciliationState.Done, 2, 1), (run.State, run.GatewayRows, run.Mismatches));
        var mismatch = Assert.Single(await MismatchesAsync(day));
        Assert.Equal((MismatchKind.GatewayOnly, stranger, Money.FromYuan(12.34m), (Money?)null), (mismatch.Kind, mismatch.OutTradeNo, mismatch.GatewayAmount!.Value, mismatch.OurAmount));
        Assert.NotNull(mismatch.TradeNo);
        Assert.Contains(stranger, mismatch.Detail);
    }

    [Fact]
    public async Task Amounts_that_differ_and_a_payment_only_here_are_flagged()
    {
        var day = FreshDay();
        var (_, number) = await PaidOrderAsync(100m);
        var (_, lost) = await PaidOrderAsync(30m);
        await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).ExecuteUpdateAsync(o => o.SetProperty(x => x.RealPrice, Money.FromYuan(99m))));
        // Paid here with a trade the gateway does not have (a forged or mistaken record).
        await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == lost).ExecuteUpdateAsync(o => o.SetProperty(x => x.TradeNo, "2026NOSUCHTRADE")));

        await ReconcileYesterdayAsync();

        var mismatches = await MismatchesAsync(day);
        Assert.Equal(3, mismatches.Count);
        var differs = Assert.Single(mismatches, m => m.Kind == MismatchKind.AmountDiffers);
        Assert.Equal((number, Money.FromYuan(100m), Money.FromYuan(99m)), (differs.OutTradeNo, differs.GatewayAmount!.Value, differs.OurAmount!.Value));
        var ours = Assert.Single(mismatches, m => m.Kind == MismatchKind.OursOnly);
        Assert.Equal((lost, "2026NOSUCHTRADE", Money.FromYuan(30m)), (ours.OutTradeNo, ours.TradeNo, ours.OurAmount!.Value));
        // The real trade of that order is in the bill and nowhere here.
        Assert.Single(mismatches, m => m.Kind == MismatchKind.GatewayOnly && m.OutTradeNo == lost);
    }

    [Fact]
    public async Task A_refund_made_at_the_gateway_and_not_recorded_here_is_flagged()
    {
        var day = FreshDay();
        var (_, number) = await PaidOrderAsync(100m);
        Assert.True((await Alipay().RefundAsync(number, Money.FromYuan(40m), "RQ" + number, "后台之外的退款")).IsSuccess);

        await ReconcileYesterdayAsync();

        var mismatch = Assert.Single(await MismatchesAsync(day));
        Assert.Equal((MismatchKind.RefundMissingHere, number, "RQ" + number, Money.FromYuan(40m)), (mismatch.Kind, mismatch.OutTradeNo, mismatch.RequestNo, mismatch.GatewayAmount!.Value));
    }

    [Fact]
    public async Task A_refund_recorded_here_and_not_made_at_the_gateway_is_flagged()
    {
        var day = FreshDay();
        var (user, number) = await PaidOrderAsync(100m);
        await app.WithDbAsync(async db =>
        {
            var orderId = await db.Orders.Where(o => o.OrderNumber == number).Select(o => o.Id).SingleAsync();
            db.Refunds.Add(new Refund
            {
                OrderId = orderId, UserId = user.Id, RequestNo = "RQLOCAL" + number, Amount = Money.FromYuan(25m), Status = RefundStatus.Succeeded,
                Reason = "只记在本地", CreatedAt = app.Clock.GetUtcNow().UtcDateTime, RefundedAt = app.Clock.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync();
        });

        await ReconcileYesterdayAsync();

        var mismatch = Assert.Single(await MismatchesAsync(day));
        Assert.Equal((MismatchKind.RefundMissingAtGateway, number, "RQLOCAL" + number, Money.FromYuan(25m)), (mismatch.Kind, mismatch.OutTradeNo, mismatch.RequestNo, mismatch.OurAmount!.Value));
    }

    [Fact]
    public async Task A_refund_the_gateway_made_before_midnight_and_we_recorded_after_it_is_in_the_day_before()
    {
        // 23:59:00 in China of a day of this test's own: a payment we never applied, refunded at 23:59:30 at the
        // gateway, recorded here at 00:00:30 (the answer came late).
        var now = app.Clock.GetUtcNow().UtcDateTime;
        app.Clock.Advance(now.Date.AddDays(2).AddHours(16).AddMinutes(-1) - now);
        var day = ChinaToday;
        var stranger = await StrangerPaymentAsync(9m);
        var tradeNo = (await Raw().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{stranger}")).GetProperty("trade_no").GetString()!;
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await Alipay().RefundAsync(stranger, Money.FromYuan(9m), "RF" + tradeNo, "订单不存在，退还款项", tradeNo)).IsSuccess);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.WithDbAsync(async db =>
        {
            db.PaymentExceptions.Add(new PaymentException
            {
                OutTradeNo = stranger, TradeNo = tradeNo, Amount = Money.FromYuan(9m), Problem = PaymentProblem.UnknownOrder, RefundRequestNo = "RF" + tradeNo,
                CreatedAt = app.Clock.GetUtcNow().UtcDateTime, RefundedAt = app.Clock.GetUtcNow().UtcDateTime, RefundAttempts = 1,
            });
            await db.SaveChangesAsync();
        });

        app.Clock.Advance(TimeSpan.FromHours(12));
        var first = await app.Services.GetRequiredService<ReconciliationJob>().RunOnceAsync();
        app.Clock.Advance(TimeSpan.FromDays(1));
        var second = await app.Services.GetRequiredService<ReconciliationJob>().RunOnceAsync();

        Assert.Equal((day, 2, 0), (first!.BillDate, first.GatewayRows, first.Mismatches));
        Assert.Equal((day.AddDays(1), 0, 0), (second!.BillDate, second.GatewayRows, second.Mismatches));
    }

    [Fact]
    public async Task Two_instances_at_once_make_one_run_and_one_set_of_mismatches_and_a_rerun_replaces_it()
    {
        var day = FreshDay();
        await StrangerPaymentAsync(5m);
        app.Clock.Advance(TimeSpan.FromDays(1));
        var job = app.Services.GetRequiredService<ReconciliationJob>();
        var other = ActivatorUtilities.CreateInstance<ReconciliationJob>(app.Services);

        var runs = await Task.WhenAll(job.RunOnceAsync(), other.RunOnceAsync(), job.RunOnceAsync());

        Assert.Single(runs, r => r is not null);
        Assert.Equal(1, await app.WithDbAsync(db => db.ReconciliationRuns.CountAsync(r => r.BillDate == day)));
        Assert.Single(await MismatchesAsync(day));
        // Done: later passes leave the day alone.
        Assert.Null(await job.RunOnceAsync());

        var admin = app.Bearer(await app.AdminAsync());
        var again = await admin.PostAsync($"/admin/api/reconciliation/{day:yyyy-MM-dd}/run", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await again.JsonAsync();
        Assert.Equal("done", body.GetProperty("run").GetProperty("state").GetString());
        var only = Assert.Single(body.GetProperty("mismatches").EnumerateArray());
        Assert.Equal(MismatchKind.GatewayOnly, only.GetProperty("kind").GetString());
        Assert.Single(await MismatchesAsync(day));
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Entity == "reconciliation" && a.EntityId == day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));

        var read = await admin.GetFromJsonAsync<JsonElement>($"/admin/api/reconciliation?date={day:yyyy-MM-dd}");
        Assert.Equal(1, read.GetProperty("run").GetProperty("mismatches").GetInt32());
        var list = await admin.GetFromJsonAsync<JsonElement>("/admin/api/reconciliation/runs");
        Assert.Equal(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), list[0].GetProperty("bill_date").GetString());
    }

    [Fact]
    public async Task A_failed_bill_fetch_is_a_failed_run_retried_by_the_next_pass()
    {
        var day = FreshDay();
        await StrangerPaymentAsync(7m);
        app.Clock.Advance(TimeSpan.FromDays(1));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var down = new AlipayClient(new HttpClient(new Unreachable()), scope.ServiceProvider.GetRequiredService<AlipayMerchant>(), app.Clock);
            var failing = new BillReconciliation(scope.ServiceProvider.GetRequiredService<LuffyDbContext>(), down, app.Clock,
                scope.ServiceProvider.GetRequiredService<IOptions<ReconciliationOptions>>(), NullLogger<BillReconciliation>.Instance);
            var (failed, refusal) = await failing.ReconcileAsync(day, again: false);
            Assert.Null(refusal);
            Assert.Equal(ReconciliationState.Failed, failed!.State);
            Assert.Contains("did not answer", failed.Error);
        }

        var run = await app.Services.GetRequiredService<ReconciliationJob>().RunOnceAsync();

        Assert.Equal((day, ReconciliationState.Done, 1, (string?)null), (run!.BillDate, run.State, run.Mismatches, run.Error));
        Assert.Equal(1, await app.WithDbAsync(db => db.ReconciliationRuns.CountAsync(r => r.BillDate == day)));
    }

    private sealed class Unreachable : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Connection refused");
    }

    [Fact]
    public async Task Bad_dates_are_refused_with_a_message_and_the_page_lists_the_runs()
    {
        var admin = await app.AdminAsync();
        var api = app.Bearer(admin);
        var today = ChinaToday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var date in new[] { today, ChinaToday.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "2026-13-01", "yesterday" })
        {
            var response = await api.PostAsync($"/admin/api/reconciliation/{date}/run", null);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.False(string.IsNullOrEmpty(await response.MessageAsync()));
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/admin/api/reconciliation?date=12/01/2026")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/admin/api/reconciliation?date=2001-01-01")).StatusCode);

        var browser = await Browser.SignedInOverHttpAsync(app, admin.Username);
        var page = await browser.Http.SendAsync(HtmlRequest("/admin/reconciliation?date=2001-01-01"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("该日尚未对账", html);
        Assert.Contains("重新对账", html);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.Http.SendAsync(HtmlRequest("/admin/reconciliation?date=nope"))).StatusCode);

        var refused = await browser.PostFormAsync("/admin/reconciliation", "/admin/reconciliation", new() { ["_handler"] = "reconcile", ["Run.Date"] = today });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("只能对今天之前的日期对账", await refused.Content.ReadAsStringAsync());

        // A quiet day long ago: its bill is empty.
        var quiet = ChinaToday.AddDays(-20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var done = await browser.PostFormAsync("/admin/reconciliation", "/admin/reconciliation", new() { ["_handler"] = "reconcile", ["Run.Date"] = quiet });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var location = new Uri(browser.Http.BaseAddress!, done.Headers.Location!).PathAndQuery;
        Assert.StartsWith($"/admin/reconciliation?date={quiet}&done=", location);
        var shown = await (await browser.Http.SendAsync(HtmlRequest(location))).Content.ReadAsStringAsync();
        Assert.Contains("已对账：0 处差异", shown);
        Assert.Contains("没有差异", shown);
        Assert.Contains($"data-date=\"{quiet}\"", shown);
    }

    private static HttpRequestMessage HtmlRequest(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }
}

/// <summary>The job's hour: nothing before <c>Reconciliation:RunAfter</c> (China time), yesterday after it.</summary>
public sealed class ReconciliationScheduleTests(ReconciliationScheduleTests.LateApp app) : IClassFixture<ReconciliationScheduleTests.LateApp>
{
    public sealed class LateApp : LuffyApp
    {
        protected override bool RealHttp => true;

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => base.Settings().Concat([new("Reconciliation:RunAfter", "13:00")]);
    }

    private sealed class App(string setting, string value) : SqliteGarnetApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => base.Settings().Concat([new(setting, value)]);
    }

    [Fact]
    public async Task Yesterday_is_reconciled_once_the_china_clock_passes_run_after()
    {
        var job = app.Services.GetRequiredService<ReconciliationJob>();
        // The epoch is noon in China.
        Assert.Null(await job.RunOnceAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.ReconciliationRuns.CountAsync()));

        app.Clock.Advance(TimeSpan.FromHours(1));
        var run = await job.RunOnceAsync();

        Assert.Equal((new DateOnly(2026, 11, 30), ReconciliationState.Done), (run!.BillDate, run.State));
    }

    [Theory]
    [InlineData("Reconciliation:CheckInterval", "00:00:00")]
    [InlineData("Reconciliation:Lease", "-00:01:00")]
    public async Task A_schedule_that_could_not_run_stops_the_start_with_a_sentence(string setting, string value)
    {
        await using var bad = new App(setting, value);
        var error = Assert.Throws<OptionsValidationException>(() => bad.CreateClient());
        Assert.Contains(setting, error.Message);
    }
}
