using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Luffy.Domain;
using Luffy.Infrastructure.Alipay;

namespace Luffy.AlipaySandbox;

public enum TradeStatus
{
    WAIT_BUYER_PAY,
    TRADE_SUCCESS,
    TRADE_CLOSED,
}

/// <summary>A trade as the gateway keeps it.</summary>
public sealed class Trade
{
    public required string OutTradeNo { get; init; }
    public required Money TotalAmount { get; init; }
    public required string Subject { get; init; }
    public string? NotifyUrl { get; init; }
    public string? ReturnUrl { get; init; }
    public DateTime? TimeExpire { get; init; }
    public DateTime Created { get; init; }
    public TradeStatus Status { get; set; } = TradeStatus.WAIT_BUYER_PAY;
    public string? TradeNo { get; set; }
    public DateTime? GmtPayment { get; set; }
    public Money Refunded { get; set; }
    /// <summary>The refunds made, in order; one per out_request_no.</summary>
    public List<SandboxRefund> Refunds { get; } = [];
    public int NotifyAttempts { get; set; }
    public bool NotifyAcknowledged { get; set; }
}

/// <summary>One refund of a trade as the gateway keeps it.</summary>
public sealed record SandboxRefund(string RequestNo, Money Amount, string? Reason, DateTime At);

/// <summary>
/// What the gateway does to the next refund calls, for tests of the merchant's failure handling: <see cref="Unavailable"/>
/// answers HTTP 503 and refunds nothing; <see cref="SystemError"/> answers <c>ACQ.SYSTEM_ERROR</c> and refunds nothing;
/// <see cref="AnswerLost"/> refunds, then answers HTTP 503 (the merchant cannot know it went through).
/// </summary>
public enum RefundFault
{
    None,
    Unavailable,
    SystemError,
    AnswerLost,
}

/// <summary>What a refund notification tells: the refund's request number, when, and how much of the trade is refunded so far.</summary>
public sealed record RefundNotice(string RequestNo, DateTime At, Money TotalRefunded);

