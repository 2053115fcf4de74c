using System.Security.Claims;
using Luffy.Web.Catalog;

namespace Luffy.Web.Admin.Promotions;

/// <summary>The promotions in the admin API: activities, their courses' policies and the price preview.</summary>
public static class PromotionsApi
{
    public static void MapPromotionsApi(this RouteGroupBuilder api)
    {
        var activities = api.MapGroup("/activities");
        activities.MapGet("/", List).WithSummary("The activities, latest start first (state: running, upcoming or ended)");
        activities.MapPost("/", Create).WithSummary("Creates an activity (times ISO 8601 with their offset; start before end)");
        activities.MapGet("/{id:int}", Get).WithSummary("An activity and its courses' price policies");
        activities.MapPut("/{id:int}", Update).WithSummary("Renames an activity or moves its window");
        activities.MapDelete("/{id:int}", Delete).WithSummary("Deletes an activity and its courses' price policies (the courses stay)");
        activities.MapPost("/{id:int}/courses", AddCourse).WithSummary("Puts a course under a discount (限时免费, 限时折扣, 限时减免, 满减) in the activity");
        activities.MapPut("/{id:int}/courses/{courseId:int}", UpdateCourse).WithSummary("Changes a course's discount in the activity");
        activities.MapDelete("/{id:int}/courses/{courseId:int}", RemoveCourse).WithSummary("Takes a course out of the activity");
        activities.MapGet("/{id:int}/preview", Preview).WithSummary("Every option of the activity's courses priced at a moment (default now), with the other activities on them");
    }

    private static async Task<Results<Ok<PagedList<ActivityDto>>, BadRequest<ApiMessage>>> List(PromotionsAdmin service, string? state, int? page, int? size) =>
        await service.ListAsync(state, page, size) switch
        {
            ({ } list, _) => TypedResults.Ok(list),
            (_, var refusal) => ApiErrors.BadRequest(refusal!.Message),
        };

    private static async Task<Results<Created<ActivityDto>, BadRequest<ApiMessage>>> Create(ActivityRequest request, ClaimsPrincipal user, PromotionsAdmin service) =>
        await service.CreateAsync(user, request.Name, request.StartTime?.UtcDateTime, request.EndTime?.UtcDateTime) switch
        {
            ({ } activity, _) => TypedResults.Created($"/admin/api/activities/{activity.Id}", activity),
            (_, var refusal) => ApiErrors.BadRequest(refusal!.Message),
        };

    private static async Task<Results<Ok<ActivityDetailDto>, NotFound<ApiMessage>>> Get(int id, PromotionsAdmin service) =>
        await service.GetAsync(id) switch
        {
            ({ } detail, _) => TypedResults.Ok(detail),
            (_, var refusal) => ApiErrors.NotFound(refusal!.Message),
        };

    private static async Task<Results<Ok<ActivityDto>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> Update(int id, ActivityRequest request, ClaimsPrincipal user, PromotionsAdmin service) =>
        await service.UpdateAsync(user, id, request.Name, request.StartTime?.UtcDateTime, request.EndTime?.UtcDateTime) switch
        {
            ({ } activity, _) => TypedResults.Ok(activity),
            (_, var refusal) => ApiErrors.Refuse<ActivityDto>(refusal!),
        };

    private static async Task<Results<Ok<ActivityDto>, NotFound<ApiMessage>>> Delete(int id, ClaimsPrincipal user, PromotionsAdmin service) =>
        await service.DeleteAsync(user, id) switch
        {
            ({ } activity, _) => TypedResults.Ok(activity),
            (_, var refusal) => ApiErrors.NotFound(refusal!.Message),
        };

    private static async Task<Results<Created<PolicyDto>, BadRequest<ApiMessage>, NotFound<ApiMessage>, Conflict<ApiMessage>>> AddCourse(
        int id, PolicyRequest request, ClaimsPrincipal user, PromotionsAdmin service) =>
        await service.AddCourseAsync(user, id, request.CourseId, request.DiscountType, request.Sale, request.Condition) switch
        {
            ({ } policy, _) => TypedResults.Created($"/admin/api/activities/{id}/courses/{policy.CourseId}", policy),
            (_, { Kind: RefusalKind.NotFound } refusal) => ApiErrors.NotFound(refusal.Message),
            (_, { Kind: RefusalKind.Conflict } refusal) => TypedResults.Conflict(new ApiMessage(refusal.Message)),
            (_, var refusal) => ApiErrors.BadRequest(refusal!.Message),
        };

    private static async Task<Results<Ok<PolicyDto>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> UpdateCourse(
        int id, int courseId, PolicyRequest request, ClaimsPrincipal user, PromotionsAdmin service) =>
        await service.UpdateCourseAsync(user, id, courseId, request.DiscountType, request.Sale, request.Condition) switch
        {
            ({ } policy, _) => TypedResults.Ok(policy),
            (_, var refusal) => ApiErrors.Refuse<PolicyDto>(refusal!),
        };

    private static async Task<Results<Ok<PolicyDto>, NotFound<ApiMessage>>> RemoveCourse(int id, int courseId, ClaimsPrincipal user, PromotionsAdmin service) =>
        await service.RemoveCourseAsync(user, id, courseId) switch
        {
            ({ } policy, _) => TypedResults.Ok(policy),
            (_, var refusal) => ApiErrors.NotFound(refusal!.Message),
        };

    private static async Task<Results<Ok<PreviewDto>, NotFound<ApiMessage>>> Preview(int id, DateTimeOffset? at, PromotionsAdmin service) =>
        await service.PreviewAsync(id, at?.UtcDateTime) switch
        {
            ({ } preview, _) => TypedResults.Ok(preview),
            (_, var refusal) => ApiErrors.NotFound(refusal!.Message),
        };
}
