using Luffy.Domain.Coupons;
using Luffy.Web.Orders;

namespace Luffy.Web.Coupons;

public sealed record CouponInfo(string Name, int CouponType, int Timer, decimal Condition, string Sale)
{
    /// <summary><c>coupon_type</c> again: the tutorial's checkout template reads <c>coupon.type</c>.</summary>
    public int Type => CouponType;
}

public sealed record UserCouponDto(int Id, DateTime StartTime, DateTime EndTime, CouponInfo Coupon);

public static class CouponsApi
{
    public static IEndpointRouteBuilder MapCouponsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/coupon/list/", List).WithTags("Coupons").RequireAuthorization();
        return app;
    }

    /// <summary>
    /// The caller's coupons usable now (not used or held, within their window), soonest ending first.
    /// Whether an order's total reaches a coupon's condition is for the checkout page to show.
    /// </summary>
    public static async Task<Ok<List<UserCouponDto>>> List(HttpContext http, LuffyDbContext db, TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var userId = http.User.UserId();
        var rows = await HeldCoupons.Rows(db, db.UserCoupons.Where(u => u.UserId == userId && !u.IsUse && u.RevokedAt == null)).ToListAsync();
        return TypedResults.Ok(rows
            .Select(r => r.ToHeld())
            .Where(c => CouponRules.WhyUnusable(c.Holding, userId, null, now) is null)
            .Select(c => new UserCouponDto(c.Id, c.Holding.ValidFrom, c.Holding.ValidUntil,
                new CouponInfo(c.Name, (int)c.CouponType, c.Timer, c.Holding.Condition.Yuan, c.Sale)))
            .OrderBy(c => c.EndTime).ThenBy(c => c.Id)
            .ToList());
    }
}
