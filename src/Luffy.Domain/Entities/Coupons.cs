using Luffy.Domain.Coupons;

namespace Luffy.Domain.Entities;

public sealed class Coupon
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public CouponType CouponType { get; set; }
    /// <summary>Days valid from the user coupon's start time.</summary>
    public int Timer { get; set; } = 30;
    /// <summary>Minimum order total.</summary>
    public Money Condition { get; set; }
    /// <summary>The formula, see <see cref="CouponSale"/>; validated when saved.</summary>
    public required string Sale { get; set; }
}

public sealed class UserCoupon
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public int CouponId { get; set; }
    public Coupon? Coupon { get; set; }
    public DateTime StartTime { get; set; }
    /// <summary>Taken by an order (paid, or unpaid and holding it); released when that order is cancelled.</summary>
    public bool IsUse { get; set; }
    /// <summary>The order that holds or used it.</summary>
    public long? OrderId { get; set; }
}
