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
    /// <summary>The money given back by refunds that went through (Σ their amounts).</summary>
    public Money RefundedAmount { get; set; }
    /// <summary>The credits given back by those refunds.</summary>
    public long RefundedCredit { get; set; }
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
    /// <summary>The refund that holds this line (asked, under way, failed or done); null while none does.</summary>
    public long? RefundId { get; set; }
    /// <summary>
    /// What the payment gave: the period this line added to the purchase (<see cref="GrantedUntil"/> null = made it
    /// permanent), and the purchase's end before it (<see cref="HadPurchase"/> false: there was none). A refund takes
    /// exactly this back. Null for orders paid before it was recorded (then read as the days from the payment).
    /// </summary>
    public DateTime? GrantedFrom { get; set; }
    public DateTime? GrantedUntil { get; set; }
    public DateTime? OutTimeBefore { get; set; }
    public bool HadPurchase { get; set; }
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

/// <summary>Where a refund is: asked by the student, refused, on its way to the gateway, done, or failed (retryable).</summary>
public enum RefundStatus
{
    Requested = 0,
    Refused = 1,
    Processing = 2,
    Succeeded = 3,
    Failed = 4,
}

/// <summary>
/// Money and credits given back for some or all lines of a paid order: asked by the student (approved or refused by an
/// operator) or made by an operator. <see cref="RequestNo"/> is Alipay's out_request_no, the same for every retry.
/// </summary>
public sealed class Refund
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public int UserId { get; set; }
    public required string RequestNo { get; set; }
    /// <summary>Money back: Σ the lines' real prices.</summary>
    public Money Amount { get; set; }
    /// <summary>Credits back: Σ the lines' shares of the credits the order spent.</summary>
    public long Credit { get; set; }
    /// <summary>Covers every line the order has left: the order becomes 已退款 and its coupon is released.</summary>
    public bool WholeOrder { get; set; }
    public RefundStatus Status { get; set; }
    /// <summary>The student's reason, or the operator's when they refund on their own.</summary>
    public required string Reason { get; set; }
    public bool RequestedByStudent { get; set; }
    /// <summary>The operator who approved, refused or made it.</summary>
    public int? OperatorId { get; set; }
    public string? OperatorNote { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When an operator last decided on it (approved, refused, retried); the refund job waits RetryAfter from here.</summary>
    public DateTime? DecidedAt { get; set; }
    public DateTime? RefundedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public bool CouponReleased { get; set; }
    public List<RefundLine> Lines { get; set; } = [];
}

public sealed class RefundLine
{
    public long Id { get; set; }
    public long RefundId { get; set; }
    public long OrderDetailId { get; set; }
    public int CourseId { get; set; }
    public Money Amount { get; set; }
    public long Credit { get; set; }
}

public enum ReconciliationState
{
    /// <summary>An instance claimed the day and is comparing (until <see cref="ReconciliationRun.LeaseUntil"/>).</summary>
    Running = 0,
    Done = 1,
    /// <summary>The bill could not be had or read: tried again by the next pass.</summary>
    Failed = 2,
}

/// <summary>One day's comparison of the gateway's bill with our payments and refunds; one row per bill date.</summary>
public sealed class ReconciliationRun
{
    public long Id { get; set; }
    /// <summary>The bill's day (China time, as Alipay's bills are).</summary>
    public DateOnly BillDate { get; set; }
    public ReconciliationState State { get; set; }
    public DateTime StartedAt { get; set; }
    /// <summary>Another instance may take the day over after this (a crashed run).</summary>
    public DateTime LeaseUntil { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>Rows in the gateway's bill (payments and refunds).</summary>
    public int GatewayRows { get; set; }
    public int Mismatches { get; set; }
    public string? Error { get; set; }
}

/// <summary>One difference between the gateway's bill and our records.</summary>
public sealed class ReconciliationMismatch
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public DateOnly BillDate { get; set; }
    /// <summary>What differs: paid at the gateway only, paid here only, amounts differ, refund missing here or there.</summary>
    public required string Kind { get; set; }
    public string? OutTradeNo { get; set; }
    public string? TradeNo { get; set; }
    /// <summary>The refund's out_request_no, for a refund row.</summary>
    public string? RequestNo { get; set; }
    public Money? GatewayAmount { get; set; }
    public Money? OurAmount { get; set; }
    public required string Detail { get; set; }
}
