using System.ComponentModel.DataAnnotations;

namespace Luffy.Web.Admin.Promotions;

/// <summary>An activity (活动) as the back office lists it; <c>state</c> is running, upcoming or ended at the moment asked.</summary>
public sealed record ActivityDto(int Id, string Name, DateTime StartTime, DateTime EndTime, string State, int Courses);

/// <summary>One course's price policy in an activity: the discount type, its formula and the option price it needs.</summary>
public sealed record PolicyDto(int Id, int ActivityId, int CourseId, string CourseName, string DiscountType, string Sale, decimal Condition);

public sealed record ActivityDetailDto(ActivityDto Activity, IReadOnlyList<PolicyDto> Policies);

/// <summary>An activity's name and window; the API takes ISO times with their offset.</summary>
public sealed record ActivityRequest(
    [Required(ErrorMessage = "请输入活动名称")] string? Name,
    [Required(ErrorMessage = "请输入开始时间")] DateTimeOffset? StartTime,
    [Required(ErrorMessage = "请输入结束时间")] DateTimeOffset? EndTime);

/// <summary>A course's policy in an activity: the type (限时免费, 限时折扣, 限时减免, 满减), its formula and the optional condition in yuan.</summary>
public sealed record PolicyRequest(int? CourseId, [Required(ErrorMessage = "请选择优惠类型")] string? DiscountType, string? Sale, decimal? Condition);

/// <summary>What the activity's courses cost at <c>at</c>: one row per option of each course.</summary>
public sealed record PreviewDto(ActivityDto Activity, DateTime At, IReadOnlyList<PreviewRow> Rows);

/// <summary>
/// One option: its price; <c>activity_price</c> under this activity's policy alone (null when it does not apply at that
/// moment); <c>real_price</c> and <c>discount_name</c> as the storefront charges, from the lowest of all offers; the
/// activity that gives it (<c>winner_id</c>, null at the option price); and the other activities on the course then.
/// </summary>
public sealed record PreviewRow(
    int CourseId, string CourseName, int ExpireTime, string ExpireText, decimal Price, decimal? ActivityPrice,
    decimal RealPrice, string DiscountName, int? WinnerId, string? WinnerName, IReadOnlyList<OverlapDto> Overlaps);

/// <summary>Another activity covering the same course at the moment previewed, with the price it alone would give.</summary>
public sealed record OverlapDto(int ActivityId, string Name, string DiscountType, string Sale, decimal? Price);
