using System.ComponentModel.DataAnnotations;

namespace Luffy.Web.Orders;

/// <summary><c>POST /orders/</c>: pay_type 1 支付宝 (2 微信支付 is refused), coupon = user coupon id or 0, credit = 贝里 to spend.</summary>
public sealed record CreateOrderRequest(
    [EnumDataType(typeof(Domain.Orders.PayType), ErrorMessage = "pay_type 应为 1（支付宝）或 2（微信支付）")] int? PayType, int? Coupon, long? Credit);

/// <summary><c>order</c> repeats the order number: the tutorial's client reads it under that name.</summary>
public sealed record OrderCreated(string Message, string Order, string OrderNumber, decimal TotalPrice, decimal RealPrice, long Credit, int Coupon, int OrderStatus);

/// <summary>A line; <c>refund_status</c> is the state of the refund that holds it (null: none, see <c>RefundTexts</c>).</summary>
public sealed record OrderCourseDto(int Course, string CourseImg, string CourseName, string DiscountName, int Expire, string ExpireText, decimal Price, decimal RealPrice,
    int? RefundStatus = null, string? RefundStatusText = null);

/// <summary>A refund or refund request of the order, as the student sees it.</summary>
public sealed record OrderRefundDto(int Status, string StatusText, decimal Amount, long Credit, string Reason, string? OperatorNote, DateTime CreatedAt, DateTime? RefundedAt, IReadOnlyList<int> Courses);

/// <summary>
/// <c>refunded_amount</c>/<c>refunded_credit</c>: what refunds gave back; <c>refund_deadline</c>: until when the student may
/// ask for a refund (null: not, or no longer).
/// </summary>
public sealed record OrderDto(
    string OrderNumber, string OrderTitle, int OrderStatus, string OrderStatusText, int PayType, decimal TotalPrice, decimal RealPrice,
    long Credit, int Coupon, DateTime CreateTime, DateTime? PayTime, DateTime? CancelDeadline, IReadOnlyList<OrderCourseDto> OrderCourses,
    decimal RefundedAmount = 0, long RefundedCredit = 0, DateTime? RefundDeadline = null, IReadOnlyList<OrderRefundDto>? Refunds = null);

public sealed record UserOrdersDto(string Username, IReadOnlyList<OrderDto> UserOrders);

public sealed record OrderPage(int Count, int Page, int Size, IReadOnlyList<OrderDto> Results);

public sealed class OrderOptions
{
    public const string Section = "Orders";

    /// <summary>Unpaid orders older than this are cancelled (超时取消).</summary>
    public TimeSpan CancelAfter { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often the auto-cancel job looks.</summary>
    public TimeSpan CancelCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many orders one pass of the job cancels at most.</summary>
    public int CancelBatchSize { get; set; } = 200;
}
