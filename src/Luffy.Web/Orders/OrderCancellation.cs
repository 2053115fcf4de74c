using Luffy.Domain.Orders;

namespace Luffy.Web.Orders;

/// <summary>
/// Cancels an unpaid order and gives back what it held: the coupon and the credits (with a ledger row).
/// The status change is the guarded <see cref="OrderTransitions.CancelAsync"/>, so however many callers race, one
/// cancels and gives back.
/// </summary>
public sealed partial class OrderCancellation(LuffyDbContext db, TimeProvider clock, ILogger<OrderCancellation> logger)
{
    /// <summary>The buyer cancels their unpaid order: null when this call cancelled it, otherwise why not.</summary>
    public async Task<Refusal?> CancelForBuyerAsync(int userId, string orderNumber)
    {
        var orderId = await db.Orders.AsNoTracking().Where(o => o.OrderNumber == orderNumber && o.UserId == userId)
            .Select(o => (long?)o.Id).SingleOrDefaultAsync();
        if (orderId is not { } id)
            return Refusal.NotFound(OrderTexts.NoSuchOrder);
        if (await CancelAsync(id, OrderTransition.Cancel))
            return null;
        var current = await db.Orders.Where(o => o.Id == id).Select(o => o.OrderStatus).SingleAsync();
        return Refusal.Conflict($"订单{OrderTexts.Status(current)}，不能取消");
    }

    /// <summary>True when this call cancelled the order; false when it was no longer unpaid.</summary>
    public async Task<bool> CancelAsync(long orderId, OrderTransition cancel)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (!await OrderTransitions.CancelAsync(db, orderId, cancel))
            return false;
        var to = OrderLifecycle.Target(cancel);

        var order = await db.Orders.AsNoTracking().Where(o => o.Id == orderId)
            .Select(o => new { o.OrderNumber, o.UserId, o.Credit, o.Coupon }).SingleAsync();
        if (order.Coupon != 0)
            await OrderHolds.ReleaseCouponAsync(db, order.Coupon, orderId);
        if (order.Credit > 0)
        {
            await OrderHolds.RefundCreditsAsync(db, order.UserId, order.Credit,
                to == OrderStatus.TimedOut ? "订单超时取消退还" : "订单取消退还", order.OrderNumber, now);
            await db.SaveChangesAsync();
        }
        await transaction.CommitAsync();
        LogCancelled(logger, order.OrderNumber, OrderTexts.Status(to));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderNumber} cancelled: {Status}")]
    private static partial void LogCancelled(ILogger logger, string orderNumber, string status);
}
