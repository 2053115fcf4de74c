using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Luffy.Web.Components;

namespace Luffy.Web.Admin.Coupons;

/// <summary>The coupon pages' form: times in China Standard Time, ids as text; the service checks the rest.</summary>
public sealed class CouponForm
{
    [Required(ErrorMessage = "请输入优惠券名称")] public string? Name { get; set; }
    public int CouponType { get; set; } = (int)Domain.Coupons.CouponType.Reduction;
    [Required(ErrorMessage = "请输入优惠公式，例如 -10 或 *0.8")] public string? Sale { get; set; }
    public decimal Condition { get; set; }
    public int Timer { get; set; } = 30;
    [Range(typeof(DateTime), "2000-01-01", "2099-12-31T23:59:59", ErrorMessage = CouponsAdmin.TimeRange, ParseLimitsInInvariantCulture = true)]
    public DateTime? StartTime { get; set; }
    [Range(typeof(DateTime), "2000-01-01", "2099-12-31T23:59:59", ErrorMessage = CouponsAdmin.TimeRange, ParseLimitsInInvariantCulture = true)]
    public DateTime? EndTime { get; set; }
    /// <summary>Course ids, separated by commas or spaces.</summary>
    public string? CourseIds { get; set; }
    public string? CategoryIds { get; set; }
    public int? TotalStock { get; set; }
    public int PerUserLimit { get; set; } = 1;
    public bool IsPublished { get; set; }

    public static CouponForm From(CouponDto c) => new()
    {
        Name = c.Name, CouponType = c.CouponType, Sale = c.Sale, Condition = c.Condition, Timer = c.Timer,
        StartTime = c.StartTime is { } start ? Format.InChina(start) : null, EndTime = c.EndTime is { } end ? Format.InChina(end) : null,
        CourseIds = string.Join(", ", c.CourseIds), CategoryIds = string.Join(", ", c.CategoryIds),
        TotalStock = c.TotalStock, PerUserLimit = c.PerUserLimit, IsPublished = c.IsPublished,
    };

    /// <summary>The request, or why the ids cannot be read.</summary>
    public (CouponRequest? Request, string? Error) ToRequest()
    {
        if (!TryIds(CourseIds, out var courses) || !TryIds(CategoryIds, out var categories))
            return (null, "适用课程和分类应为以逗号分隔的编号");
        return (new CouponRequest(Name, CouponType, Sale, Condition, Timer, Utc(StartTime), Utc(EndTime),
            courses, categories, TotalStock, PerUserLimit, IsPublished), null);
    }

    private static DateTime? Utc(DateTime? china) => china is { } t ? Format.FromChina(t) : null;

    private static bool TryIds(string? text, out int[] ids)
    {
        var parts = (text ?? "").Split([',', '，', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        ids = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out ids[i]))
                return false;
        return true;
    }
}
