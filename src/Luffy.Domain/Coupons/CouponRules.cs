using Luffy.Domain.Orders;

namespace Luffy.Domain.Coupons;

/// <summary>
/// The courses and categories a coupon is valid for; none of either means the whole order.
/// </summary>
public sealed record CouponReach(IReadOnlyCollection<int> CourseIds, IReadOnlyCollection<int> CategoryIds)
{
    public static readonly CouponReach WholeOrder = new([], []);

    public bool IsWholeOrder => CourseIds.Count == 0 && CategoryIds.Count == 0;

    /// <summary>Whether a line of this course (in this category) is in scope.</summary>
    public bool Covers(int courseId, int categoryId) => IsWholeOrder || CourseIds.Contains(courseId) || CategoryIds.Contains(categoryId);

    /// <summary>Whether each line is in scope (all of them for a whole-order coupon).</summary>
    public bool[] Covers(IReadOnlyList<PricedLine> lines) => lines.Select(l => Covers(l.CourseId, l.CategoryId)).ToArray();
}

/// <summary>A coupon as it prices an order: its formula and its scope.</summary>
public sealed record AppliedCoupon(CouponSale Sale, CouponReach Reach);

/// <summary>What is known of a user coupon when deciding whether it can pay for an order.</summary>
/// <param name="StartTime">The user coupon's start time (when it was handed out or claimed).</param>
/// <param name="WindowStart">The coupon's fixed window, when it has one: it replaces start time + timer days.</param>
public readonly record struct CouponHolding(
    int OwnerId, DateTime StartTime, int TimerDays, DateTime? WindowStart, DateTime? WindowEnd,
    bool IsUse, bool HeldByUnpaidOrder, bool Revoked, Money Condition, CouponReach Reach)
{
    /// <summary>The first valid instant: the fixed window's start, else the user coupon's start time.</summary>
    public DateTime ValidFrom => WindowStart ?? StartTime;

    /// <summary>The coupon's last valid instant is just before this.</summary>
    public DateTime ValidUntil => WindowEnd ?? CouponRules.EndTime(StartTime, TimerDays);
}

public static class CouponRules
{
    public const string Unusable = "优惠券不可用";

    /// <summary>The end of a timer coupon's validity (its last valid instant is just before this).</summary>
    public static DateTime EndTime(DateTime startTime, int timerDays) => startTime.AddDays(timerDays);

    /// <summary>
    /// Usable = owned by the caller, not revoked, used or held, within its validity (the coupon's fixed window when it
    /// has one, else <c>start_time &lt;= now &lt; start_time + timer days</c>), with at least one in-scope line, and the
    /// in-scope lines' total &gt;= condition.
    /// Why <paramref name="callerId"/> cannot use the coupon for an order of <paramref name="lines"/>, or null when it can;
    /// with no lines (the coupon list) the scope and the condition are left to the checkout page.
    /// Another user's coupon gets the bare "优惠券不可用": it reveals nothing.
    /// </summary>
    public static string? WhyUnusable(CouponHolding coupon, int callerId, IReadOnlyList<PricedLine>? lines, DateTime now)
    {
        if (coupon.OwnerId != callerId)
            return Unusable;
        if (coupon.Revoked)
            return $"{Unusable}：已收回";
        if (coupon.IsUse)
            return coupon.HeldByUnpaidOrder ? $"{Unusable}：已被一个未支付的订单占用" : $"{Unusable}：已使用";
        if (now < coupon.ValidFrom)
            return $"{Unusable}：尚未生效";
        if (now >= coupon.ValidUntil)
            return $"{Unusable}：已过期";
        if (lines is null)
            return null;
        var covered = coupon.Reach.Covers(lines);
        if (!covered.Contains(true))
            return $"{Unusable}：订单中没有适用该优惠券的课程";
        var total = Money.Zero;
        for (var i = 0; i < lines.Count; i++)
            if (covered[i])
                total += lines[i].RealPrice;
        if (total < coupon.Condition)
            return coupon.Reach.IsWholeOrder
                ? $"{Unusable}：订单金额未满 {coupon.Condition} 元"
                : $"{Unusable}：适用课程的金额未满 {coupon.Condition} 元";
        return null;
    }
}
