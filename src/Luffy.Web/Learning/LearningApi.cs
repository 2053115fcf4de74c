namespace Luffy.Web.Learning;

public sealed record MyCourse(int CourseId, string CourseName, string CourseImg, int BuyType, DateTime? PayTime, DateTime? OutTime, long? SecondsLeft, bool Expired);

public sealed record LessonContent(int Id, int CourseId, string Name, bool FreeTrail, string Content);

public static class LearningApi
{
    public static WebApplicationBuilder AddLearning(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<LessonAccess>();
        return builder;
    }

    public static IEndpointRouteBuilder MapLearningApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/users/courses/", MyCourses).WithTags("Learning").RequireAuthorization();
        app.MapGet("/courses/{courseId:int}/lessons/{lessonId:int}/", Lesson).WithTags("Learning");
        return app;
    }

    /// <summary>The caller's purchases with the time left; <c>out_time</c> null = permanent.</summary>
    public static async Task<Ok<List<MyCourse>>> MyCourses(HttpContext http, LessonAccess learning) =>
        TypedResults.Ok(await learning.CoursesOfAsync(http.User.UserId()));

    /// <summary>A lesson's content: to everyone for a free preview, otherwise only to an owner whose purchase has not run out (<see cref="LessonAccess"/>).</summary>
    public static async Task<Results<Ok<LessonContent>, NotFound<ApiMessage>, Unauthorized<ApiMessage>, Forbidden<ApiMessage>>> Lesson(
        int courseId, int lessonId, HttpContext http, LessonAccess access)
    {
        var userId = http.User.Identity?.IsAuthenticated == true ? http.User.UserId() : (int?)null;
        var (lesson, refusal) = await access.OpenAsync(courseId, lessonId, userId);
        if (lesson is not null)
            return TypedResults.Ok(lesson);
        var message = LessonAccess.Message(refusal);
        return refusal switch
        {
            LessonRefusal.NotFound => ApiErrors.NotFound(message),
            LessonRefusal.SignIn => ApiErrors.Unauthorized(message),
            _ => ApiErrors.Forbidden(message),
        };
    }
}
