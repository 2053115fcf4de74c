using Luffy.Web.Components;
using Luffy.Domain.Orders;
using Luffy.Web.Catalog;
using Luffy.Web.Extensions;

namespace Luffy.Web.Admin.Orders;

public static class OrdersAdminApi
{
    public static void MapOrdersAdminApi(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders");
        orders.MapGet("/", async Task<Results<Ok<PagedList<OrderRow>>, BadRequest<ApiMessage>>> (
                OrdersAdmin service, string? number, string? user, int? status, DateTime? from, DateTime? to, int? course, int? page, int? size) =>
            await service.SearchAsync(new OrderFilter(number, user, status, Format.AsUtc(from), Format.AsUtc(to), course), page, size) switch
            {
                ({ } list, _) => TypedResults.Ok(list),
                (_, var error) => ApiErrors.BadRequest(error!),
            }).WithSummary("Searches orders by number, user (username), status, creation time (ISO 8601, from inclusive, to exclusive) and course id; newest first, 20 a page");
        orders.MapGet("/export.csv", (OrdersAdmin service, TimeProvider clock, CancellationToken aborted, string? number, string? user, int? status, DateTime? from, DateTime? to, int? course) =>
                Export(service, new OrderFilter(number, user, status, Format.AsUtc(from), Format.AsUtc(to), course), clock, aborted))
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .WithSummary("The filtered orders as CSV (UTF-8 with BOM), streamed, newest first; the same filters as the search");
        orders.MapGet("/{number}", async Task<Results<Ok<OrderDetailDto>, NotFound<ApiMessage>>> (string number, OrdersAdmin service) =>
                await service.GetAsync(number) is { } order ? TypedResults.Ok(order) : ApiErrors.NotFound(OrderTexts.NoSuchOrder))
            .WithSummary("One order: its lines, coupon, credits, every payment notification and payment exception");
        orders.MapGet("/{number}/gateway", async Task<Results<Ok<GatewayView>, NotFound<ApiMessage>>> (string number, OrdersAdmin service, CancellationToken cancellationToken) =>
                await service.GatewayAsync(number, cancellationToken) is { } view ? TypedResults.Ok(view) : ApiErrors.NotFound(OrderTexts.NoSuchOrder))
            .WithSummary("The gateway's view of the order's trade (alipay.trade.query); a gateway that cannot be asked answers answered=false with a message");
    }

    /// <summary>The back-office page's export link: the same CSV, with the admin's sign-in cookie (a GET, so no antiforgery).</summary>
    public static void MapOrdersExportPage(this WebApplication app) =>
        app.MapGet("/admin/orders/export.csv", (OrdersAdmin service, TimeProvider clock, CancellationToken aborted, string? number, string? user, int? status, DateOnly? from, DateOnly? to, int? course) =>
                Export(service, new OrderFilter(number, user, status, Format.ChinaDayStart(from), Format.ChinaDayStart(to?.AddDays(1)), course), clock, aborted))
            .ForStorefront().RequireAuthorization(AdminSetup.Policy).ExcludeFromDescription();

    private static Results<PushStreamHttpResult, BadRequest<ApiMessage>> Export(OrdersAdmin service, OrderFilter filter, TimeProvider clock, CancellationToken aborted) =>
        OrdersAdmin.Check(filter) is { } error
            ? ApiErrors.BadRequest(error)
            : TypedResults.Stream(
                async stream => await service.WriteCsvAsync(filter, stream, aborted),
                "text/csv; charset=utf-8", $"orders-{clock.GetUtcNow():yyyyMMddHHmmss}.csv");

}
