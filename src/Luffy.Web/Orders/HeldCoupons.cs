using Luffy.Domain.Coupons;
using Luffy.Domain.Orders;

namespace Luffy.Web.Orders;

/// <summary>A user coupon as the rules see it, and its formula.</summary>
public sealed record HeldCoupon(CouponHolding Holding, CouponSale Sale);

public static class HeldCoupons
{
    /// <summary>Loads a user coupon (whoever owns it) with whether an unpaid order holds it: one query; null when there is none.</summary>
    public static async Task<HeldCoupon?> LoadAsync(LuffyDbContext db, int userCouponId)
    {
        var coupon = await db.UserCoupons.AsNoTracking().Where(u => u.Id == userCouponId)
            .Select(u => new
            {
                u.UserId, u.StartTime, u.IsUse, u.Coupon!.Timer, u.Coupon.Condition, u.Coupon.CouponType, u.Coupon.Sale,
                HeldByUnpaid = db.Orders.Any(o => o.Id == u.OrderId && o.OrderStatus == OrderStatus.Unpaid),
            })
            .SingleOrDefaultAsync();
        return coupon is null
            ? null
            : new HeldCoupon(
                new CouponHolding(coupon.UserId, coupon.StartTime, coupon.Timer, coupon.IsUse, coupon.HeldByUnpaid, coupon.Condition),
                CouponSale.Parse(coupon.CouponType, coupon.Sale));
    }

    /// <summary>
    /// The formula of a user coupon the user may apply to an order of <paramref name="total"/> now, or why not; none for
    /// coupon 0. Placing an order and changing an order's coupon both price with it.
    /// </summary>
    public static async Task<(CouponSale? Sale, string? Refusal)> SaleForAsync(LuffyDbContext db, int userCouponId, int userId, Money total, DateTime now)
    {
        if (userCouponId == 0)
            return (null, null);
        if (await LoadAsync(db, userCouponId) is not { } coupon)
            return (null, CouponRules.Unusable);
        if (CouponRules.WhyUnusable(coupon.Holding, userId, total, now) is { } reason)
            return (null, reason);
        return (coupon.Sale, null);
    }
}
