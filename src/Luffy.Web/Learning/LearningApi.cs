namespace Luffy.Web.Learning;

public sealed record MyCourse(int CourseId, string CourseName, string CourseImg, int BuyType, DateTime? PayTime, DateTime? OutTime, long? SecondsLeft, bool Expired);

public sealed record LessonContent(int Id, int CourseId, string Name, bool FreeTrail, string Content);

public static class LearningApi
{
    public static IEndpointRouteBuilder MapLearningApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/users/courses/", MyCourses).WithTags("Learning").RequireAuthorization();
        app.MapGet("/courses/{courseId:int}/lessons/{lessonId:int}/", Lesson).WithTags("Learning");
        return app;
    }

    /// <summary>The caller's purchases with the time left; <c>out_time</c> null = permanent.</summary>
    public static async Task<Ok<List<MyCourse>>> MyCourses(HttpContext http, LuffyDbContext db, TimeProvider clock)
    {
        var userId = http.User.UserId();
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.UserCourses.AsNoTracking().Where(u => u.UserId == userId)
            .Join(db.Courses, u => u.CourseId, c => c.Id, (u, c) => new { u.CourseId, c.Name, c.CourseImg, u.BuyType, u.PayTime, u.OutTime })
            .OrderByDescending(r => r.PayTime)
            .ToListAsync();
        return TypedResults.Ok(rows.Select(r => new MyCourse(r.CourseId, r.Name, r.CourseImg, (int)r.BuyType, r.PayTime, r.OutTime,
            r.OutTime is { } end ? Math.Max(0, (long)(end - now).TotalSeconds) : null, r.OutTime is { } until && until <= now)).ToList());
    }

    /// <summary>A lesson's content: to everyone for a free preview, otherwise only to an owner whose purchase has not run out.</summary>
    public static async Task<Results<Ok<LessonContent>, NotFound<ApiMessage>, Unauthorized<ApiMessage>, Forbidden<ApiMessage>>> Lesson(
        int courseId, int lessonId, HttpContext http, LuffyDbContext db, TimeProvider clock)
    {
        var lesson = await db.CourseLessons.AsNoTracking()
            .Where(l => l.Id == lessonId && db.CourseChapters.Any(c => c.Id == l.ChapterId && c.CourseId == courseId))
            .Select(l => new LessonContent(l.Id, courseId, l.Name, l.FreeTrail, l.Content)).SingleOrDefaultAsync();
        if (lesson is null)
            return ApiErrors.NotFound("课时不存在");
        if (lesson.FreeTrail)
            return TypedResults.Ok(lesson);
        if (http.User.Identity?.IsAuthenticated != true)
            return ApiErrors.Unauthorized("请先登录并购买课程后学习");
        var userId = http.User.UserId();
        var purchase = await db.UserCourses.AsNoTracking().Where(u => u.UserId == userId && u.CourseId == courseId)
            .Select(u => new { u.OutTime }).SingleOrDefaultAsync();
        if (purchase is null)
            return ApiErrors.Forbidden("您还没有购买这门课程");
        if (purchase.OutTime is { } end && end <= clock.GetUtcNow().UtcDateTime)
            return ApiErrors.Forbidden("课程有效期已过，续费后可继续学习");
        return TypedResults.Ok(lesson);
    }
}
