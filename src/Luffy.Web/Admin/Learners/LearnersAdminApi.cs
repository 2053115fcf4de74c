using System.Security.Claims;
using Luffy.Web.Catalog;

namespace Luffy.Web.Admin.Learners;

public static class LearnersAdminApi
{
    public static void MapLearnersAdminApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users");
        users.MapGet("/", async (string? q, int? page, LearnersAdmin service) => TypedResults.Ok(await service.SearchAsync(q, page ?? 1)))
            .WithSummary("Users whose username or mobile contains q, newest first, paged");
        users.MapGet("/{id:int}", async Task<Results<Ok<LearnerDetail>, NotFound<ApiMessage>>> (int id, LearnersAdmin service) =>
            await service.DetailAsync(id) is { } detail ? TypedResults.Ok(detail) : ApiErrors.NotFound("用户不存在"))
            .WithSummary("A user's newest orders, purchases with validity, coupons and newest credit ledger rows");
        users.MapPost("/{id:int}/credits", async (int id, AdjustCreditRequest request, ClaimsPrincipal user, LearnersAdmin service) =>
            Answer(await service.AdjustCreditAsync(user, id, request.Delta, request.Reason)))
            .WithSummary("Adds to (or takes from) the user's credits with a reason; refused below 0");
        users.MapPost("/{id:int}/courses", async (int id, GrantCourseRequest request, ClaimsPrincipal user, LearnersAdmin service) =>
            Answer(await service.GrantCourseAsync(user, id, request.CourseId, request.Days)))
            .WithSummary("Gives the user a course (系统赠送) for days more (0 = permanent), extended like a purchase");
        users.MapPost("/{id:int}/disable", async (int id, ClaimsPrincipal user, LearnersAdmin service) =>
            Answer(await service.SetDisabledAsync(user, id, disabled: true)))
            .WithSummary("Disables the account: login refused, its tokens and cookies stop working at once");
        users.MapPost("/{id:int}/enable", async (int id, ClaimsPrincipal user, LearnersAdmin service) =>
            Answer(await service.SetDisabledAsync(user, id, disabled: false)))
            .WithSummary("Enables a disabled account");
    }

    private static Results<Ok<T>, BadRequest<ApiMessage>, NotFound<ApiMessage>> Answer<T>((T? Value, Refusal? Refusal) outcome) where T : class =>
        outcome.Value is { } value ? TypedResults.Ok(value) : ApiErrors.Refuse<T>(outcome.Refusal!);
}
