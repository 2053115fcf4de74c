using Luffy.Infrastructure.Alipay;

namespace Luffy.Web.Payments;

/// <summary>A trade the gateway says is paid: its number, the amount and when.</summary>
public sealed record PaidTrade(string TradeNo, Money Amount, DateTime PayTime);

/// <summary>Asks the gateway about an order's trade (<c>alipay.trade.query</c>), and settles an order with it before the timeout cancels it.</summary>
public sealed partial class GatewayReconciliation(AlipayClient alipay, PaymentFulfilment fulfilment, TimeProvider clock, ILogger<GatewayReconciliation> logger)
{
    public static readonly string[] PaidStatuses = ["TRADE_SUCCESS", "TRADE_FINISHED"];

    /// <summary>
    /// The gateway's answer about the order's trade, and the payment when it is paid (with its trade_no and amount: a
    /// payment without them is not one to apply). A gateway that cannot be asked throws <see cref="AlipayException"/>.
    /// </summary>
    public async Task<(AlipayResponse Query, PaidTrade? Paid)> AskAsync(string orderNumber)
    {
        var query = await alipay.QueryAsync(orderNumber);
        if (!query.IsSuccess || !PaidStatuses.Contains(query.Get("trade_status")) || !AlipayFormats.TryParseAmount(query.Get("total_amount"), out var amount)
            || query.Get("trade_no") is not { Length: > 0 } tradeNo)
            return (query, null);
        var payTime = AlipayFormats.TryParseTime(query.Get("send_pay_date"), out var t) ? t : clock.GetUtcNow().UtcDateTime;
        return (query, new PaidTrade(tradeNo, amount, payTime));
    }

    /// <summary>
    /// Before the auto-cancel cancels an order that has a pay URL: asks the gateway. Paid → applied (true: handled), or,
    /// when the payment cannot be applied (another amount), recorded and refunded (false: go on cancelling); no trade
    /// or a closed one → false; waiting for payment → the trade is closed there (false). A gateway that cannot be
    /// asked throws <see cref="AlipayException"/>: the next pass tries again.
    /// </summary>
    public async Task<bool> ReconcileBeforeCancelAsync(string orderNumber)
    {
        var (query, paid) = await AskAsync(orderNumber);
        if (paid is not null)
        {
            var outcome = await fulfilment.FulfilAsync(orderNumber, paid.TradeNo, paid.PayTime, paid.Amount);
            if (outcome == FulfilOutcome.Unapplied)
                return false;
            LogReconciled(logger, orderNumber);
            return true;
        }
        // No trade (the buyer never reached the cashier), or one the gateway closed (its time_expire is the order's
        // deadline, so a trade left unpaid is closed by now): nothing can be paid any more.
        if ((!query.IsSuccess && query.SubCode == "ACQ.TRADE_NOT_EXIST") || (query.IsSuccess && query.Get("trade_status") == "TRADE_CLOSED"))
            return false;
        if (!query.IsSuccess)
            throw new AlipayException($"alipay.trade.query for {orderNumber}: {query.SubCode} {query.SubMsg}");
        var close = await alipay.CloseAsync(orderNumber);
        if (close.IsSuccess || close.SubCode == "ACQ.TRADE_NOT_EXIST")
            return false;
        // Paid (or closed) between the query and the close: the next pass looks again.
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderNumber} was paid but its notify never came: fulfilled by reconciliation")]
    private static partial void LogReconciled(ILogger logger, string orderNumber);
}
