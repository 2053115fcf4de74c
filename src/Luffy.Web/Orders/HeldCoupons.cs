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
                new CouponHolding(coupon.UserId, coupon.StartTime, coupon.Timer, coupon.IsUse, coupon.HeldByUnpaid, new Money(coupon.Condition)),
                CouponSale.Parse(coupon.CouponType, coupon.Sale));
    }
}
