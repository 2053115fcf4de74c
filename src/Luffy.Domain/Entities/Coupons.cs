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
    /// <summary>A fixed window instead of <see cref="Timer"/> days: every copy is valid from start to end.</summary>
    public DateTime? StartTime { get; set; }
    public DateTime? EndTime { get; set; }
    /// <summary>How many copies may ever be handed out or claimed; null for no limit.</summary>
    public int? TotalStock { get; set; }
    /// <summary>Copies handed out or claimed so far (never more than <see cref="TotalStock"/>).</summary>
    public int IssuedCount { get; set; }
    /// <summary>How many copies one user may hold (used, unused or revoked ones count); 0 for no limit.</summary>
    public int PerUserLimit { get; set; } = 1;
    /// <summary>Offered in the claim centre (/coupon), where students take it themselves.</summary>
    public bool IsPublished { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Empty: the whole order. Otherwise valid only for these courses and categories.</summary>
    public List<CouponScope> Scopes { get; set; } = [];
}

/// <summary>One course or one category a scoped coupon applies to.</summary>
public sealed class CouponScope
{
    public int Id { get; set; }
    public int CouponId { get; set; }
    public int? CourseId { get; set; }
    public int? CategoryId { get; set; }
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
    /// <summary>Taken back by an operator before it was used: no longer usable, still counted against the limits.</summary>
    public DateTime? RevokedAt { get; set; }
}
