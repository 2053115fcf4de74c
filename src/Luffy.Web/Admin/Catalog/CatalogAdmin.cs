using System.Security.Claims;
using Luffy.Infrastructure.Catalog;
using Luffy.Web.Catalog;
using static Luffy.Web.Admin.Catalog.CatalogAdminRules;

namespace Luffy.Web.Admin.Catalog;

/// <summary>
/// The back office's catalog: categories, courses, their validity options, chapters and lessons, for the admin pages and
/// the admin API alike. Every write checks its input before it changes anything, is saved with its audit entry in one
/// SaveChanges, and then empties the catalog cache on every instance (<see cref="CatalogCache.Changed"/>), so the
/// storefront, the carts and open checkouts see it at once.
/// </summary>
public sealed class CatalogAdmin(LuffyDbContext db, AuditLog audit, CatalogCache cache, CoverImages covers)
{
    private const string CourseMissing = "课程不存在";

    // ---- categories

    public Task<List<AdminCategoryDto>> CategoriesAsync() =>
        db.CourseCategories.AsNoTracking().OrderBy(c => c.Orders).ThenBy(c => c.Id)
            .Select(c => new AdminCategoryDto(c.Id, c.Name, c.Orders, db.Courses.Count(x => x.CategoryId == c.Id))).ToListAsync();

    public async Task<(AdminCategoryDto? Category, Refusal? Refusal)> CreateCategoryAsync(ClaimsPrincipal actor, CategoryRequest request)
    {
        if (await CategoryErrorAsync(request, null) is { } error)
            return (null, Refusal.Invalid(error));
        var category = new CourseCategory { Name = request.Name!.Trim(), Orders = request.Orders ?? 0 };
        db.CourseCategories.Add(category);
        // The new row first (its id goes into the audit entry), both committed together.
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.SaveChangesAsync();
        var dto = Dto(category, 0);
        audit.Add(actor, "category.create", "category", category.Id, null, dto);
        await SaveAsync(transaction);
        return (dto, null);
    }

    /// <summary>Renames a category or sets its order (a field left out is kept).</summary>
    public async Task<(AdminCategoryDto? Category, Refusal? Refusal)> UpdateCategoryAsync(ClaimsPrincipal actor, int id, CategoryRequest request)
    {
        var category = await db.CourseCategories.FindAsync(id);
        if (category is null)
            return (null, Refusal.NotFound("分类不存在"));
        request = request with { Name = request.Name ?? category.Name };
        if (await CategoryErrorAsync(request, id) is { } error)
            return (null, Refusal.Invalid(error));
        var courses = await db.Courses.CountAsync(c => c.CategoryId == id);
        var before = Dto(category, courses);
        category.Name = request.Name!.Trim();
        category.Orders = request.Orders ?? category.Orders;
        var after = Dto(category, courses);
        audit.Add(actor, "category.update", "category", id, before, after);
        await SaveAsync();
        return (after, null);
    }

    /// <summary>Deletes a category that no course is in.</summary>
    public async Task<(AdminCategoryDto? Category, Refusal? Refusal)> DeleteCategoryAsync(ClaimsPrincipal actor, int id)
    {
        var category = await db.CourseCategories.FindAsync(id);
        if (category is null)
            return (null, Refusal.NotFound("分类不存在"));
        var courses = await db.Courses.CountAsync(c => c.CategoryId == id);
        if (courses > 0)
            return (null, Refusal.Conflict($"分类“{category.Name}”下还有 {courses} 门课程，请先把它们移到其他分类"));
        var before = Dto(category, 0);
        db.CourseCategories.Remove(category);
        audit.Add(actor, "category.delete", "category", id, before, null);
        try
        {
            await SaveAsync();
        }
        catch (DbUpdateException)
        {
            // A course was put into it between the count and the delete: the foreign key refused.
            return (null, Refusal.Conflict($"分类“{before.Name}”下刚刚添加了课程，不能删除"));
        }
        return (before, null);
    }

