using Luffy.Domain.Orders;

namespace Luffy.Domain.Entities;

public sealed class Order
{
    public long Id { get; set; }
    public required string OrderNumber { get; set; }
    public int UserId { get; set; }
    public required string OrderTitle { get; set; }
    /// <summary>Σ the lines' real prices after the policies.</summary>
    public Money TotalPrice { get; set; }
    /// <summary>What is paid.</summary>
    public Money RealPrice { get; set; }
    /// <summary>The user coupon id, or 0.</summary>
    public int Coupon { get; set; }
    public long Credit { get; set; }
    public PayType PayType { get; set; }
    public OrderStatus OrderStatus { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? PayTime { get; set; }
    public string? TradeNo { get; set; }
    /// <summary>When the first pay URL was issued: from then on the pricing is frozen and the gateway knows the trade.</summary>
    public DateTime? PayUrlIssuedAt { get; set; }
    public List<OrderDetail> Details { get; set; } = [];
}

public sealed class OrderDetail
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public int CourseId { get; set; }
    public required string CourseName { get; set; }
    public string CourseImg { get; set; } = "";
    /// <summary>Validity in days; 0 = permanent.</summary>
    public int Expire { get; set; }
    public required string ExpireText { get; set; }
    /// <summary>The option price.</summary>
    public Money Price { get; set; }
    /// <summary>After the policy, before the order's coupon and credits: what the deductions are spread over.</summary>
    public Money PolicyPrice { get; set; }
    /// <summary>After the policy and this line's share of the coupon and credits.</summary>
    public Money RealPrice { get; set; }
    public required string DiscountName { get; set; }
}

/// <summary>A purchase: one row per user and course; out_time null = permanent.</summary>
public sealed class UserCourse
{
    public long Id { get; set; }
    public int UserId { get; set; }
    public int CourseId { get; set; }
    public string? BuyNumber { get; set; }
    public BuyType BuyType { get; set; }
    public DateTime? PayTime { get; set; }
    public DateTime? OutTime { get; set; }
}

/// <summary>The stored answer to a request sent with an <c>Idempotency-Key</c>.</summary>
public sealed class IdempotencyRecord
{
    public long Id { get; set; }
    public int UserId { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public int StatusCode { get; set; }
    public required string ResponseBody { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Every payment notification received, verified or not, for audit.</summary>
public sealed class PaymentNotification
{
    public long Id { get; set; }
    public string? OutTradeNo { get; set; }
    public string? TradeNo { get; set; }
    public string? TradeStatus { get; set; }
    public bool Verified { get; set; }
    /// <summary>What was done: fulfilled, duplicate, refunded, refused: reason …</summary>
    public required string Outcome { get; set; }
    public required string RawForm { get; set; }
    public DateTime ReceivedAt { get; set; }
}

/// <summary>Why a verified payment could not be applied to its order.</summary>
public enum PaymentProblem
{
    /// <summary>No order has this out_trade_no.</summary>
    UnknownOrder = 1,
    /// <summary>The amount paid is not the order's price.</summary>
    AmountMismatch = 2,
    /// <summary>The order was cancelled or timed out before the money came.</summary>
    OrderClosed = 3,
    /// <summary>The order had already been paid by another trade.</summary>
    DoublePayment = 4,
}

/// <summary>
/// A verified payment that was not applied to an order: recorded once per trade, then refunded in full with a stable
/// <c>out_request_no</c>, retried until the gateway confirms.
/// </summary>
public sealed class PaymentException
{
    public long Id { get; set; }
    public required string OutTradeNo { get; set; }
    /// <summary>The gateway's trade number: one record per trade.</summary>
    public required string TradeNo { get; set; }
    /// <summary>What was paid: what is refunded.</summary>
    public Money Amount { get; set; }
    public PaymentProblem Problem { get; set; }
    /// <summary>Alipay's out_request_no of the refund: the same for every retry, so the money goes back once.</summary>
    public required string RefundRequestNo { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Null until the gateway confirmed the refund.</summary>
    public DateTime? RefundedAt { get; set; }
    public int RefundAttempts { get; set; }
    public string? LastError { get; set; }
}
