namespace Luffy.Web.Coupons;

/// <summary>Why a copy of a coupon was not given.</summary>
public enum IssueProblem
{
    UnknownCoupon,
    OutOfStock,
    OverUserLimit,
    NotPublished,
    NotInWindow,
}

/// <summary>
/// Gives one copy of a coupon to one user within its total stock and per-user limit — the claim centre and the
/// back office's hand-outs both come here. Safe under concurrency on both databases: in one transaction the stock
/// is taken by a guarded <c>UPDATE … SET issued_count = issued_count + 1 WHERE … issued_count &lt; total_stock</c>
/// (PostgreSQL's row lock then serialises the coupon's claimers until the commit; SQLite serialises writers), then the
/// user's copies are counted and the whole step rolled back when that is over the limit.
/// </summary>
public static class CouponIssuing
{
    /// <summary>
    /// Issues a copy to <paramref name="userId"/>; <paramref name="claim"/> for a student's own claim (the coupon must be
    /// published and its window not over). <paramref name="record"/> adds to the same unit of work (the audit entry).
    /// </summary>
    public static async Task<(UserCoupon? Copy, IssueProblem? Problem)> IssueAsync(
        LuffyDbContext db, int couponId, int userId, DateTime now, bool claim, Action<UserCoupon>? record = null)
    {
        var coupon = await db.Coupons.AsNoTracking().Where(c => c.Id == couponId)
            .Select(c => new { c.IsPublished, c.StartTime, c.EndTime, c.PerUserLimit }).SingleOrDefaultAsync();
        if (coupon is null)
            return (null, IssueProblem.UnknownCoupon);
        if (claim && !coupon.IsPublished)
            return (null, IssueProblem.NotPublished);
        if (claim && (now < coupon.StartTime || now >= coupon.EndTime))
            return (null, IssueProblem.NotInWindow);

        await using var transaction = await db.Database.BeginTransactionAsync();
        if (await db.Coupons.Where(c => c.Id == couponId && (c.TotalStock == null || c.IssuedCount < c.TotalStock))
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.IssuedCount, x => x.IssuedCount + 1)) != 1)
            return (null, IssueProblem.OutOfStock);
        if (coupon.PerUserLimit > 0
            && await db.UserCoupons.CountAsync(u => u.CouponId == couponId && u.UserId == userId) >= coupon.PerUserLimit)
        {
            await transaction.RollbackAsync();
            return (null, IssueProblem.OverUserLimit);
        }
        var copy = new UserCoupon { UserId = userId, CouponId = couponId, StartTime = now };
        db.UserCoupons.Add(copy);
        await db.SaveChangesAsync();
        if (record is not null)
        {
            record(copy);
            await db.SaveChangesAsync();
        }
        await transaction.CommitAsync();
        return (copy, null);
    }

    /// <summary>What the user reads about a problem.</summary>
    public static string Message(IssueProblem problem) => problem switch
    {
        IssueProblem.UnknownCoupon => "优惠券不存在",
        IssueProblem.OutOfStock => "优惠券已被领完",
        IssueProblem.OverUserLimit => "已达到这张优惠券的每人限领数量",
        IssueProblem.NotPublished => "这张优惠券不在领券中心",
        _ => "不在这张优惠券的领取时间内",
    };
}
