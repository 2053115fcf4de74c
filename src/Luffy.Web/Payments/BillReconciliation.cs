using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Payments;

/// <summary>What a reconciliation mismatch is, as <c>ly_reconciliation_mismatch.kind</c> stores it.</summary>
public static class MismatchKind
{
    /// <summary>Paid at the gateway; no order or payment exception here has that trade.</summary>
    public const string GatewayOnly = "gateway_only";
    /// <summary>An order paid by Alipay that day that the bill does not list.</summary>
    public const string OursOnly = "ours_only";
    public const string AmountDiffers = "amount_differs";
    /// <summary>A refund in the bill that we have not recorded as made.</summary>
    public const string RefundMissingHere = "refund_missing_here";
    /// <summary>A refund we recorded as made that day that the bill does not list.</summary>
    public const string RefundMissingAtGateway = "refund_missing_at_gateway";
    public const string RefundAmountDiffers = "refund_amount_differs";

    public static string Text(string kind) => kind switch
    {
        GatewayOnly => "支付宝有、本地无的付款",
        OursOnly => "本地有、支付宝无的付款",
        AmountDiffers => "付款金额不一致",
        RefundMissingHere => "支付宝有、本地无的退款",
        RefundMissingAtGateway => "本地有、支付宝无的退款",
        RefundAmountDiffers => "退款金额不一致",
        _ => kind,
    };
}

/// <summary>
/// Reconciles a China day: claims it (the unique run row, or a guarded take-over of a failed run or an expired lease),
/// fetches the gateway's trade bill, compares it with our payments (paid orders, payment exceptions) and refunds
/// (<c>ly_refund</c>, refunded payment exceptions), and stores the mismatches, replacing the day's earlier ones in one
/// transaction. A bill that cannot be had leaves the run failed, to be tried again.
/// </summary>
public sealed partial class BillReconciliation(LuffyDbContext db, AlipayClient alipay, TimeProvider clock, IOptions<ReconciliationOptions> options, ILogger<BillReconciliation> logger)
{
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>
    /// Our refund times are when the gateway's answer came, a little after its own: one recorded this soon after a
    /// day began may be in the day before's bill, which the gateway is asked about.
    /// </summary>
    private static readonly TimeSpan RefundClockSlack = TimeSpan.FromMinutes(5);