    private async Task<string?> CategoryErrorAsync(CategoryRequest request, int? id) =>
        First(Text(request.Name, "分类名称", 50), ListingOrder(request.Orders))
        ?? (await db.CourseCategories.AnyAsync(c => c.Name == request.Name!.Trim() && c.Id != id) ? "已有同名分类" : null);

    private static AdminCategoryDto Dto(CourseCategory c, int courses) => new(c.Id, c.Name, c.Orders, courses);

    // ---- courses

    /// <summary>The courses' table: filtered, in listing order (then the oldest first), one page.</summary>
    public async Task<(PagedList<AdminCourseDto>? Page, string? Error)> CoursesAsync(CourseFilter filter, int? page, int? size)
    {
        var (p, error) = ListPage.From(page, size, defaultSize: 20, maxSize: 100);
        if (error is not null)
            return (null, error);
        var query = db.Courses.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Name))
            query = query.Where(c => c.Name.Contains(filter.Name.Trim()));
        if (filter.CategoryId is { } category)
            query = query.Where(c => c.CategoryId == category);
        if (filter.OnSale is { } onSale)
            query = query.Where(c => c.IsOnSale == onSale);
        var count = await query.CountAsync();
        var rows = await query.OrderBy(c => c.Orders).ThenBy(c => c.Id).Skip(p.Offset).Take(p.Size)
            .Select(c => new { Course = c, CategoryName = c.Category!.Name }).ToListAsync();
        return (new PagedList<AdminCourseDto>(count, p.Number, p.Size, rows.Select(r => Dto(r.Course, r.CategoryName)).ToList()), null);
    }

    public async Task<AdminCourseDetail?> CourseAsync(int id)
    {
        var course = await db.Courses.AsNoTracking().AsSplitQuery().Include(c => c.Category).Include(c => c.Expires)
            .Include(c => c.Chapters).ThenInclude(ch => ch.Lessons).FirstOrDefaultAsync(c => c.Id == id);
        if (course is null)
            return null;
        return new AdminCourseDetail(
            Dto(course, course.Category!.Name),
            course.Expires.OrderBy(e => e.ExpireTime).Select(Dto).ToList(),
            course.Chapters.OrderBy(ch => ch.Chapter).ThenBy(ch => ch.Id).Select(Dto).ToList());
    }

    public async Task<(AdminCourseDto? Course, Refusal? Refusal)> CreateCourseAsync(ClaimsPrincipal actor, CourseRequest request, DateTime now)
    {
        var course = new Course { Name = "", CreatedAt = now };
        if (await ApplyAsync(course, request, hasTimedOption: false) is { } refusal)
            return (null, refusal);
        db.Courses.Add(course);
        // The new row first (its id goes into the audit entry), both committed together.
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.SaveChangesAsync();
        var dto = await DtoAsync(course);
        audit.Add(actor, "course.create", "course", course.Id, null, dto);
        await SaveAsync(transaction);
        return (dto, null);
    }

    /// <summary>Edits a course; a field left out keeps its value (the name and the price are always given back by the forms).</summary>
    public async Task<(AdminCourseDto? Course, Refusal? Refusal)> UpdateCourseAsync(ClaimsPrincipal actor, int id, CourseRequest request)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (!await LockCourseAsync(id))
            return (null, Refusal.NotFound(CourseMissing));
        var course = (await db.Courses.FindAsync(id))!;
        var before = await DtoAsync(course);
        var merged = new CourseRequest(
            request.Name ?? course.Name, request.CategoryId ?? course.CategoryId, request.Teacher ?? course.Teacher, request.Brief ?? course.Brief,
            request.Price ?? course.Price.Yuan, request.IsOnSale ?? course.IsOnSale, request.PermanentOnSale ?? course.PermanentOnSale, request.Orders ?? course.Orders);
        var timed = await db.CourseExpires.AnyAsync(e => e.CourseId == id && e.IsOnSale);
        if (await ApplyAsync(course, merged, timed) is { } refusal)
            return (null, refusal);
        var after = await DtoAsync(course);
        audit.Add(actor, "course.update", "course", id, before, after);
        await SaveAsync(transaction);
        return (after, null);
    }

    /// <summary>
    /// Stores an uploaded cover (<see cref="CoverImages"/>: checked by its content, resized, re-encoded) and points the
    /// course at it. The old file stays: pages already open may still show it.
    /// </summary>
    public async Task<(CoverDto? Cover, CoverRefusal? Refusal)> ReplaceCoverAsync(ClaimsPrincipal actor, int id, Stream content, long length)
    {
        var course = await db.Courses.FindAsync(id);
        if (course is null)
            return (null, new(CoverProblem.CourseMissing, CourseMissing));
        var (stored, refusal) = await covers.StoreAsync(content, length);
        if (stored is null)
            return (null, refusal);
        var before = await DtoAsync(course);
        course.CourseImg = stored.Url;
        audit.Add(actor, "course.cover", "course", id, before, await DtoAsync(course));
        await SaveAsync();
        return (new CoverDto(id, stored.Url, stored.Width, stored.Height), null);
    }

    // Checks the whole request, then copies it onto the course (nothing is copied when a check fails).
    private async Task<Refusal?> ApplyAsync(Course course, CourseRequest r, bool hasTimedOption)
    {
        if (First(Text(r.Name, "课程名称", 100), Text(r.Teacher, "讲师", 50, required: false), Text(r.Brief, "简介", 4000, required: false),
                Price(r.Price, "课程价格"), ListingOrder(r.Orders), r.CategoryId is null ? "请选择分类" : null) is { } error)
            return Refusal.Invalid(error);
        if (!await db.CourseCategories.AnyAsync(c => c.Id == r.CategoryId))
            return Refusal.Invalid("所选分类不存在");
        var (onSale, permanent) = (r.IsOnSale ?? true, r.PermanentOnSale ?? true);
        if (onSale && !permanent && !hasTimedOption)
            return Refusal.Conflict("上架的课程至少要有一个在售的有效期：请保留永久有效，或先添加一个有效期");
        course.Name = r.Name!.Trim();
        course.CategoryId = r.CategoryId!.Value;
        course.Teacher = r.Teacher?.Trim() ?? "";
        course.Brief = r.Brief?.Trim() ?? "";
        course.Price = Money.FromYuan(r.Price!.Value);
        course.IsOnSale = onSale;
        course.PermanentOnSale = permanent;
        course.Orders = r.Orders ?? 0;
        return null;
    }

    private async Task<AdminCourseDto> DtoAsync(Course c) =>
        Dto(c, await db.CourseCategories.Where(x => x.Id == c.CategoryId).Select(x => x.Name).FirstOrDefaultAsync() ?? "");

    private static AdminCourseDto Dto(Course c, string categoryName) => new(
        c.Id, c.Name, c.CategoryId, categoryName, c.Teacher, c.Brief, c.Price.Yuan, c.IsOnSale, c.PermanentOnSale, c.Orders, c.CourseImg, c.Students);

    // ---- validity options

    public async Task<(AdminExpireDto? Expire, Refusal? Refusal)> AddExpireAsync(ClaimsPrincipal actor, int courseId, ExpireRequest request)
    {
        if (!await db.Courses.AnyAsync(c => c.Id == courseId))
            return (null, Refusal.NotFound(CourseMissing));
        if (First(Days(request.ExpireTime), Text(request.ExpireText, "有效期说明", 50, required: false), Price(request.Price, "有效期价格")) is { } error)
            return (null, Refusal.Invalid(error));
        if (await db.CourseExpires.AnyAsync(e => e.CourseId == courseId && e.ExpireTime == request.ExpireTime))
            return (null, Refusal.Conflict($"该课程已有 {request.ExpireTime} 天的有效期，请修改它"));
        var days = request.ExpireTime!.Value;
        var expire = new CourseExpire
        {
            CourseId = courseId,
            ExpireTime = days,
            ExpireText = string.IsNullOrWhiteSpace(request.ExpireText) ? Luffy.Domain.Catalog.Validity.DefaultText(days) : request.ExpireText.Trim(),
            Price = Money.FromYuan(request.Price!.Value),
            IsOnSale = request.IsOnSale ?? true,
        };
        db.CourseExpires.Add(expire);
        // The new row first (its id goes into the audit entry), both committed together.
        await using var transaction = await db.Database.BeginTransactionAsync();
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Another operator added the same days in the meantime: the unique (course, days) refused.
            return (null, Refusal.Conflict($"该课程已有 {days} 天的有效期，请修改它"));
        }
        var dto = Dto(expire);
        audit.Add(actor, "expire.create", "expire", expire.Id, null, dto);
        await SaveAsync(transaction);
        return (dto, null);
    }

    /// <summary>Edits an option's text, price or sale (its days stay: orders and carts name the option by them).</summary>
    public async Task<(AdminExpireDto? Expire, Refusal? Refusal)> UpdateExpireAsync(ClaimsPrincipal actor, int id, ExpireRequest request)
    {
        var courseId = await db.CourseExpires.Where(e => e.Id == id).Select(e => (int?)e.CourseId).FirstOrDefaultAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (courseId is null || !await LockCourseAsync(courseId.Value) || await db.CourseExpires.FindAsync(id) is not { } expire)
            return (null, Refusal.NotFound("有效期不存在"));
        if (request.ExpireTime is { } days && days != expire.ExpireTime)
            return (null, Refusal.Invalid("有效天数创建后不能修改：请下架它并添加新的有效期"));
        var price = request.Price ?? expire.Price.Yuan;
        if (First(Text(request.ExpireText ?? expire.ExpireText, "有效期说明", 50), Price(price, "有效期价格")) is { } error)
            return (null, Refusal.Invalid(error));
        var onSale = request.IsOnSale ?? expire.IsOnSale;
        if (!onSale && expire.IsOnSale && await WouldLeaveNothingOnSaleAsync(expire.CourseId, id))
            return (null, Refusal.Conflict("这是上架课程最后一个在售的有效期，不能下架：请先上架其他有效期或永久有效，或先下架课程"));
        var before = Dto(expire);
        expire.ExpireText = (request.ExpireText ?? expire.ExpireText).Trim();
        expire.Price = Money.FromYuan(price);
        expire.IsOnSale = onSale;
        var after = Dto(expire);
        audit.Add(actor, "expire.update", "expire", id, before, after);
        await SaveAsync(transaction);
        return (after, null);
    }

    // Holds the course's row until the transaction ends (an UPDATE that changes nothing still takes the row's lock; on
    // SQLite the transaction already holds the write lock), so that two operators cannot each take off sale one of the
    // last two options, both having seen the other still on sale. False when there is no such course.
    private async Task<bool> LockCourseAsync(int courseId) =>
        await db.Courses.Where(c => c.Id == courseId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Orders, c => c.Orders)) == 1;

    // True when the course is on sale, sells no permanent option, and this option is its last one on sale.
    private async Task<bool> WouldLeaveNothingOnSaleAsync(int courseId, int expireId) =>
        await db.Courses.AnyAsync(c => c.Id == courseId && c.IsOnSale && !c.PermanentOnSale)
        && !await db.CourseExpires.AnyAsync(e => e.CourseId == courseId && e.IsOnSale && e.Id != expireId);

    private static AdminExpireDto Dto(CourseExpire e) => new(e.Id, e.CourseId, e.ExpireTime, e.ExpireText, e.Price.Yuan, e.IsOnSale);

    // ---- chapters

    public async Task<(AdminChapterDto? Chapter, Refusal? Refusal)> AddChapterAsync(ClaimsPrincipal actor, int courseId, ChapterRequest request)
    {
        if (!await db.Courses.AnyAsync(c => c.Id == courseId))
            return (null, Refusal.NotFound(CourseMissing));
        var chapters = await db.CourseChapters.Where(ch => ch.CourseId == courseId).OrderBy(ch => ch.Chapter).ThenBy(ch => ch.Id).ToListAsync();
        if (First(Text(request.Name, "章节名称", 100), Text(request.Summary, "章节简介", 1000, required: false), Place(request.Chapter, chapters.Count + 1, "章节")) is { } error)
            return (null, Refusal.Invalid(error));
        var chapter = new CourseChapter { CourseId = courseId, Name = request.Name!.Trim(), Summary = request.Summary?.Trim() ?? "" };
        chapters.Insert((request.Chapter ?? chapters.Count + 1) - 1, chapter);
        Renumber(chapters, (ch, n) => ch.Chapter = n);
        db.CourseChapters.Add(chapter);
        // The new row first (its id goes into the audit entry), both committed together.
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.SaveChangesAsync();
        var dto = Dto(chapter);
        audit.Add(actor, "chapter.create", "chapter", chapter.Id, null, dto);
        await SaveAsync(transaction);
        return (dto, null);
    }

    /// <summary>Renames a chapter and, with <c>Chapter</c>, moves it to that place.</summary>
    public async Task<(AdminChapterDto? Chapter, Refusal? Refusal)> UpdateChapterAsync(ClaimsPrincipal actor, int id, ChapterRequest request)
    {
        var chapter = await db.CourseChapters.Include(ch => ch.Lessons).FirstOrDefaultAsync(ch => ch.Id == id);
        if (chapter is null)
            return (null, Refusal.NotFound("章节不存在"));
        var chapters = await db.CourseChapters.Where(ch => ch.CourseId == chapter.CourseId).OrderBy(ch => ch.Chapter).ThenBy(ch => ch.Id).ToListAsync();
        if (First(Text(request.Name ?? chapter.Name, "章节名称", 100), Text(request.Summary, "章节简介", 1000, required: false), Place(request.Chapter, chapters.Count, "章节")) is { } error)
            return (null, Refusal.Invalid(error));
        var before = Dto(chapter);
        chapter.Name = (request.Name ?? chapter.Name).Trim();
        chapter.Summary = (request.Summary ?? chapter.Summary).Trim();
        Move(chapters, chapter, request.Chapter, (ch, n) => ch.Chapter = n);
        var after = Dto(chapter);
        audit.Add(actor, "chapter.update", "chapter", id, before, after);
        await SaveAsync();
        return (after, null);
    }

    /// <summary>Deletes a chapter with its lessons; the chapters after it move up.</summary>
    public async Task<(AdminChapterDto? Chapter, Refusal? Refusal)> DeleteChapterAsync(ClaimsPrincipal actor, int id)
    {
        var chapter = await db.CourseChapters.Include(ch => ch.Lessons).FirstOrDefaultAsync(ch => ch.Id == id);
        if (chapter is null)
            return (null, Refusal.NotFound("章节不存在"));
        var before = Dto(chapter);
        var rest = await db.CourseChapters.Where(ch => ch.CourseId == chapter.CourseId && ch.Id != id).OrderBy(ch => ch.Chapter).ThenBy(ch => ch.Id).ToListAsync();
        Renumber(rest, (ch, n) => ch.Chapter = n);
        db.CourseChapters.Remove(chapter);
        audit.Add(actor, "chapter.delete", "chapter", id, before, null);
        await SaveAsync();
        return (before, null);
    }

    private static AdminChapterDto Dto(CourseChapter ch) =>
        new(ch.Id, ch.CourseId, ch.Chapter, ch.Name, ch.Summary, ch.Lessons.OrderBy(l => l.Lesson).ThenBy(l => l.Id).Select(Dto).ToList());

    // ---- lessons

    public async Task<(AdminLessonDto? Lesson, Refusal? Refusal)> AddLessonAsync(ClaimsPrincipal actor, int chapterId, LessonRequest request)
    {
        if (!await db.CourseChapters.AnyAsync(ch => ch.Id == chapterId))
            return (null, Refusal.NotFound("章节不存在"));
        var lessons = await db.CourseLessons.Where(l => l.ChapterId == chapterId).OrderBy(l => l.Lesson).ThenBy(l => l.Id).ToListAsync();
        if (LessonError(request, request.Name, lessons.Count + 1) is { } error)
            return (null, Refusal.Invalid(error));
        var lesson = new CourseLesson { ChapterId = chapterId, Name = "" };
        Copy(request, lesson);
        lessons.Insert((request.Lesson ?? lessons.Count + 1) - 1, lesson);
        Renumber(lessons, (l, n) => l.Lesson = n);
        db.CourseLessons.Add(lesson);
        // The new row first (its id goes into the audit entry), both committed together.
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.SaveChangesAsync();
        var dto = Dto(lesson);
        audit.Add(actor, "lesson.create", "lesson", lesson.Id, null, dto);
        await SaveAsync(transaction);
        return (dto, null);
    }

    /// <summary>Edits a lesson (a field left out keeps its value) and, with <c>Lesson</c>, moves it to that place in its chapter.</summary>
    public async Task<(AdminLessonDto? Lesson, Refusal? Refusal)> UpdateLessonAsync(ClaimsPrincipal actor, int id, LessonRequest request)
    {
        var lesson = await db.CourseLessons.FindAsync(id);
        if (lesson is null)
            return (null, Refusal.NotFound("课时不存在"));
        var lessons = await db.CourseLessons.Where(l => l.ChapterId == lesson.ChapterId).OrderBy(l => l.Lesson).ThenBy(l => l.Id).ToListAsync();
        var merged = new LessonRequest(request.Name ?? lesson.Name, request.Duration ?? lesson.Duration, request.FreeTrail ?? lesson.FreeTrail,
            request.Content ?? lesson.Content, request.VideoUrl ?? lesson.VideoUrl, request.Lesson);
        if (LessonError(merged, merged.Name, lessons.Count) is { } error)
            return (null, Refusal.Invalid(error));
        var before = Dto(lesson);
        Copy(merged, lesson);
        Move(lessons, lesson, request.Lesson, (l, n) => l.Lesson = n);
        var after = Dto(lesson);
        audit.Add(actor, "lesson.update", "lesson", id, before, after);
        await SaveAsync();
        return (after, null);
    }

    public async Task<(AdminLessonDto? Lesson, Refusal? Refusal)> DeleteLessonAsync(ClaimsPrincipal actor, int id)
    {
        var lesson = await db.CourseLessons.FindAsync(id);
        if (lesson is null)
            return (null, Refusal.NotFound("课时不存在"));
        var before = Dto(lesson);
        var rest = await db.CourseLessons.Where(l => l.ChapterId == lesson.ChapterId && l.Id != id).OrderBy(l => l.Lesson).ThenBy(l => l.Id).ToListAsync();
        Renumber(rest, (l, n) => l.Lesson = n);
        db.CourseLessons.Remove(lesson);
        audit.Add(actor, "lesson.delete", "lesson", id, before, null);
        await SaveAsync();
        return (before, null);
    }

    private static string? LessonError(LessonRequest r, string? name, int places) =>
        First(Text(name, "课时名称", 100), Text(r.Duration, "时长", 20, required: false), Text(r.Content, "课时内容", 20000, required: false),
            VideoUrl(r.VideoUrl), Place(r.Lesson, places, "课时"));

    private static void Copy(LessonRequest r, CourseLesson lesson)
    {
        lesson.Name = r.Name!.Trim();
        lesson.Duration = r.Duration?.Trim() ?? "";
        lesson.FreeTrail = r.FreeTrail ?? false;
        lesson.Content = r.Content?.Trim() ?? "";
        lesson.VideoUrl = r.VideoUrl?.Trim() ?? "";
    }

    private static AdminLessonDto Dto(CourseLesson l) => new(l.Id, l.ChapterId, l.Lesson, l.Name, l.Duration, l.FreeTrail, l.Content, l.VideoUrl);

    // ---- order and saving

    // Moves the item to the place (1 = first) among its siblings, then numbers them all 1, 2, 3 … in that order.
    private static void Move<T>(List<T> items, T item, int? place, Action<T, int> number)
    {
        if (place is { } p)
        {
            items.Remove(item);
            items.Insert(p - 1, item);
        }
        Renumber(items, number);
    }

    private static void Renumber<T>(List<T> items, Action<T, int> number)
    {
        for (var i = 0; i < items.Count; i++)
            number(items[i], i + 1);
    }

    // The change and its audit entry in one SaveChanges; then every instance's catalog cache is emptied.
    private async Task SaveAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? transaction = null)
    {
        await db.SaveChangesAsync();
        if (transaction is not null)
            await transaction.CommitAsync();
        cache.Changed();
    }
}
