using System.Security.Claims;

namespace Luffy.Web.Admin.Reconciliation;

public static class ReconciliationAdminApi
{
    public static void MapReconciliationAdminApi(this RouteGroupBuilder api)
    {
        var reconciliation = api.MapGroup("/reconciliation");
        reconciliation.MapGet("/", async Task<Results<Ok<ReconciliationDay>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> (string? date, ReconciliationAdmin service) =>
            {
                var (day, refusal) = ReconciliationAdmin.ParseDate(date);
                if (refusal is not null)
                    return ApiErrors.BadRequest(refusal.Message);
                return await service.DayAsync(day!.Value) is { } found ? TypedResults.Ok(found) : ApiErrors.NotFound("该日尚未对账");
            })
            .WithSummary("A day's reconciliation (date=yyyy-MM-dd, a China day): its run (state, bill rows, mismatches, error) and its mismatches");
        reconciliation.MapGet("/runs", async (ReconciliationAdmin service) => TypedResults.Ok(await service.RunsAsync()))
            .WithSummary("The newest reconciliation runs, latest bill date first");
        reconciliation.MapPost("/{date}/run", async Task<Results<Ok<ReconciliationDay>, BadRequest<ApiMessage>, NotFound<ApiMessage>, Conflict<ApiMessage>>> (
                string date, ClaimsPrincipal user, ReconciliationAdmin service, CancellationToken cancellationToken) =>
            {
                var (day, invalid) = ReconciliationAdmin.ParseDate(date);
                if (invalid is not null)
                    return ApiErrors.BadRequest(invalid.Message);
                var (result, refusal) = await service.RunAsync(user, day!.Value, cancellationToken);
                return result is not null ? TypedResults.Ok(result) : ApiErrors.RefuseOrConflict<ReconciliationDay>(refusal!);
            })
            .WithSummary("Reconciles a past day now (again if it was done): fetches the gateway's bill and replaces the day's mismatches; a bill that cannot be had is a failed run (state failed, error); audited");
    }
}
