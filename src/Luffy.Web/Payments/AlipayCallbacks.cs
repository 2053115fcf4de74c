using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;

namespace Luffy.Web.Payments;

public sealed record PaymentResult(string? PayTime, decimal RealPrice, IReadOnlyList<string> CourseList);

/// <summary>What Alipay sends back: the asynchronous notification and the buyer's browser return, each verified first.</summary>
public sealed partial class AlipayCallbacks(
    LuffyDbContext db, AlipayClient alipay, PaymentFulfilment fulfilment, GatewayReconciliation gateway, Refunds.RefundService refunds, TimeProvider clock,
    PaymentMetrics metrics, ILogger<AlipayCallbacks> logger)
{
    /// <summary>
    /// The asynchronous notification: <c>success</c> once handled (applied, recorded as a payment to refund, or nothing to
    /// do), <c>failure</c> when refused. Only verified notifies are stored; forged ones are logged and counted.
    /// </summary>
    public async Task<string> HandleNotifyAsync(IReadOnlyDictionary<string, string?> form, string raw)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var outTradeNo = form.GetValueOrDefault("out_trade_no");
        var status = form.GetValueOrDefault("trade_status");
        if (!alipay.IsAuthentic(form))
        {
            metrics.NotifyRejected();
            LogForged(logger, outTradeNo is { Length: <= 64 } n ? n : "?");
            return "failure";
        }
        var record = new PaymentNotification
        {
            OutTradeNo = outTradeNo, TradeNo = form.GetValueOrDefault("trade_no"), TradeStatus = status, Verified = true,
            Outcome = "fulfilled", RawForm = raw.Length > 8000 ? raw[..8000] : raw, ReceivedAt = now,
        };
        string outcome;
        string answer;
        // Alipay notifies refunds too: partial ones as TRADE_SUCCESS, full ones as TRADE_CLOSED, each with refund
        // fields. Never a payment.
        if (IsRefundNotification(form))
        {
            // One of our refunds still waiting for the gateway's word is confirmed (asked, then applied) now.
            var confirmed = form.GetValueOrDefault("out_biz_no") is { Length: > 0 and <= 64 } requestNo && await refunds.ConfirmAsync(requestNo);
            (outcome, answer) = ($"refund notification: {form.GetValueOrDefault("refund_fee")} refunded ({status}){(confirmed ? ", refund applied" : "")}", "success");
        }
        else if (status == "WAIT_BUYER_PAY")
            (outcome, answer) = ("ignored: WAIT_BUYER_PAY", "success");
        else if (!GatewayReconciliation.PaidStatuses.Contains(status))
            (outcome, answer) = ($"ignored: {status}", "success");
        else if (!AlipayFormats.TryParseAmount(form.GetValueOrDefault("total_amount"), out var amount) || string.IsNullOrEmpty(outTradeNo)
                 || string.IsNullOrEmpty(form.GetValueOrDefault("trade_no")))
            // Without its trade_no a payment cannot be told from a second one, nor refunded precisely.
            (outcome, answer) = ("refused: total_amount, out_trade_no or trade_no missing", "failure");
        else
        {
            var payTime = AlipayFormats.TryParseTime(form.GetValueOrDefault("gmt_payment"), out var gmt) ? gmt : now;
            // Fulfilled: the record is written with the purchases, in their transaction (one commit, not two).
            var result = await fulfilment.FulfilAsync(outTradeNo, form.GetValueOrDefault("trade_no") ?? "", payTime, amount, record);
            if (result == FulfilOutcome.Fulfilled)
            {
                LogNotify(logger, outTradeNo, record.Outcome);
                return "success";
            }
            // A payment that could not be applied is recorded (and its refund under way): Alipay may stop notifying.
            (outcome, answer) = result == FulfilOutcome.AlreadyApplied
                ? ("duplicate: already applied", "success")
                : ("not applied: recorded as a payment exception, refunded", "success");
        }

        db.ChangeTracker.Clear();
        record.Outcome = outcome.Length > 500 ? outcome[..500] : outcome;
        db.PaymentNotifications.Add(record);
        await db.SaveChangesAsync();
        LogNotify(logger, outTradeNo ?? "?", outcome);
        return answer;
    }

    /// <summary>A refund's notification carries what was refunded: refund_fee, gmt_refund, out_biz_no.</summary>
    public static bool IsRefundNotification(IReadOnlyDictionary<string, string?> form) =>
        !string.IsNullOrEmpty(form.GetValueOrDefault("refund_fee")) || !string.IsNullOrEmpty(form.GetValueOrDefault("gmt_refund"))
        || !string.IsNullOrEmpty(form.GetValueOrDefault("out_biz_no"));

    /// <summary>
    /// The browser's return: verified, and when the notification has not come yet the gateway is asked.
    /// A refusal when the payment cannot be confirmed (a conflict while it may still come).
    /// </summary>
    public async Task<(PaymentResult? Result, Refusal? Refusal)> HandleReturnAsync(IReadOnlyDictionary<string, string?> parameters)
    {
        if (!alipay.IsAuthentic(parameters))
            return (null, Refusal.Invalid("支付结果验签失败"));
        var orderNumber = parameters.GetValueOrDefault("out_trade_no") ?? "";
        var order = await db.Orders.AsNoTracking().Where(o => o.OrderNumber == orderNumber).Select(o => new { o.OrderStatus }).SingleOrDefaultAsync();
        if (order is null)
            return (null, Refusal.NotFound(OrderTexts.NoSuchOrder));
        if (order.OrderStatus == OrderStatus.Unpaid)
        {
            // The notify has not come (yet): the gateway says whether it is paid. One that cannot be asked now is a
            // "not confirmed yet", as is an unpaid trade.
            PaidTrade? paid;
            try
            {
                (_, paid) = await gateway.AskAsync(orderNumber);
            }
            catch (AlipayException)
            {
                paid = null;
            }
            if (paid is null)
                return (null, Refusal.Conflict("支付结果尚未确认，请稍后刷新"));
            await fulfilment.FulfilAsync(orderNumber, paid.TradeNo, paid.PayTime, paid.Amount);
        }
        var result = await db.Orders.AsNoTracking().Where(o => o.OrderNumber == orderNumber)
            .Select(o => new { o.OrderStatus, o.PayTime, o.RealPrice, Courses = o.Details.OrderBy(d => d.Id).Select(d => d.CourseName).ToList() })
            .SingleAsync();
        if (result.OrderStatus != OrderStatus.Paid)
            return (null, Refusal.Conflict($"订单{OrderTexts.Status(result.OrderStatus)}"));
        return (new PaymentResult(result.PayTime is { } p ? AlipayFormats.Time(p) : null, result.RealPrice.Yuan, result.Courses), null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notify for order {OrderNumber} refused: signature or app_id does not verify")]
    private static partial void LogForged(ILogger logger, string orderNumber);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notify for order {OrderNumber}: {Outcome}")]
    private static partial void LogNotify(ILogger logger, string orderNumber, string outcome);
}