    public DateOnly ChinaToday => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime + China);

    /// <summary>
    /// Reconciles <paramref name="day"/> if this caller can claim it: the run (done or failed), or a refusal (a day not
    /// over yet; a day done, or under way elsewhere). <paramref name="again"/> (an operator's re-run) takes over a day
    /// already done. <paramref name="record"/> adds to the unit of work that stores the outcome (an audit entry).
    /// </summary>
    public async Task<(ReconciliationRun? Run, Refusal? Refusal)> ReconcileAsync(DateOnly day, bool again, Action<ReconciliationRun>? record = null, CancellationToken cancellationToken = default)
    {
        if (day >= ChinaToday)
            return (null, Refusal.Invalid("只能对今天之前的日期对账"));
        if (await ClaimAsync(day, again, cancellationToken) is not { } run)
            return (null, Refusal.Conflict(again ? "该日正在对账，请稍后再试" : "该日已对账或正在对账"));

        IReadOnlyList<AlipayBillRow> bill;
        List<ReconciliationMismatch> mismatches;
        try
        {
            var answer = await alipay.BillDownloadUrlAsync("trade", day, cancellationToken);
            if (!answer.IsSuccess || answer.Get("bill_download_url") is not { Length: > 0 } url)
                throw new AlipayException($"{AlipayClient.BillDownloadUrlQuery}: {answer.Code} {answer.SubCode} {answer.SubMsg}");
            bill = await alipay.DownloadBillAsync(url, cancellationToken);
            mismatches = await CompareAsync(run, bill, cancellationToken);
        }
        catch (AlipayException e)
        {
            LogBillUnavailable(logger, e, day, e.Message);
            return await FinishAsync(run, ReconciliationState.Failed, 0, [], e.Message, record, cancellationToken);
        }

        var finished = await FinishAsync(run, ReconciliationState.Done, bill.Count, mismatches, null, record, cancellationToken);
        if (finished.Run is not null)
        {
            foreach (var m in mismatches)
                LogMismatch(logger, day, m.Kind, m.OutTradeNo, m.TradeNo, m.RequestNo, m.GatewayAmount?.ToString(), m.OurAmount?.ToString());
            LogSummary(logger, day, bill.Count, mismatches.Count);
        }
        return finished;
    }

    private DateTime Now
    {
        get
        {
            // Whole milliseconds: the claim is matched by its start time, which PostgreSQL keeps to the microsecond.
            var now = clock.GetUtcNow().UtcDateTime;
            return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        }
    }

    /// <summary>The day's run, claimed for this caller until its lease ends; null when it is not free.</summary>
    private async Task<ReconciliationRun?> ClaimAsync(DateOnly day, bool again, CancellationToken cancellationToken)
    {
        var now = Now;
        var lease = now + options.Value.Lease;
        var known = await db.ReconciliationRuns.AsNoTracking().Where(r => r.BillDate == day).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken);
        if (known is null)
        {
            var run = new ReconciliationRun { BillDate = day, State = ReconciliationState.Running, StartedAt = now, LeaseUntil = lease };
            db.ReconciliationRuns.Add(run);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                db.Entry(run).State = EntityState.Detached;
                return run;
            }
            catch (DbUpdateException)
            {
                // Another instance inserted the day's run first (the unique bill date): it is theirs.
                db.ChangeTracker.Clear();
                return null;
            }
        }
        var taken = await db.ReconciliationRuns
            .Where(r => r.Id == known && (r.State == ReconciliationState.Failed || (r.State == ReconciliationState.Running && r.LeaseUntil < now)
                                          || (again && r.State == ReconciliationState.Done)))
            .ExecuteUpdateAsync(r => r.SetProperty(x => x.State, ReconciliationState.Running).SetProperty(x => x.StartedAt, now)
                .SetProperty(x => x.LeaseUntil, lease).SetProperty(x => x.FinishedAt, (DateTime?)null), cancellationToken);
        return taken == 1 ? await db.ReconciliationRuns.AsNoTracking().SingleAsync(r => r.Id == known, cancellationToken) : null;
    }

    /// <summary>Stores the outcome, if the run is still this caller's (its start time unchanged), with the day's mismatches.</summary>
    private async Task<(ReconciliationRun? Run, Refusal? Refusal)> FinishAsync(ReconciliationRun run, ReconciliationState state, int rows,
        List<ReconciliationMismatch> mismatches, string? error, Action<ReconciliationRun>? record, CancellationToken cancellationToken)
    {
        var now = Now;
        var text = error is { Length: > 500 } ? error[..500] : error;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mine = await db.ReconciliationRuns
            .Where(r => r.Id == run.Id && r.State == ReconciliationState.Running && r.StartedAt == run.StartedAt)
            .ExecuteUpdateAsync(r => r.SetProperty(x => x.State, state).SetProperty(x => x.FinishedAt, now).SetProperty(x => x.LeaseUntil, now)
                .SetProperty(x => x.Error, text).SetProperty(x => x.GatewayRows, rows).SetProperty(x => x.Mismatches, mismatches.Count), cancellationToken);
        if (mine == 0)
        {
            LogLeaseLost(logger, run.BillDate);
            return (null, Refusal.Conflict("该日的对账已被另一处接手"));
        }
        // A failed run keeps the mismatches of the last run that had the bill.
        if (state == ReconciliationState.Done)
        {
            await db.ReconciliationMismatches.Where(m => m.BillDate == run.BillDate).ExecuteDeleteAsync(cancellationToken);
            db.ReconciliationMismatches.AddRange(mismatches);
        }
        run.State = state;
        run.FinishedAt = now;
        run.LeaseUntil = now;
        run.Error = text;
        run.GatewayRows = rows;
        run.Mismatches = mismatches.Count;
        record?.Invoke(run);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (run, null);
    }

    private sealed record OurPayment(string OutTradeNo, Money Amount);

    private sealed record OurRefund(string RequestNo, string OutTradeNo, string? TradeNo, Money Amount, DateTime RefundedAt);

    /// <summary>The day's mismatches, from three set queries: orders, payment exceptions, refunds.</summary>
    private async Task<List<ReconciliationMismatch>> CompareAsync(ReconciliationRun run, IReadOnlyList<AlipayBillRow> bill, CancellationToken cancellationToken)
    {
        var dayStart = run.BillDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - China;
        var dayEnd = dayStart.AddDays(1);
        var payments = bill.Where(r => r.Kind == AlipayBillRowKind.Payment).ToList();
        var refunds = bill.Where(r => r.Kind == AlipayBillRowKind.Refund).ToList();
        var tradeNos = payments.Select(r => r.TradeNo).Distinct().ToList();
        // An exception recorded without the gateway's trade number is keyed by the order's.
        var outKeys = payments.Select(r => "out:" + r.OutTradeNo).Distinct().ToList();
        var requestNos = refunds.Select(RequestNoOf).Distinct().ToList();

        // Paid orders: those the bill names (whenever we took the payment in) and those paid by Alipay that day.
        var orders = await db.Orders.AsNoTracking()
            .Where(o => o.TradeNo != null && (o.OrderStatus == OrderStatus.Paid || o.OrderStatus == OrderStatus.Refunded || o.OrderStatus == OrderStatus.PartlyRefunded))
            .Where(o => tradeNos.Contains(o.TradeNo!) || (o.PayType == PayType.Alipay && o.PayTime >= dayStart && o.PayTime < dayEnd && o.RealPrice != Money.Zero))
            .Select(o => new { o.OrderNumber, TradeNo = o.TradeNo!, o.RealPrice, o.PayTime, o.PayType })
            .ToListAsync(cancellationToken);
        var exceptions = await db.PaymentExceptions.AsNoTracking()
            .Where(p => tradeNos.Contains(p.TradeNo) || outKeys.Contains(p.TradeNo) || requestNos.Contains(p.RefundRequestNo)
                        || (p.RefundedAt >= dayStart && p.RefundedAt < dayEnd))
            .Select(p => new { p.OutTradeNo, p.TradeNo, p.Amount, p.RefundRequestNo, p.RefundedAt })
            .ToListAsync(cancellationToken);
        var refundRows = await (from r in db.Refunds.AsNoTracking()
                                join o in db.Orders on r.OrderId equals o.Id
                                where r.Status == RefundStatus.Succeeded && r.RefundedAt != null
                                      && (requestNos.Contains(r.RequestNo) || (r.RefundedAt >= dayStart && r.RefundedAt < dayEnd))
                                select new { r.RequestNo, o.OrderNumber, o.TradeNo, r.Amount, RefundedAt = r.RefundedAt!.Value })
            .ToListAsync(cancellationToken);

        var ours = new Dictionary<string, OurPayment>(StringComparer.Ordinal);
        foreach (var o in orders)
            ours[o.TradeNo] = new OurPayment(o.OrderNumber, o.RealPrice);
        // A payment that was not the order's (another amount, a closed order, paid twice): what was paid is the exception's.
        foreach (var p in exceptions.Where(p => tradeNos.Contains(p.TradeNo) || outKeys.Contains(p.TradeNo)))
            ours[p.TradeNo] = new OurPayment(p.OutTradeNo, p.Amount);

        var mismatches = new List<ReconciliationMismatch>();
        void Add(string kind, string? outTradeNo, string? tradeNo, string? requestNo, Money? gateway, Money? our, string detail) =>
            mismatches.Add(new ReconciliationMismatch
            {
                RunId = run.Id, BillDate = run.BillDate, Kind = kind, OutTradeNo = outTradeNo, TradeNo = tradeNo, RequestNo = requestNo,
                GatewayAmount = gateway, OurAmount = our, Detail = detail.Length > 500 ? detail[..500] : detail,
            });

        foreach (var row in payments)
        {
            if (!ours.TryGetValue(row.TradeNo, out var mine) && !ours.TryGetValue("out:" + row.OutTradeNo, out mine))
                Add(MismatchKind.GatewayOnly, row.OutTradeNo, row.TradeNo, null, row.Amount, null,
                    $"支付宝账单有订单 {row.OutTradeNo} 的付款 ¥{row.Amount}（交易号 {row.TradeNo}），本地没有这笔付款的记录");
            else if (mine.Amount != row.Amount)
                Add(MismatchKind.AmountDiffers, row.OutTradeNo, row.TradeNo, null, row.Amount, mine.Amount,
                    $"订单 {row.OutTradeNo} 的付款：支付宝 ¥{row.Amount}，本地 ¥{mine.Amount}");
        }
        var billed = tradeNos.ToHashSet(StringComparer.Ordinal);
        foreach (var o in orders.Where(o => o.PayType == PayType.Alipay && o.PayTime >= dayStart && o.PayTime < dayEnd && !billed.Contains(o.TradeNo)))
            Add(MismatchKind.OursOnly, o.OrderNumber, o.TradeNo, null, null, o.RealPrice,
                $"订单 {o.OrderNumber} 本地记为 {Components.Format.Time(o.PayTime)} 支付 ¥{o.RealPrice}（交易号 {o.TradeNo}），支付宝账单中没有");

        var ourRefunds = new Dictionary<string, OurRefund>(StringComparer.Ordinal);
        foreach (var r in refundRows)
            ourRefunds[r.RequestNo] = new OurRefund(r.RequestNo, r.OrderNumber, r.TradeNo, r.Amount, r.RefundedAt);
        foreach (var p in exceptions.Where(p => p.RefundedAt is not null))
            ourRefunds[p.RefundRequestNo] = new OurRefund(p.RefundRequestNo, p.OutTradeNo, p.TradeNo.StartsWith("out:", StringComparison.Ordinal) ? null : p.TradeNo, p.Amount, p.RefundedAt!.Value);

        foreach (var row in refunds)
        {
            var requestNo = RequestNoOf(row);
            if (!ourRefunds.TryGetValue(requestNo, out var mine))
                Add(MismatchKind.RefundMissingHere, row.OutTradeNo, row.TradeNo, requestNo, row.Amount, null,
                    $"支付宝账单有订单 {row.OutTradeNo} 的退款 ¥{row.Amount}（退款请求号 {requestNo}），本地没有记为已退款");
            else if (mine.Amount != row.Amount)
                Add(MismatchKind.RefundAmountDiffers, row.OutTradeNo, row.TradeNo, requestNo, row.Amount, mine.Amount,
                    $"订单 {row.OutTradeNo} 的退款 {requestNo}：支付宝 ¥{row.Amount}，本地 ¥{mine.Amount}");
        }
        var billedRefunds = requestNos.ToHashSet(StringComparer.Ordinal);
        foreach (var r in ourRefunds.Values.Where(r => r.RefundedAt >= dayStart && r.RefundedAt < dayEnd && !billedRefunds.Contains(r.RequestNo)))
        {
            if (r.RefundedAt < dayStart + RefundClockSlack && await MadeBeforeAsync(r, dayStart, cancellationToken))
                continue;
            Add(MismatchKind.RefundMissingAtGateway, r.OutTradeNo, r.TradeNo, r.RequestNo, null, r.Amount,
                $"订单 {r.OutTradeNo} 的退款 {r.RequestNo} 本地记为 {Components.Format.Time(r.RefundedAt)} 退款 ¥{r.Amount}，支付宝账单中没有");
        }
        return mismatches;
    }

    /// <summary>Alipay writes the refund's out_request_no; a refund made without one has the order's number.</summary>
    private static string RequestNoOf(AlipayBillRow row) => row.RequestNo ?? row.OutTradeNo;

    /// <summary>Whether the gateway made the refund before <paramref name="dayStart"/> (so it is in the day before's bill).</summary>
    private async Task<bool> MadeBeforeAsync(OurRefund refund, DateTime dayStart, CancellationToken cancellationToken)
    {
        var answer = await alipay.RefundQueryAsync(refund.OutTradeNo, refund.RequestNo, refund.TradeNo, cancellationToken);
        return AlipayClient.IsRefunded(answer) && AlipayFormats.TryParseTime(answer.Get("gmt_refund_pay"), out var at) && at < dayStart;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation {BillDate}: {Kind}, order {OrderNumber}, trade {TradeNo}, refund {RequestNo}: gateway {GatewayAmount}, ours {OurAmount}")]
    private static partial void LogMismatch(ILogger logger, DateOnly billDate, string kind, string? orderNumber, string? tradeNo, string? requestNo, string? gatewayAmount, string? ourAmount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation {BillDate}: {Rows} rows in the gateway's bill, {Mismatches} mismatches")]
    private static partial void LogSummary(ILogger logger, DateOnly billDate, int rows, int mismatches);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation {BillDate}: the gateway's bill could not be had ({Error}); tried again at the next pass")]
    private static partial void LogBillUnavailable(ILogger logger, Exception exception, DateOnly billDate, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation {BillDate}: the run's lease ran out and another instance took the day over; this outcome is dropped")]
    private static partial void LogLeaseLost(ILogger logger, DateOnly billDate);
}
