using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;
using Luffy.Web.Orders;

namespace Luffy.Web.Payments;

/// <summary>
/// Verified payments that could not be applied to their order (unknown order, wrong amount, order closed, paid twice):
/// each is recorded once per trade (<c>ly_payment_exception</c>, unique trade_no) and refunded in full with a stable
/// out_request_no, so however many notifies, returns and job passes race, the money goes back once. A refund the
/// gateway refuses or cannot take now stays pending and is retried by <see cref="RetryAsync"/>.
/// </summary>
public sealed partial class UnappliedPayments(LuffyDbContext db, AlipayClient alipay, TimeProvider clock, ILogger<UnappliedPayments> logger)
{
    /// <summary>Records the payment (or finds it recorded) and tries its refund now.</summary>
    public async Task<PaymentException> RecordAndRefundAsync(string outTradeNo, string tradeNo, Money amount, PaymentProblem problem)
    {
        var record = await RecordAsync(outTradeNo, tradeNo, amount, problem);
        if (record.RefundedAt is null)
            await TryRefundAsync(record);
        return record;
    }

    /// <summary>
    /// Retries the refunds still pending, those tried least first (one the gateway keeps refusing cannot hold up the
    /// newer ones); returns how many went through.
    /// </summary>
    public async Task<int> RetryAsync(int batch, CancellationToken cancellationToken = default)
    {
        var pending = await db.PaymentExceptions.Where(p => p.RefundedAt == null).OrderBy(p => p.RefundAttempts).ThenBy(p => p.Id)
            .Take(batch).ToListAsync(cancellationToken);
        var refunded = 0;
        foreach (var record in pending)
            if (await TryRefundAsync(record))
                refunded++;
        return refunded;
    }

    private async Task<PaymentException> RecordAsync(string outTradeNo, string tradeNo, Money amount, PaymentProblem problem)
    {
        // A trade without a number cannot be told apart from another: key it by the order's number.
        var key = string.IsNullOrEmpty(tradeNo) ? $"out:{outTradeNo}" : tradeNo;
        if (await db.PaymentExceptions.SingleOrDefaultAsync(p => p.TradeNo == key) is { } known)
            return known;
        var record = new PaymentException
        {
            OutTradeNo = outTradeNo, TradeNo = key, Amount = amount, Problem = problem,
            RefundRequestNo = $"RF{(string.IsNullOrEmpty(tradeNo) ? outTradeNo : tradeNo)}", CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.PaymentExceptions.Add(record);
        try
        {
            await db.SaveChangesAsync();
            LogRecorded(logger, outTradeNo, key, problem.ToString(), amount.ToString());
            return record;
        }
        catch (DbUpdateException)
        {
            // Another notify of the same trade recorded it first.
            db.ChangeTracker.Clear();
            return await db.PaymentExceptions.SingleAsync(p => p.TradeNo == key);
        }
    }

    /// <summary>Asks the gateway to refund; true once it confirmed (now or before).</summary>
    private async Task<bool> TryRefundAsync(PaymentException record)
    {
        string? error;
        try
        {
            var answer = await alipay.RefundAsync(record.OutTradeNo, record.Amount, record.RefundRequestNo,
                RefundReason(record.Problem), record.TradeNo.StartsWith("out:", StringComparison.Ordinal) ? null : record.TradeNo);
            error = answer.IsSuccess ? null : $"{answer.SubCode} {answer.SubMsg}";
        }
        catch (AlipayException e)
        {
            error = e.Message;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (error is not null)
        {
            var text = error.Length > 500 ? error[..500] : error;
            await db.PaymentExceptions.Where(p => p.Id == record.Id && p.RefundedAt == null)
                .ExecuteUpdateAsync(p => p.SetProperty(x => x.RefundAttempts, x => x.RefundAttempts + 1).SetProperty(x => x.LastError, text));
            LogRefundFailed(logger, record.OutTradeNo, record.TradeNo, error);
            return false;
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.PaymentExceptions.Where(p => p.Id == record.Id && p.RefundedAt == null)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.RefundedAt, now).SetProperty(x => x.RefundAttempts, x => x.RefundAttempts + 1).SetProperty(x => x.LastError, (string?)null));
        // The money of an order cancelled (before it came, or because it was not the order's amount) is back: the
        // order says so (已退款).
        if (record.Problem is PaymentProblem.OrderClosed or PaymentProblem.AmountMismatch)
            await OrderTransitions.RefundAsync(db, record.OutTradeNo, record.TradeNo);
        await transaction.CommitAsync();
        record.RefundedAt = now;
        LogRefunded(logger, record.OutTradeNo, record.TradeNo, record.Problem.ToString());
        return true;
    }

    private static string RefundReason(PaymentProblem problem) => problem switch
    {
        PaymentProblem.OrderClosed => "订单已取消，退还款项",
        PaymentProblem.AmountMismatch => "支付金额与订单不符，退还款项",
        PaymentProblem.DoublePayment => "订单重复支付，退还款项",
        _ => "订单不存在，退还款项",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment of order {OrderNumber} (trade {TradeNo}) not applied: {Problem}, {Amount}; refunding")]
    private static partial void LogRecorded(ILogger logger, string orderNumber, string tradeNo, string problem, string amount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderNumber}: trade {TradeNo} refunded ({Problem})")]
    private static partial void LogRefunded(ILogger logger, string orderNumber, string tradeNo, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderNumber}: refund of trade {TradeNo} did not go through ({Error}); retried by the next reconciliation pass")]
    private static partial void LogRefundFailed(ILogger logger, string orderNumber, string tradeNo, string error);
}
