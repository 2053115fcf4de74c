namespace Luffy.Web.Orders;

/// <summary>
/// What an unpaid order holds — its coupon, and the credits it debited with their ledger row — taken and given back
/// here only: placing an order, changing its coupon before the pay URL, cancelling it. Each call is one guarded
/// update inside the caller's transaction; a ledger row is added to the context for the caller's save.
/// </summary>
public static class OrderHolds
{
    /// <summary>Marks the user's coupon used by the order; false when it is not the user's, already used or revoked.</summary>
    public static async Task<bool> HoldCouponAsync(LuffyDbContext db, int userId, int userCouponId, long orderId) =>
        await db.UserCoupons.Where(u => u.Id == userCouponId && u.UserId == userId && !u.IsUse && u.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsUse, true).SetProperty(x => x.OrderId, orderId)) == 1;

    /// <summary>Gives the coupon the order held back (nothing when the order does not hold it).</summary>
    public static Task ReleaseCouponAsync(LuffyDbContext db, int userCouponId, long orderId) =>
        db.UserCoupons.Where(u => u.Id == userCouponId && u.OrderId == orderId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsUse, false).SetProperty(x => x.OrderId, (long?)null));

    /// <summary>Debits the credits an order uses, with its ledger row; false when the balance is short.</summary>
    public static async Task<bool> DebitCreditsAsync(LuffyDbContext db, int userId, long credits, string orderNumber, DateTime now)
    {
        if (await db.Users.Where(u => u.Id == userId && u.Credit >= credits)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Credit, x => x.Credit - credits)) != 1)
            return false;
        await AddLedgerRowAsync(db, userId, -credits, "下单抵扣", orderNumber, now);
        return true;
    }

    /// <summary>Gives back the credits a cancelled order had debited, with its ledger row.</summary>
    public static async Task RefundCreditsAsync(LuffyDbContext db, int userId, long credits, string reason, string orderNumber, DateTime now)
    {
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.Credit, x => x.Credit + credits));
        await AddLedgerRowAsync(db, userId, credits, reason, orderNumber, now);
    }

    private static async Task AddLedgerRowAsync(LuffyDbContext db, int userId, long delta, string reason, string orderNumber, DateTime now)
    {
        var balance = await db.Users.Where(u => u.Id == userId).Select(u => u.Credit).SingleAsync();
        db.CreditEntries.Add(new CreditEntry { UserId = userId, Delta = delta, BalanceAfter = balance, Reason = reason, OrderNumber = orderNumber, CreatedAt = now });
    }
}