/// <summary>The gateway's trades (in memory) and what can happen to them.</summary>
public sealed class SandboxTrades(SandboxOptions options, SandboxKeys keys, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Trade> _trades = new();
    // Every paid trade by its trade_no, the second payments of an order among them.
    private readonly ConcurrentDictionary<string, Trade> _paid = new();

    /// <summary>The trade; one left unpaid past its time_expire is closed, as Alipay closes it.</summary>
    public Trade? Find(string outTradeNo)
    {
        if (_trades.GetValueOrDefault(outTradeNo) is not { } trade)
            return null;
        lock (trade)
        {
            if (trade.Status == TradeStatus.WAIT_BUYER_PAY && trade.TimeExpire is { } expire && clock.GetUtcNow().UtcDateTime >= expire)
                trade.Status = TradeStatus.TRADE_CLOSED;
        }
        return trade;
    }

    /// <summary>Opens a trade, or returns the open one with the same number; a different amount is an error.</summary>
    public (Trade? Trade, string? SubCode, string? SubMsg) Open(string outTradeNo, Money amount, string subject, string? notifyUrl, string? returnUrl, DateTime? timeExpire)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (timeExpire is { } expire && expire <= now)
            return (null, "ACQ.TRADE_HAS_CLOSE", "交易已超过支付期限");
        var trade = _trades.GetOrAdd(outTradeNo, _ => new Trade
        {
            OutTradeNo = outTradeNo, TotalAmount = amount, Subject = subject, NotifyUrl = notifyUrl, ReturnUrl = returnUrl,
            TimeExpire = timeExpire, Created = now,
        });
        lock (trade)
        {
            if (trade.TotalAmount != amount)
                return (null, "ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改");
            return trade.Status switch
            {
                TradeStatus.TRADE_SUCCESS => (null, "ACQ.TRADE_HAS_SUCCESS", "交易已被支付"),
                TradeStatus.TRADE_CLOSED => (null, "ACQ.TRADE_HAS_CLOSE", "交易已经关闭"),
                _ => (trade, null, null),
            };
        }
    }

    /// <summary>The buyer pays. Null error on success.</summary>
    public string? Pay(Trade trade)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        lock (trade)
        {
            if (trade.Status != TradeStatus.WAIT_BUYER_PAY)
                return trade.Status == TradeStatus.TRADE_SUCCESS ? "交易已被支付" : "交易已经关闭";
            if (trade.TimeExpire is { } expire && now >= expire)
            {
                trade.Status = TradeStatus.TRADE_CLOSED;
                return "交易已超过支付期限";
            }
            trade.Status = TradeStatus.TRADE_SUCCESS;
            trade.GmtPayment = now;
            trade.TradeNo = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + RandomDigits(20);
            _paid[trade.TradeNo] = trade;
            return null;
        }
    }

    /// <summary>
    /// The same order paid a second time, as a buyer can (another channel, a second cashier before the first one
    /// closed): a new paid trade with its own trade_no for the same out_trade_no. Null when the order's trade is not paid.
    /// </summary>
    public Trade? PayAgain(string outTradeNo)
    {
        if (Find(outTradeNo) is not { Status: TradeStatus.TRADE_SUCCESS } first)
            return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var second = new Trade
        {
            OutTradeNo = first.OutTradeNo, TotalAmount = first.TotalAmount, Subject = first.Subject, NotifyUrl = first.NotifyUrl,
            ReturnUrl = first.ReturnUrl, Created = now, Status = TradeStatus.TRADE_SUCCESS, GmtPayment = now,
            TradeNo = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + RandomDigits(20),
        };
        _paid[second.TradeNo] = second;
        return second;
    }

    public (bool Ok, string? SubCode, string? SubMsg) Close(string outTradeNo)
    {
        if (Find(outTradeNo) is not { } trade)
            return (false, "ACQ.TRADE_NOT_EXIST", "交易不存在");
        lock (trade)
        {
            // As Alipay: only a trade waiting for payment can be closed.
            if (trade.Status != TradeStatus.WAIT_BUYER_PAY)
                return (false, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
            trade.Status = TradeStatus.TRADE_CLOSED;
            return (true, null, null);
        }
    }

    /// <summary>Refunds part or all of a trade: the order's, or the one <paramref name="tradeNo"/> names. The same request number is the same refund.</summary>
    public (Trade? Trade, bool Fresh, string? SubCode, string? SubMsg) Refund(string outTradeNo, Money amount, string requestNo, string? tradeNo = null, string? reason = null)
    {
        var trade = tradeNo is { Length: > 0 } ? _paid.GetValueOrDefault(tradeNo) : Find(outTradeNo);
        if (trade is null || trade.OutTradeNo != outTradeNo)
            return (null, false, "ACQ.TRADE_NOT_EXIST", "交易不存在");
        lock (trade)
        {
            if (trade.Refunds.Find(r => r.RequestNo == requestNo) is { } known)
                // The same out_request_no again: the same refund (fund_change N), or an error when it says another amount.
                return known.Amount == amount ? (trade, false, null, null) : (null, false, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额与原请求不一致");
            if (trade.TradeNo is null || trade.Status == TradeStatus.WAIT_BUYER_PAY)
                return (null, false, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
            if (amount <= Money.Zero || trade.Refunded + amount > trade.TotalAmount)
                return (null, false, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
            trade.Refunded += amount;
            trade.Refunds.Add(new SandboxRefund(requestNo, amount, reason, clock.GetUtcNow().UtcDateTime));
            if (trade.Refunded == trade.TotalAmount)
                trade.Status = TradeStatus.TRADE_CLOSED;
            return (trade, true, null, null);
        }
    }

    /// <summary>The refund <paramref name="requestNo"/> of the trade (the order's, or the one <paramref name="tradeNo"/> names), if made.</summary>
    public (Trade? Trade, SandboxRefund? Refund) FindRefund(string outTradeNo, string requestNo, string? tradeNo = null)
    {
        var trade = tradeNo is { Length: > 0 } ? _paid.GetValueOrDefault(tradeNo) : Find(outTradeNo);
        if (trade is null || trade.OutTradeNo != outTradeNo)
            return (null, null);
        lock (trade)
            return (trade, trade.Refunds.Find(r => r.RequestNo == requestNo));
    }

    /// <summary>
    /// What a bill covering [<paramref name="fromUtc"/>, <paramref name="toUtc"/>) lists: every trade paid in it (an
    /// order's second payments among them) and every refund made in it, oldest first.
    /// </summary>
    public (List<Trade> Paid, List<(Trade Trade, SandboxRefund Refund)> Refunds) Between(DateTime fromUtc, DateTime toUtc)
    {
        var paid = new List<Trade>();
        var refunds = new List<(Trade, SandboxRefund)>();
        foreach (var trade in _paid.Values)
            lock (trade)
            {
                if (trade.GmtPayment is { } at && at >= fromUtc && at < toUtc)
                    paid.Add(trade);
                refunds.AddRange(trade.Refunds.Where(r => r.At >= fromUtc && r.At < toUtc).Select(r => (trade, r)));
            }
        return (paid.OrderBy(t => t.GmtPayment).ToList(), refunds.OrderBy(r => r.Item2.At).ToList());
    }

    private readonly Queue<RefundFault> _refundFaults = new();

    /// <summary>The next <paramref name="times"/> refund calls meet <paramref name="fault"/> (after those already queued).</summary>
    public void InjectRefundFault(RefundFault fault, int times = 1)
    {
        lock (_refundFaults)
            for (var i = 0; i < times; i++)
                _refundFaults.Enqueue(fault);
    }

    /// <summary>The fault the next refund call meets (and forgets it), or <see cref="RefundFault.None"/>.</summary>
    public RefundFault NextRefundFault()
    {
        lock (_refundFaults)
            return _refundFaults.TryDequeue(out var fault) ? fault : RefundFault.None;
    }

    /// <summary>The parameters of the browser return after payment, signed.</summary>
    public Dictionary<string, string?> ReturnParameters(Trade trade)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["charset"] = "utf-8",
            ["out_trade_no"] = trade.OutTradeNo,
            ["method"] = "alipay.trade.page.pay.return",
            ["total_amount"] = AlipayFormats.Amount(trade.TotalAmount),
            ["trade_no"] = trade.TradeNo,
            ["auth_app_id"] = options.AppId,
            ["version"] = "1.0",
            ["app_id"] = options.AppId,
            ["sign_type"] = "RSA2",
            ["seller_id"] = options.SellerId,
            ["timestamp"] = AlipayFormats.Time(clock.GetUtcNow().UtcDateTime),
        };
        parameters["sign"] = AlipaySignature.SignNotification(parameters, keys.AlipayPrivateKey);
        return parameters;
    }

    /// <summary>
    /// The asynchronous notification of a paid trade, signed; after a refund (<paramref name="refund"/>) Alipay's refund
    /// notification: <c>TRADE_SUCCESS</c> with <c>refund_fee</c>, <c>gmt_refund</c> and <c>out_biz_no</c> after a partial
    /// refund, <c>TRADE_CLOSED</c> with them after a full one.
    /// </summary>
    public Dictionary<string, string?> Notification(Trade trade, RefundNotice? refund = null)
    {
        var amount = AlipayFormats.Amount(trade.TotalAmount);
        var parameters = new Dictionary<string, string?>
        {
            ["gmt_create"] = AlipayFormats.Time(trade.Created),
            ["charset"] = "utf-8",
            ["gmt_payment"] = AlipayFormats.Time(trade.GmtPayment!.Value),
            ["notify_time"] = AlipayFormats.Time(clock.GetUtcNow().UtcDateTime),
            ["subject"] = trade.Subject,
            ["buyer_id"] = "2088102177846880",
            ["invoice_amount"] = amount,
            ["version"] = "1.0",
            ["notify_id"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
            ["notify_type"] = "trade_status_sync",
            ["out_trade_no"] = trade.OutTradeNo,
            ["total_amount"] = amount,
            ["trade_status"] = trade.Status == TradeStatus.TRADE_CLOSED ? "TRADE_CLOSED" : "TRADE_SUCCESS",
            ["trade_no"] = trade.TradeNo,
            ["auth_app_id"] = options.AppId,
            ["receipt_amount"] = amount,
            ["point_amount"] = "0.00",
            ["app_id"] = options.AppId,
            ["buyer_pay_amount"] = amount,
            ["sign_type"] = "RSA2",
            ["seller_id"] = options.SellerId,
        };
        if (refund is not null)
        {
            parameters["refund_fee"] = AlipayFormats.Amount(refund.TotalRefunded);
            parameters["gmt_refund"] = AlipayFormats.Time(refund.At);
            parameters["out_biz_no"] = refund.RequestNo;
        }
        parameters["sign"] = AlipaySignature.SignNotification(parameters, keys.AlipayPrivateKey);
        return parameters;
    }

    private static string RandomDigits(int count) =>
        string.Create(count, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        });
}
