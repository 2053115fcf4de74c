namespace Luffy.Domain.Coupons;

/// <summary>What is known of a user coupon when deciding whether it can pay for an order.</summary>
public readonly record struct CouponHolding(int OwnerId, DateTime StartTime, int TimerDays, bool IsUse, bool HeldByUnpaidOrder, Money Condition);

public static class CouponRules
{
    public const string Unusable = "优惠券不可用";

    /// <summary>The coupon's last valid instant is just before this.</summary>
    public static DateTime EndTime(DateTime startTime, int timerDays) => startTime.AddDays(timerDays);

    /// <summary>
    /// Usable = owned by the caller, not used or held, <c>start_time &lt;= now &lt; start_time + timer days</c>, total &gt;= condition.
    /// Why <paramref name="callerId"/> cannot use the coupon for an order totalling <paramref name="total"/>,
    /// or null when it can; with no total (the coupon list) the condition is left to the checkout page.
    /// Another user's coupon gets the bare "优惠券不可用": it reveals nothing.
    /// </summary>
    public static string? WhyUnusable(CouponHolding coupon, int callerId, Money? total, DateTime now)
    {
        if (coupon.OwnerId != callerId)
            return Unusable;
        if (coupon.IsUse)
            return coupon.HeldByUnpaidOrder ? $"{Unusable}：已被一个未支付的订单占用" : $"{Unusable}：已使用";
        if (now < coupon.StartTime)
            return $"{Unusable}：尚未生效";
        if (now >= EndTime(coupon.StartTime, coupon.TimerDays))
            return $"{Unusable}：已过期";
        if (total < coupon.Condition)
            return $"{Unusable}：订单金额未满 {coupon.Condition} 元";
        return null;
    }
}
