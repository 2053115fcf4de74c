namespace Luffy.Web.Admin.Catalog;

// What the back office sends. Every field is optional in the type so that a missing one is the service's refusal, in
// the same words for the API and the pages; the service checks them all (CatalogAdminRules) before it changes anything.

public sealed record CategoryRequest(string? Name, int? Orders);

public sealed record CourseRequest(
    string? Name, int? CategoryId, string? Teacher, string? Brief, decimal? Price, bool? IsOnSale, bool? PermanentOnSale, int? Orders);

/// <summary>A chapter; <c>Chapter</c> is its place (1 = first): given, the chapter moves there and the others follow.</summary>
public sealed record ChapterRequest(string? Name, string? Summary, int? Chapter);

/// <summary>A lesson; <c>Lesson</c> is its place in the chapter, as a chapter's.</summary>
public sealed record LessonRequest(string? Name, string? Duration, bool? FreeTrail, string? Content, string? VideoUrl, int? Lesson);

/// <summary>A validity option: its days (unique in the course, fixed once made), its text, price and whether it is sold.</summary>
public sealed record ExpireRequest(int? ExpireTime, string? ExpireText, decimal? Price, bool? IsOnSale);

/// <summary>The filter of the courses' table: part of the name, a category, on sale or not; all optional.</summary>
public sealed record CourseFilter(string? Name, int? CategoryId, bool? OnSale);

// What the back office shows, also the before/after of the audit log.

public sealed record AdminCategoryDto(int Id, string Name, int Orders, int Courses);

public sealed record AdminCourseDto(
    int Id, string Name, int CategoryId, string CategoryName, string Teacher, string Brief, decimal Price,
    bool IsOnSale, bool PermanentOnSale, int Orders, string CourseImg, int Students);

public sealed record AdminExpireDto(int Id, int CourseId, int ExpireTime, string ExpireText, decimal Price, bool IsOnSale);

public sealed record AdminLessonDto(int Id, int ChapterId, int Lesson, string Name, string Duration, bool FreeTrail, string Content, string VideoUrl);

public sealed record AdminChapterDto(int Id, int CourseId, int Chapter, string Name, string Summary, IReadOnlyList<AdminLessonDto> Lessons);

/// <summary>A course with everything its edit page shows: options (on sale or not), chapters and lessons in order.</summary>
public sealed record AdminCourseDetail(AdminCourseDto Course, IReadOnlyList<AdminExpireDto> Expires, IReadOnlyList<AdminChapterDto> Chapters);

/// <summary>The answer to a cover upload: the course's new image path (site-relative, as stored) and its size.</summary>
public sealed record CoverDto(int CourseId, string CourseImg, int Width, int Height);

