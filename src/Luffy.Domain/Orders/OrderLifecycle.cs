namespace Luffy.Domain.Orders;

/// <summary>The state changes of an order, each named once.</summary>
public enum OrderTransition
{
    /// <summary>The money came and the courses are granted (未支付 → 已支付).</summary>
    Pay,
    /// <summary>The buyer, or a payment of another amount, cancels it (未支付 → 已取消).</summary>
    Cancel,
    /// <summary>Unpaid past its deadline (未支付 → 超时取消).</summary>
    TimeOut,
    /// <summary>Money that came for a closed order went back (已取消 / 超时取消 → 已退款).</summary>
    Refund,
    /// <summary>
    /// Some lines of a paid order refunded (已支付 / 部分退款 → 部分退款, or 已退款 when no line is left: see
    /// <see cref="OrderLifecycle.AfterLineRefund"/>).
    /// </summary>
    RefundLines,
}

/// <summary>
/// Where each transition may start and where it leads. The guarded updates in <c>OrderTransitions</c> are built from
/// this, so the database enforces exactly these rules however many callers race.
/// </summary>
public static class OrderLifecycle
{
    public static OrderStatus Target(OrderTransition transition) => transition switch
    {
        OrderTransition.Pay => OrderStatus.Paid,
        OrderTransition.Cancel => OrderStatus.Cancelled,
        OrderTransition.TimeOut => OrderStatus.TimedOut,
        OrderTransition.Refund => OrderStatus.Refunded,
        OrderTransition.RefundLines => OrderStatus.PartlyRefunded,
        _ => throw new ArgumentOutOfRangeException(nameof(transition)),
    };

    public static bool CanStart(OrderTransition transition, OrderStatus from) => transition switch
    {
        OrderTransition.Pay or OrderTransition.Cancel or OrderTransition.TimeOut => from == OrderStatus.Unpaid,
        OrderTransition.Refund => from is OrderStatus.Cancelled or OrderStatus.TimedOut,
        OrderTransition.RefundLines => from is OrderStatus.Paid or OrderStatus.PartlyRefunded,
        _ => false,
    };

    /// <summary>Where a line refund leads: 已退款 when no line of the order is left, otherwise 部分退款.</summary>
    public static OrderStatus AfterLineRefund(bool noLineLeft) => noLineLeft ? OrderStatus.Refunded : OrderStatus.PartlyRefunded;

    /// <summary>The states <paramref name="transition"/> may start from.</summary>
    public static IReadOnlyList<OrderStatus> From(OrderTransition transition) =>
        Enum.GetValues<OrderStatus>().Where(s => CanStart(transition, s)).ToArray();

    /// <summary>Only an unpaid order's price may change (a coupon before the pay URL) or be frozen (the pay URL).</summary>
    public static bool PriceIsOpen(OrderStatus status) => status == OrderStatus.Unpaid;
}
