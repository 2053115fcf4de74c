namespace Luffy.Web.Learning;

/// <summary>Why a lesson is closed to the visitor.</summary>
public enum LessonRefusal
{
    /// <summary>No such lesson in that course (404).</summary>
    NotFound,
    /// <summary>A paid lesson and nobody signed in (401).</summary>
    SignIn,
    /// <summary>A paid lesson of a course the visitor has not bought (403).</summary>
    NotPurchased,
    /// <summary>A paid lesson of a course whose validity has run out (403).</summary>
    Expired,
}

/// <summary>
/// What a student may learn, for the API and the pages alike: the courses bought and their time left, and who may
/// open a lesson (a free preview to everyone, the rest to an owner whose purchase has not run out).
/// </summary>
public sealed class LessonAccess(LuffyDbContext db, TimeProvider clock)
{
    public static string Message(LessonRefusal refusal) => refusal switch
    {
        LessonRefusal.NotFound => "课时不存在",
        LessonRefusal.SignIn => "请先登录并购买课程后学习",
        LessonRefusal.NotPurchased => "您还没有购买这门课程",
        LessonRefusal.Expired => "课程有效期已过，续费后可继续学习",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal)),
    };

    /// <summary>The student's purchases, newest first, with the time left; <c>OutTime</c> null = permanent.</summary>
    public async Task<List<MyCourse>> CoursesOfAsync(int userId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.UserCourses.AsNoTracking().Where(u => u.UserId == userId)
            .Join(db.Courses, u => u.CourseId, c => c.Id, (u, c) => new { u.CourseId, c.Name, c.CourseImg, u.BuyType, u.PayTime, u.OutTime })
            .OrderByDescending(r => r.PayTime)
            .ToListAsync();
        return rows.Select(r => new MyCourse(r.CourseId, r.Name, r.CourseImg, (int)r.BuyType, r.PayTime, r.OutTime,
            r.OutTime is { } end ? Math.Max(0, (long)(end - now).TotalSeconds) : null, r.OutTime is { } until && until <= now)).ToList();
    }

    /// <summary>The lesson's content, or why it is closed to <paramref name="userId"/> (null = not signed in).</summary>
    public async Task<(LessonContent? Lesson, LessonRefusal Refusal)> OpenAsync(int courseId, int lessonId, int? userId)
    {
        var lesson = await db.CourseLessons.AsNoTracking()
            .Where(l => l.Id == lessonId && db.CourseChapters.Any(c => c.Id == l.ChapterId && c.CourseId == courseId))
            .Select(l => new LessonContent(l.Id, courseId, l.Name, l.FreeTrail, l.Content)).SingleOrDefaultAsync();
        if (lesson is null)
            return (null, LessonRefusal.NotFound);
        if (lesson.FreeTrail)
            return (lesson, default);
        var closed = await PaidLessonsClosedAsync(courseId, userId);
        return closed is { } refusal ? (null, refusal) : (lesson, default);
    }

    /// <summary>Why the course's paid lessons are closed to <paramref name="userId"/>, or null when they are open.</summary>
    public async Task<LessonRefusal?> PaidLessonsClosedAsync(int courseId, int? userId)
    {
        if (userId is not { } id)
            return LessonRefusal.SignIn;
        var purchase = await db.UserCourses.AsNoTracking().Where(u => u.UserId == id && u.CourseId == courseId)
            .Select(u => new { u.OutTime }).SingleOrDefaultAsync();
        if (purchase is null)
            return LessonRefusal.NotPurchased;
        if (purchase.OutTime is { } end && end <= clock.GetUtcNow().UtcDateTime)
            return LessonRefusal.Expired;
        return null;
    }
}
