using System.ComponentModel.DataAnnotations;
using Luffy.Web.Components;

namespace Luffy.Web.Admin.Promotions;

/// <summary>An activity's name and window on the pages: times on China's clock (UTC+8).</summary>
public sealed class ActivityForm
{
    [Required(ErrorMessage = "请输入活动名称")] public string? Name { get; set; }
    [Required(ErrorMessage = "请输入开始时间"), Range(typeof(DateTime), "2000-01-01", "2099-12-31T23:59:59", ErrorMessage = PromotionsAdmin.TimeRange, ParseLimitsInInvariantCulture = true)]
    public DateTime? Start { get; set; }

    [Required(ErrorMessage = "请输入结束时间"), Range(typeof(DateTime), "2000-01-01", "2099-12-31T23:59:59", ErrorMessage = PromotionsAdmin.TimeRange, ParseLimitsInInvariantCulture = true)]
    public DateTime? End { get; set; }

    public DateTime? StartUtc => Start is { } t ? Format.FromChina(t) : null;
    public DateTime? EndUtc => End is { } t ? Format.FromChina(t) : null;

    public static ActivityForm Of(ActivityDto a) => new() { Name = a.Name, Start = Format.InChina(a.StartTime), End = Format.InChina(a.EndTime) };
}

/// <summary>A course's policy on the activity page.</summary>
public sealed class PolicyForm
{
    public int? CourseId { get; set; }
    [Required(ErrorMessage = "请选择优惠类型")] public string? DiscountType { get; set; }
    public string? Sale { get; set; }
    public decimal? Condition { get; set; }
}

public static class PromotionText
{
    public static string State(string state) => state switch
    {
        "running" => "进行中",
        "upcoming" => "未开始",
        _ => "已结束",
    };
}
