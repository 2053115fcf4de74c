using Luffy.Domain.Coupons;

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
        var rows = await db.UserCoupons.AsNoTracking()
            .Where(u => u.UserId == userId && !u.IsUse && u.StartTime <= now)
            .Select(u => new { u.Id, u.UserId, u.IsUse, u.StartTime, u.Coupon!.Name, u.Coupon.CouponType, u.Coupon.Timer, u.Coupon.Condition, u.Coupon.Sale })
            .ToListAsync();
        return TypedResults.Ok(rows
            .Where(r => CouponRules.WhyUnusable(new CouponHolding(r.UserId, r.StartTime, r.Timer, r.IsUse, false, r.Condition), userId, null, now) is null)
            .Select(r => new UserCouponDto(r.Id, r.StartTime, CouponRules.EndTime(r.StartTime, r.Timer),
                new CouponInfo(r.Name, (int)r.CouponType, r.Timer, r.Condition.Yuan, r.Sale)))
            .OrderBy(c => c.EndTime).ThenBy(c => c.Id)
            .ToList());
    }
}
