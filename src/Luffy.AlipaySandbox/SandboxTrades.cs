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
    public HashSet<string> RefundRequests { get; } = [];
    public int NotifyAttempts { get; set; }
    public bool NotifyAcknowledged { get; set; }
}

/// <summary>The gateway's trades (in memory) and what can happen to them.</summary>
public sealed class SandboxTrades(SandboxOptions options, SandboxKeys keys, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Trade> _trades = new();

    public Trade? Find(string outTradeNo) => _trades.GetValueOrDefault(outTradeNo);

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
            return null;
        }
    }

    public (bool Ok, string? SubCode, string? SubMsg) Close(string outTradeNo)
    {
        if (Find(outTradeNo) is not { } trade)
            return (false, "ACQ.TRADE_NOT_EXIST", "交易不存在");
        lock (trade)
        {
            if (trade.Status == TradeStatus.TRADE_SUCCESS)
                return (false, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
            trade.Status = TradeStatus.TRADE_CLOSED;
            return (true, null, null);
        }
    }

    public (bool Ok, string? SubCode, string? SubMsg) Refund(string outTradeNo, Money amount, string requestNo)
    {
        if (Find(outTradeNo) is not { } trade)
            return (false, "ACQ.TRADE_NOT_EXIST", "交易不存在");
        lock (trade)
        {
            if (trade.RefundRequests.Contains(requestNo))
                return (true, null, null);
            if (trade.TradeNo is null || trade.Status == TradeStatus.WAIT_BUYER_PAY)
                return (false, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
            if (amount <= Money.Zero || trade.Refunded + amount > trade.TotalAmount)
                return (false, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
            trade.Refunded += amount;
            trade.RefundRequests.Add(requestNo);
            if (trade.Refunded == trade.TotalAmount)
                trade.Status = TradeStatus.TRADE_CLOSED;
            return (true, null, null);
        }
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

    /// <summary>The asynchronous notification of a paid trade, signed.</summary>
    public Dictionary<string, string?> Notification(Trade trade)
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
