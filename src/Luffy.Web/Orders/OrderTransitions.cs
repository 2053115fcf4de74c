using System.Linq.Expressions;
using Luffy.Domain.Orders;

namespace Luffy.Web.Orders;

/// <summary>
/// The one guarded update of each order transition (<see cref="OrderLifecycle"/>): it changes the order only from a state
/// the transition may start from, so of any number of racing callers one wins and the others see false. Inside the
/// caller's transaction when it has one.
/// </summary>
public static class OrderTransitions
{
    /// <summary>The unpaid order of this amount becomes paid by the trade.</summary>
    public static async Task<bool> PayAsync(LuffyDbContext db, string orderNumber, Money amount, DateTime payTime, string tradeNo) =>
        await db.Orders.Where(o => o.OrderNumber == orderNumber && o.RealPrice == amount).Where(StartsFrom(OrderTransition.Pay))
            .ExecuteUpdateAsync(o => o.SetProperty(x => x.OrderStatus, OrderStatus.Paid).SetProperty(x => x.PayTime, payTime).SetProperty(x => x.TradeNo, tradeNo)) == 1;

    /// <summary>Cancels (<see cref="OrderTransition.Cancel"/> or <see cref="OrderTransition.TimeOut"/>) an unpaid order.</summary>
    public static async Task<bool> CancelAsync(LuffyDbContext db, long orderId, OrderTransition cancel)
    {
        if (cancel is not (OrderTransition.Cancel or OrderTransition.TimeOut))
            throw new ArgumentOutOfRangeException(nameof(cancel));
        var to = OrderLifecycle.Target(cancel);
        return await db.Orders.Where(o => o.Id == orderId).Where(StartsFrom(cancel))
            .ExecuteUpdateAsync(o => o.SetProperty(x => x.OrderStatus, to)) == 1;
    }

    /// <summary>A closed order whose late payment (the trade) went back.</summary>
    public static async Task<bool> RefundAsync(LuffyDbContext db, string orderNumber, string tradeNo) =>
        await db.Orders.Where(o => o.OrderNumber == orderNumber).Where(StartsFrom(OrderTransition.Refund))
            .ExecuteUpdateAsync(o => o.SetProperty(x => x.OrderStatus, OrderStatus.Refunded).SetProperty(x => x.TradeNo, tradeNo)) == 1;

    /// <summary>
    /// A refund of some lines of a paid order went through: the order's refunded money goes from
    /// <paramref name="refundedBefore"/> to <paramref name="refundedAfter"/> (guarded: a concurrent refund of the same
    /// order makes this false), its credits given back grow by <paramref name="credit"/>, and it becomes 部分退款, or
    /// 已退款 when <paramref name="noLineLeft"/>.
    /// </summary>
    public static async Task<bool> RefundLinesAsync(LuffyDbContext db, long orderId, bool noLineLeft, Money refundedBefore, Money refundedAfter, long credit) =>
        await db.Orders.Where(o => o.Id == orderId && o.RefundedAmount == refundedBefore).Where(StartsFrom(OrderTransition.RefundLines))
            .ExecuteUpdateAsync(o => o.SetProperty(x => x.OrderStatus, OrderLifecycle.AfterLineRefund(noLineLeft))
                .SetProperty(x => x.RefundedAmount, refundedAfter).SetProperty(x => x.RefundedCredit, x => x.RefundedCredit + credit)) == 1;

    /// <summary>
    /// Freezes the price of an unpaid order that has no pay URL yet, only if it is still <paramref name="price"/> with
    /// <paramref name="coupon"/>: the pay URL is issued at that price or not at all.
    /// </summary>
    public static async Task<bool> FreezePriceAsync(LuffyDbContext db, long orderId, Money price, int coupon, DateTime now) =>
        await db.Orders.Where(o => o.Id == orderId && o.PayUrlIssuedAt == null && o.RealPrice == price && o.Coupon == coupon).Where(PriceOpen)
            .ExecuteUpdateAsync(o => o.SetProperty(x => x.PayUrlIssuedAt, now)) == 1;

    /// <summary>Re-prices an unpaid order with another coupon, only while its price is not frozen and its coupon is still <paramref name="from"/>.</summary>
    public static async Task<bool> RepriceAsync(LuffyDbContext db, long orderId, int from, int to, Money price) =>
        await db.Orders.Where(o => o.Id == orderId && o.PayUrlIssuedAt == null && o.Coupon == from).Where(PriceOpen)
            .ExecuteUpdateAsync(o => o.SetProperty(x => x.Coupon, to).SetProperty(x => x.RealPrice, price)) == 1;

    private static readonly Expression<Func<Order, bool>> PriceOpen = StatusIn(OrderLifecycle.PriceIsOpen);

    private static Expression<Func<Order, bool>> StartsFrom(OrderTransition transition) => StatusIn(s => OrderLifecycle.CanStart(transition, s));

    /// <summary>
    /// <c>status = a OR status = b …</c> for the states the rule allows, as constants (not a parameter list: a plain
    /// comparison the database plans as such).
    /// </summary>
    private static Expression<Func<Order, bool>> StatusIn(Func<OrderStatus, bool> allowed)
    {
        var order = Expression.Parameter(typeof(Order), "o");
        var status = Expression.Property(order, nameof(Order.OrderStatus));
        var test = Enum.GetValues<OrderStatus>().Where(allowed)
            .Select(s => (Expression)Expression.Equal(status, Expression.Constant(s)))
            .Aggregate(Expression.OrElse);
        return Expression.Lambda<Func<Order, bool>>(test, order);
    }
}
