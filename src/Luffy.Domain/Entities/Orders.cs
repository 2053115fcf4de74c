using Luffy.Domain.Orders;

namespace Luffy.Domain.Entities;

public sealed class Order
{
    public long Id { get; set; }
    public required string OrderNumber { get; set; }
    public int UserId { get; set; }
    public required string OrderTitle { get; set; }
    /// <summary>Σ the lines' real prices after the policies, in fen.</summary>
    public long TotalPrice { get; set; }
    /// <summary>What is paid, in fen.</summary>
    public long RealPrice { get; set; }
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
    /// <summary>The option price, in fen.</summary>
    public long Price { get; set; }
    /// <summary>After the policy, before the order's coupon and credits, in fen: what the deductions are spread over.</summary>
    public long PolicyPrice { get; set; }
    /// <summary>After the policy and this line's share of the coupon and credits, in fen.</summary>
    public long RealPrice { get; set; }
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
