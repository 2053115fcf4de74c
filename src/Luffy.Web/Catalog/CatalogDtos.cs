namespace Luffy.Web.Catalog;

public sealed record CategoryDto(int Id, string Name);

public sealed record ExpireDto(int ExpireTime, string ExpireText, decimal Price, decimal RealPrice, string DiscountName);

public sealed record CourseListItem(
    int Id, string Name, string CourseImg, string Brief, string Teacher, CategoryDto Category, int Students,
    decimal Price, decimal RealPrice, string DiscountName, long ActiveTime);

public sealed record PagedList<T>(int Count, int Page, int Size, IReadOnlyList<T> Results);

public sealed record LessonDto(int Id, int Lesson, string Name, string Duration, bool FreeTrail);

public sealed record ChapterDto(int Id, int Chapter, string Name, string Summary, IReadOnlyList<LessonDto> Lessons);

/// <summary>
/// A course page: <c>discount_name</c> and <c>active_time</c> (seconds left) describe the active activity;
/// each option carries its own real price and the discount that gave it.
/// </summary>
public sealed record CourseDetail(
    int Id, string Name, string CourseImg, string Brief, string Teacher, CategoryDto Category, int Students,
    bool IsOnSale, decimal Price, decimal RealPrice, string DiscountName, long ActiveTime,
    IReadOnlyList<ExpireDto> ExpireList, IReadOnlyList<ChapterDto> ChapterList);
