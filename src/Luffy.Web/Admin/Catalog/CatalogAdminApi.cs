using System.Security.Claims;
using Luffy.Web.Catalog;

namespace Luffy.Web.Admin.Catalog;

/// <summary>The catalog in the admin API: categories, courses and their covers, validity options, chapters, lessons.</summary>
public static class CatalogAdminApi
{
    // The cover's form: the file and the multipart framing around it.
    private const long CoverBodyBytes = CoverImages.MaxBytes + 64 * 1024;

    /// <summary>The catalog's back-office services: the one service of the pages and the API, and the covers' storage.</summary>
    public static IServiceCollection AddCatalogAdmin(this IServiceCollection services) =>
        services.AddScoped<CatalogAdmin>().AddSingleton<CoverImages>();

    public static void MapCatalogAdminApi(this RouteGroupBuilder api)
    {
        api.MapGet("/categories", async (CatalogAdmin catalog) => TypedResults.Ok(await catalog.CategoriesAsync()))
            .WithSummary("The course categories in order, with how many courses each has");
        api.MapPost("/categories", async (CategoryRequest request, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Created(await catalog.CreateCategoryAsync(user, request), c => $"/admin/api/categories/{c.Id}")).WithSummary("Creates a category");
        api.MapPut("/categories/{id:int}", async (int id, CategoryRequest request, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Answer(await catalog.UpdateCategoryAsync(user, id, request))).WithSummary("Renames a category or sets its order");
        api.MapDelete("/categories/{id:int}", async (int id, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Answer(await catalog.DeleteCategoryAsync(user, id))).WithSummary("Deletes a category no course is in (409 otherwise)");

        api.MapGet("/courses", async Task<Results<Ok<PagedList<AdminCourseDto>>, BadRequest<ApiMessage>>> (
                CatalogAdmin catalog, string? name, int? category, bool? on_sale, int? page, int? size) =>
            await catalog.CoursesAsync(new CourseFilter(name, category, on_sale), page, size) switch
            {
                ({ } list, _) => TypedResults.Ok(list),
                (_, var error) => ApiErrors.BadRequest(error!),
            }).WithSummary("The courses, on sale or not, in listing order: search by name, filter by category and sale, paged");
        api.MapGet("/courses/{id:int}", async Task<Results<Ok<AdminCourseDetail>, NotFound<ApiMessage>>> (int id, CatalogAdmin catalog) =>
            await catalog.CourseAsync(id) is { } course ? TypedResults.Ok(course) : ApiErrors.NotFound("课程不存在"))
            .WithSummary("A course with all its validity options, chapters and lessons");
        api.MapPost("/courses", async (CourseRequest request, ClaimsPrincipal user, CatalogAdmin catalog, TimeProvider clock) =>
            Created(await catalog.CreateCourseAsync(user, request, clock.GetUtcNow().UtcDateTime), c => $"/admin/api/courses/{c.Id}"))
            .WithSummary("Creates a course (sold permanently at its price unless permanent_on_sale is false)");
        api.MapPut("/courses/{id:int}", async (int id, CourseRequest request, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Answer(await catalog.UpdateCourseAsync(user, id, request))).WithSummary("Edits a course; fields left out keep their values");
        api.MapPut("/courses/{id:int}/cover", Cover)
            .WithMetadata(new RequestSizeLimitAttribute(CoverBodyBytes))
            .WithFormOptions(multipartBodyLengthLimit: CoverBodyBytes)
            // The form binding asks for an antiforgery token by default; the admin API is authenticated by the JWT
            // header only, which another site cannot make a browser send, so there is no cross-site post to stop.
            .DisableAntiforgery()
            .WithSummary("Uploads a course's cover (multipart field 'file': PNG, JPEG or WebP, at most 2 MB; resized to fit 700×460)");

        api.MapPost("/courses/{id:int}/expires", async (int id, ExpireRequest request, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Created(await catalog.AddExpireAsync(user, id, request), e => $"/admin/api/expires/{e.Id}")).WithSummary("Adds a validity option (days, text, price)");
        api.MapPut("/expires/{id:int}", async (int id, ExpireRequest request, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Answer(await catalog.UpdateExpireAsync(user, id, request)))
            .WithSummary("Edits a validity option's text or price, or takes it off sale (never the last one of a course on sale)");

        api.MapPost("/courses/{id:int}/chapters", async (int id, ChapterRequest request, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Created(await catalog.AddChapterAsync(user, id, request), c => $"/admin/api/chapters/{c.Id}")).WithSummary("Adds a chapter (at the end, or at 'chapter')");
        api.MapPut("/chapters/{id:int}", async (int id, ChapterRequest request, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Answer(await catalog.UpdateChapterAsync(user, id, request))).WithSummary("Renames a chapter or moves it to place 'chapter'");
        api.MapDelete("/chapters/{id:int}", async (int id, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Answer(await catalog.DeleteChapterAsync(user, id))).WithSummary("Deletes a chapter and its lessons");

        api.MapPost("/chapters/{id:int}/lessons", async (int id, LessonRequest request, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Created(await catalog.AddLessonAsync(user, id, request), l => $"/admin/api/lessons/{l.Id}")).WithSummary("Adds a lesson (at the end, or at 'lesson')");
        api.MapPut("/lessons/{id:int}", async (int id, LessonRequest request, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Answer(await catalog.UpdateLessonAsync(user, id, request))).WithSummary("Edits a lesson or moves it to place 'lesson' in its chapter");
        api.MapDelete("/lessons/{id:int}", async (int id, ClaimsPrincipal user, CatalogAdmin catalog) =>
            Answer(await catalog.DeleteLessonAsync(user, id))).WithSummary("Deletes a lesson");
    }

    private static async Task<Results<Ok<CoverDto>, BadRequest<ApiMessage>, NotFound<ApiMessage>, JsonStatus413, JsonStatus415>> Cover(
        int id, IFormFile? file, ClaimsPrincipal user, CatalogAdmin catalog)
    {
        if (file is null)
            return ApiErrors.BadRequest("请在表单字段 file 中上传封面图片");
        await using var content = file.OpenReadStream();
        return await catalog.ReplaceCoverAsync(user, id, content, file.Length) switch
        {
            ({ } cover, _) => TypedResults.Ok(cover),
            (_, { Problem: CoverProblem.CourseMissing } r) => ApiErrors.NotFound(r.Message),
            (_, { Problem: CoverProblem.TooLarge } r) => new JsonStatus413(new ApiMessage(r.Message)),
            (_, { Problem: CoverProblem.NotAnImage } r) => new JsonStatus415(new ApiMessage(r.Message)),
            (_, var r) => ApiErrors.BadRequest(r!.Message),
        };
    }

    private static Results<Ok<T>, BadRequest<ApiMessage>, NotFound<ApiMessage>, Conflict<ApiMessage>> Answer<T>((T? Value, Refusal? Refusal) outcome) =>
        outcome.Value is { } value ? TypedResults.Ok(value) : ApiErrors.RefuseOrConflict<T>(outcome.Refusal!);

    private static Results<Created<T>, BadRequest<ApiMessage>, NotFound<ApiMessage>, Conflict<ApiMessage>> Created<T>((T? Value, Refusal? Refusal) outcome, Func<T, string> location) =>
        outcome.Value is { } value ? TypedResults.Created(location(value), value) : outcome.Refusal!.Kind switch
        {
            RefusalKind.NotFound => ApiErrors.NotFound(outcome.Refusal.Message),
            RefusalKind.Conflict => TypedResults.Conflict(new ApiMessage(outcome.Refusal.Message)),
            _ => ApiErrors.BadRequest(outcome.Refusal.Message),
        };
}

/// <summary>413 with <c>{message}</c>: the upload is larger than the endpoint takes.</summary>
public sealed class JsonStatus413(ApiMessage value) : JsonStatusResult<ApiMessage>(StatusCodes.Status413PayloadTooLarge, value), Microsoft.AspNetCore.Http.Metadata.IEndpointMetadataProvider
{
    static void Microsoft.AspNetCore.Http.Metadata.IEndpointMetadataProvider.PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        Produces(builder, StatusCodes.Status413PayloadTooLarge);
}

/// <summary>415 with <c>{message}</c>: the upload is not of a type the endpoint takes.</summary>
public sealed class JsonStatus415(ApiMessage value) : JsonStatusResult<ApiMessage>(StatusCodes.Status415UnsupportedMediaType, value), Microsoft.AspNetCore.Http.Metadata.IEndpointMetadataProvider
{
    static void Microsoft.AspNetCore.Http.Metadata.IEndpointMetadataProvider.PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        Produces(builder, StatusCodes.Status415UnsupportedMediaType);
}
