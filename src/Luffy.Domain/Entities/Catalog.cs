namespace Luffy.Domain.Entities;

public sealed class CourseCategory
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int Orders { get; set; }
}

public sealed class Course
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int CategoryId { get; set; }
    public CourseCategory? Category { get; set; }
    public string CourseImg { get; set; } = "";
    public string Brief { get; set; } = "";
    public string Teacher { get; set; } = "";
    /// <summary>The permanent price.</summary>
    public Money Price { get; set; }
    public bool IsOnSale { get; set; } = true;
    /// <summary>Sold permanently (永久有效) at <see cref="Price"/>; off, the course sells only its timed options.</summary>
    public bool PermanentOnSale { get; set; } = true;
    /// <summary>The place in listings set by the operators (smaller first; the storefront's default order).</summary>
    public int Orders { get; set; }
    /// <summary>Number of students: the popularity order.</summary>
    public int Students { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<CourseExpire> Expires { get; set; } = [];
    public List<CourseChapter> Chapters { get; set; } = [];
    public List<CoursePriceDiscount> PriceDiscounts { get; set; } = [];
}

/// <summary>A validity option of a course (有效期): days and price.</summary>
public sealed class CourseExpire
{
    public int Id { get; set; }
    public int CourseId { get; set; }
    public int ExpireTime { get; set; }
    public required string ExpireText { get; set; }
    public Money Price { get; set; }
    /// <summary>Off sale: no longer sold (carts report it); orders and purchases made with it are untouched.</summary>
    public bool IsOnSale { get; set; } = true;
}

public sealed class CourseChapter
{
    public int Id { get; set; }
    public int CourseId { get; set; }
    public int Chapter { get; set; }
    public required string Name { get; set; }
    public string Summary { get; set; } = "";
    public List<CourseLesson> Lessons { get; set; } = [];
}

public sealed class CourseLesson
{
    public int Id { get; set; }
    public int ChapterId { get; set; }
    public int Lesson { get; set; }
    public required string Name { get; set; }
    public string Duration { get; set; } = "";
    /// <summary>Free preview (免费试看): open to everyone.</summary>
    public bool FreeTrail { get; set; }
    public string Content { get; set; } = "";
    /// <summary>The lesson's video, when it has one (an http(s) URL).</summary>
    public string VideoUrl { get; set; } = "";
}

/// <summary>An activity (活动): the window of a price policy.</summary>
public sealed class Activity
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public DateTime StartTime { get; set; }
    public DateTime EndTime { get; set; }
}

/// <summary>The policy type: 限时免费, 限时折扣, 限时减免, 满减.</summary>
public sealed class DiscountType
{
    public int Id { get; set; }
    public required string Name { get; set; }
}

public sealed class Discount
{
    public int Id { get; set; }
    public int DiscountTypeId { get; set; }
    public DiscountType? DiscountType { get; set; }
    /// <summary>The option price from which the discount applies.</summary>
    public Money Condition { get; set; }
    /// <summary>The formula, see <see cref="Pricing.PriceFormula"/>; validated when saved.</summary>
    public string Sale { get; set; } = "";
}

/// <summary>Puts a course under a discount for an activity.</summary>
public sealed class CoursePriceDiscount
{
    public int Id { get; set; }
    public int CourseId { get; set; }
    public int ActivityId { get; set; }
    public Activity? Activity { get; set; }
    public int DiscountId { get; set; }
    public Discount? Discount { get; set; }
}
