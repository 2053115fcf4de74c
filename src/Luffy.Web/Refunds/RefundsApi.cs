using System.Security.Claims;
using Luffy.Domain.Orders;

namespace Luffy.Web.Refunds;

/// <summary><c>POST /orders/{n}/refund-request/</c>: why, and which courses (none: every course of the order not yet refunded).</summary>
public sealed record RefundRequestBody(string? Reason, int[]? Courses);

/// <summary>An operator's refund: which courses (none: all left) and why.</summary>
public sealed record OperatorRefundBody(string? Reason, int[]? Courses);

/// <summary>An operator's decision on a request: the note (required to refuse).</summary>
public sealed record RefundDecisionBody(string? Note);

public sealed record RefundPage(int Count, int Page, int Size, IReadOnlyList<RefundDto> Results);

public static class RefundsApi
{
    public const int PageSize = 20;

    public static WebApplicationBuilder AddRefunds(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RefundOptions>().BindConfiguration(RefundOptions.Section)
            .Validate(o => o.RequestWindow > TimeSpan.Zero && o.RetryInterval > TimeSpan.Zero && o.RetryInterval <= TimeSpan.FromDays(49)
                           && o.RetryAfter > TimeSpan.Zero && o.RetryBatch > 0,
                "Refunds:RequestWindow and Refunds:RetryAfter must be positive durations, Refunds:RetryInterval one of at most 49 days, Refunds:RetryBatch a positive number.")
            .ValidateOnStart();
        builder.Services.AddScoped<RefundService>();
        builder.Services.AddSingleton<RefundJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RefundJob>());
        return builder;
    }

    /// <summary>The student's side: ask for a refund of an order, see its refunds.</summary>
    public static IEndpointRouteBuilder MapRefundsApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/orders").WithTags("Orders").RequireAuthorization();
        orders.MapPost("/{orderNumber}/refund-request/", async Task<Results<Created<RefundDto>, BadRequest<ApiMessage>, NotFound<ApiMessage>, Conflict<ApiMessage>>> (
            string orderNumber, RefundRequestBody body, HttpContext http, RefundService refunds) =>
        {
            var (refund, refusal) = await refunds.RequestAsync(http.User.UserId(), orderNumber, body.Reason, body.Courses);
            return refund is not null ? TypedResults.Created($"/orders/{orderNumber}/refunds/", refund) : Refuse(refusal!);
        }).WithSummary("Asks for a refund of the order (within Refunds:RequestWindow after payment) with a reason; an operator approves or refuses it");
        orders.MapGet("/{orderNumber}/refunds/", async Task<Results<Ok<IReadOnlyList<RefundDto>>, NotFound<ApiMessage>>> (
            string orderNumber, HttpContext http, RefundService refunds, LuffyDbContext db) =>
        {
            var userId = http.User.UserId();
            if (!await db.Orders.AnyAsync(o => o.OrderNumber == orderNumber && o.UserId == userId))
                return ApiErrors.NotFound(OrderTexts.NoSuchOrder);
            return TypedResults.Ok(await refunds.ReadAsync(db.Refunds.Where(r => r.UserId == userId && db.Orders.Any(o => o.Id == r.OrderId && o.OrderNumber == orderNumber))
                .OrderBy(r => r.Id)));
        }).WithSummary("The order's refunds and requests, oldest first");
        return app;
    }

    /// <summary>The operators' side, under <c>/admin/api</c>.</summary>
    public static void MapRefundsAdminApi(this RouteGroupBuilder api)
    {
        api.MapGet("/refunds", async Task<Results<Ok<RefundPage>, BadRequest<ApiMessage>>> (int? status, int? page, RefundService refunds, LuffyDbContext db) =>
        {
            if (status is { } s && !Enum.IsDefined((RefundStatus)s))
                return ApiErrors.BadRequest("status 应为 0（待审核）、1（已拒绝）、2（退款中）、3（已退款）或 4（退款失败）");
            var (paging, pagingError) = ListPage.From(page, PageSize, PageSize, PageSize);
            if (pagingError is not null)
                return ApiErrors.BadRequest(pagingError);
            var query = db.Refunds.AsQueryable();
            if (status is { } wanted)
                query = query.Where(r => r.Status == (RefundStatus)wanted);
            var count = await query.CountAsync();
            var rows = await refunds.ReadAsync(query.OrderByDescending(r => r.Id).Skip(paging.Offset).Take(PageSize));
            return TypedResults.Ok(new RefundPage(count, paging.Number, PageSize, rows));
        }).WithSummary("Refunds and requests, newest first, optionally of one status (0 待审核 … 4 退款失败)");
        api.MapGet("/refunds/{id:long}", async Task<Results<Ok<RefundDto>, NotFound<ApiMessage>>> (long id, RefundService refunds) =>
            await refunds.ReadAsync(id) is { } refund ? TypedResults.Ok(refund) : ApiErrors.NotFound("退款不存在"));
        api.MapPost("/refunds/{id:long}/approve", async (long id, RefundDecisionBody body, ClaimsPrincipal user, RefundService refunds) =>
            Answer(await refunds.ApproveAsync(user, id, body.Note)))
            .WithSummary("Approves a student's request: the money goes back through the gateway at once");
        api.MapPost("/refunds/{id:long}/refuse", async (long id, RefundDecisionBody body, ClaimsPrincipal user, RefundService refunds) =>
            Answer(await refunds.RefuseAsync(user, id, body.Note)))
            .WithSummary("Refuses a student's request with a note the student reads");
        api.MapPost("/refunds/{id:long}/retry", async (long id, ClaimsPrincipal user, RefundService refunds) =>
            Answer(await refunds.RetryAsync(user, id)))
            .WithSummary("Retries a failed refund with the same out_request_no");
        api.MapPost("/orders/{orderNumber}/refunds", async (string orderNumber, OperatorRefundBody body, ClaimsPrincipal user, RefundService refunds) =>
            Answer(await refunds.RefundByOperatorAsync(user, orderNumber, body.Reason, body.Courses)))
            .WithSummary("Refunds the order, whole or the chosen courses, at once");
    }

    private static Results<Ok<RefundDto>, BadRequest<ApiMessage>, NotFound<ApiMessage>, Conflict<ApiMessage>> Answer((RefundDto? Refund, Refusal? Refusal) outcome) =>
        outcome.Refund is { } refund ? TypedResults.Ok(refund) : ApiErrors.RefuseOrConflict<RefundDto>(outcome.Refusal!);

    private static Results<Created<RefundDto>, BadRequest<ApiMessage>, NotFound<ApiMessage>, Conflict<ApiMessage>> Refuse(Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.NotFound => ApiErrors.NotFound(refusal.Message),
        RefusalKind.Conflict => TypedResults.Conflict(new ApiMessage(refusal.Message)),
        _ => ApiErrors.BadRequest(refusal.Message),
    };
}
