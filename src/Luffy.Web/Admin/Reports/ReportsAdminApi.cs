namespace Luffy.Web.Admin.Reports;

public static class ReportsAdminApi
{
    public static void MapReportsAdminApi(this RouteGroupBuilder api) =>
        api.MapGet("/reports", async Task<Results<Ok<SalesReport>, BadRequest<ApiMessage>>> (
                ReportsAdmin service, int? days, DateOnly? from, DateOnly? to, CancellationToken cancellationToken) =>
            await service.GetAsync(days, from, to, cancellationToken) switch
            {
                ({ } report, _) => TypedResults.Ok(report),
                (_, var error) => ApiErrors.BadRequest(error!),
            })
            .WithSummary($"The sales report over China days (UTC+8): the last `days` days up to today ({ReportsAdmin.DefaultDays} if nothing is given), or `from` to `to` (dates, both included); at most {ReportsAdmin.MaxDays} days. Per day: orders placed and how many of them are paid, orders paid and their cash, succeeded refunds; the top {ReportsAdmin.TopCount} courses by the cash their lines kept; conversion; coupon and credit usage");
}
