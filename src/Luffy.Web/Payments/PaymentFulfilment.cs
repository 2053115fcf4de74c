using Luffy.Domain.Orders;
using Luffy.Web.Orders;

namespace Luffy.Web.Payments;

/// <summary>What became of a verified payment.</summary>
public enum FulfilOutcome
{
    /// <summary>This call marked the order paid and granted its courses.</summary>
    Fulfilled,
    /// <summary>The same trade again (a repeated notify, the return racing the notify): nothing to do.</summary>
    AlreadyApplied,
    /// <summary>Not applicable to its order (<see cref="PaymentProblem"/>): recorded as a payment exception and refunded.</summary>
    Unapplied,
}

/// <summary>
/// A verified payment applied to its order exactly once, whoever brings it first (notify, browser return, the job's
/// question to the gateway), or recorded and refunded when it cannot be applied.
/// </summary>
public sealed partial class PaymentFulfilment(LuffyDbContext db, UnappliedPayments unapplied, OrderCancellation cancellation, ILogger<PaymentFulfilment> logger)
{
    /// <summary>
    /// Applies a verified payment: marks the order paid and grants its courses, exactly once (the update is guarded by
    /// <c>status = 0</c> and the amount). A payment that cannot be applied — unknown order, another amount, an order
    /// cancelled or timed out meanwhile, an order already paid by another trade — is recorded and refunded
    /// (<see cref="UnappliedPayments"/>); an order whose amount did not match is cancelled, its coupon and credits
    /// given back. <paramref name="fulfilledRecord"/>, when given, is written in the same transaction if this call
    /// fulfils the order.
    /// </summary>
    public async Task<FulfilOutcome> FulfilAsync(string orderNumber, string tradeNo, DateTime payTime, Money amount, PaymentNotification? fulfilledRecord = null)
    {
        // The usual case first, without a read before it: the unpaid order with this amount becomes paid.
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            if (await OrderTransitions.PayAsync(db, orderNumber, amount, payTime, tradeNo))
            {
                // PostgreSQL: the user's purchases of these courses are locked before they are read, as a refund or an
                // operator's grant locks them, so that neither overwrites the other's end. SQLite's one writer already
                // runs this transaction alone.
                if (db.Database.IsNpgsql())
                    await db.UserCourses
                        .Where(u => db.Orders.Any(o => o.OrderNumber == orderNumber && o.UserId == u.UserId && o.Details.Any(d => d.CourseId == u.CourseId)))
                        .ExecuteUpdateAsync(u => u.SetProperty(x => x.PayTime, x => x.PayTime));
                // The order's lines, each with the purchase of its course the user already has, in one query
                // (tracked: the purchases are extended).
                var lines = await (
                    from o in db.Orders
                    where o.OrderNumber == orderNumber
                    join d in db.OrderDetails on o.Id equals d.OrderId
                    from u in db.UserCourses.Where(u => u.UserId == o.UserId && u.CourseId == d.CourseId).DefaultIfEmpty()
                    select new { Order = o, Detail = d, Owned = u }).ToListAsync();
                var paid = lines[0].Order;
                paid.Details = lines.Select(l => l.Detail).ToList();
                Fulfilment.Grant(db, paid.UserId, paid, lines.Where(l => l.Owned is not null).Select(l => l.Owned!), BuyType.Alipay, payTime);
                if (fulfilledRecord is not null)
                    db.PaymentNotifications.Add(fulfilledRecord);
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
                LogFulfilled(logger, orderNumber, tradeNo);
                return FulfilOutcome.Fulfilled;
            }
        }

        // Nothing changed: find out why.
        var order = await db.Orders.AsNoTracking().Where(o => o.OrderNumber == orderNumber)
            .Select(o => new { o.Id, o.RealPrice, o.OrderStatus, o.TradeNo }).SingleOrDefaultAsync();
        PaymentProblem problem;
        if (order is null)
            problem = PaymentProblem.UnknownOrder;
        else if (order.OrderStatus is OrderStatus.Paid or OrderStatus.Refunded or OrderStatus.PartlyRefunded)
        {
            // The trade that paid (or was refunded for) this order, again: a duplicate. Another trade: paid twice.
            if (order.TradeNo == tradeNo && !string.IsNullOrEmpty(tradeNo))
                return FulfilOutcome.AlreadyApplied;
            problem = order.OrderStatus == OrderStatus.Refunded && await db.PaymentExceptions.AnyAsync(p => p.TradeNo == tradeNo)
                ? PaymentProblem.OrderClosed
                : PaymentProblem.DoublePayment;
        }
        // The amount first: the same payment is classed the same whether the order was cancelled before it came or
        // because of it (two passes of the job may race).
        else if (order.RealPrice != amount)
            problem = PaymentProblem.AmountMismatch;
        else if (order.OrderStatus is OrderStatus.Cancelled or OrderStatus.TimedOut)
            problem = PaymentProblem.OrderClosed;
        else
            // An order never goes back to unpaid: read after the guarded update, it can only have changed state.
            throw new InvalidOperationException($"order {orderNumber} is {order.OrderStatus} after its payment was refused");

        // The trade of that order can no longer pay it: give the order's coupon and credits back, then the money.
        if (problem == PaymentProblem.AmountMismatch && order!.OrderStatus == OrderStatus.Unpaid)
            await cancellation.CancelAsync(order.Id, OrderTransition.Cancel);
        await unapplied.RecordAndRefundAsync(orderNumber, tradeNo, amount, problem);
        return FulfilOutcome.Unapplied;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderNumber} paid, trade {TradeNo}: courses granted")]
    private static partial void LogFulfilled(ILogger logger, string orderNumber, string tradeNo);
}
