using System.Linq.Expressions;
using Luffy.Domain.Coupons;
using Luffy.Domain.Orders;

namespace Luffy.Web.Orders;

/// <summary>A user coupon as the rules see it, with what the pages show of it and its formula.</summary>
public sealed record HeldCoupon(int Id, string Name, CouponType CouponType, string Sale, int Timer, CouponHolding Holding)
{
    public AppliedCoupon Applied => new(CouponSale.Parse(CouponType, Sale), Holding.Reach);
}

/// <summary>
/// User coupons read for the rules — placing an order, changing an order's coupon, the checkout page and the coupon
/// list all read them here, each in one query (the coupon's scope comes along).
/// </summary>
public static class HeldCoupons
{
    /// <summary>Everything the rules need of a user coupon, as one SQL projection.</summary>
    public static IQueryable<HeldCouponRow> Rows(LuffyDbContext db, IQueryable<UserCoupon> coupons) =>
        coupons.AsNoTracking().Select(Projection(db));

    private static Expression<Func<UserCoupon, HeldCouponRow>> Projection(LuffyDbContext db) => u => new HeldCouponRow(
        u.Id, u.UserId, u.StartTime, u.IsUse, u.RevokedAt != null,
        db.Orders.Any(o => o.Id == u.OrderId && o.OrderStatus == OrderStatus.Unpaid),
        u.Coupon!.Name, u.Coupon.CouponType, u.Coupon.Sale, u.Coupon.Timer, u.Coupon.Condition, u.Coupon.StartTime, u.Coupon.EndTime,
        u.Coupon.Scopes.Select(s => new ScopeRow(s.CourseId, s.CategoryId)).ToList());

    /// <summary>Loads a user coupon (whoever owns it): one query; null when there is none.</summary>
    public static async Task<HeldCoupon?> LoadAsync(LuffyDbContext db, int userCouponId) =>
        (await Rows(db, db.UserCoupons.Where(u => u.Id == userCouponId)).SingleOrDefaultAsync())?.ToHeld();

    /// <summary>
    /// The coupon (formula and scope) a user may apply to an order of <paramref name="lines"/> now, or why not; none for
    /// coupon 0. Placing an order and changing an order's coupon both price with it.
    /// </summary>
    public static async Task<(AppliedCoupon? Coupon, string? Refusal)> ApplyAsync(
        LuffyDbContext db, int userCouponId, int userId, IReadOnlyList<PricedLine> lines, DateTime now)
    {
        if (userCouponId == 0)
            return (null, null);
        if (await LoadAsync(db, userCouponId) is not { } coupon)
            return (null, CouponRules.Unusable);
        if (CouponRules.WhyUnusable(coupon.Holding, userId, lines, now) is { } reason)
            return (null, reason);
        return (coupon.Applied, null);
    }
}

/// <summary>A user coupon's row as read from the database; see <see cref="HeldCoupons.Rows"/>.</summary>
public sealed record HeldCouponRow(
    int Id, int UserId, DateTime StartTime, bool IsUse, bool Revoked, bool HeldByUnpaid,
    string Name, CouponType CouponType, string Sale, int Timer, Money Condition, DateTime? WindowStart, DateTime? WindowEnd,
    List<ScopeRow> Scopes)
{
    public HeldCoupon ToHeld() => new(Id, Name, CouponType, Sale, Timer, new CouponHolding(
        UserId, StartTime, Timer, WindowStart, WindowEnd, IsUse, HeldByUnpaid, Revoked, Condition, Reach(Scopes)));

    public static CouponReach Reach(IReadOnlyCollection<ScopeRow> scopes) => scopes.Count == 0
        ? CouponReach.WholeOrder
        : new CouponReach(
            scopes.Where(s => s.CourseId is not null).Select(s => s.CourseId!.Value).ToHashSet(),
            scopes.Where(s => s.CategoryId is not null).Select(s => s.CategoryId!.Value).ToHashSet());
}

public sealed record ScopeRow(int? CourseId, int? CategoryId);
