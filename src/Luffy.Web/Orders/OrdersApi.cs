using System.ComponentModel.DataAnnotations;
using Luffy.Domain.Orders;

namespace Luffy.Web.Orders;

public sealed record OrderServices(LuffyDbContext Db, OrderQueries Queries);

public static class OrdersApi
{
    public const int DefaultPageSize = 10;
    public const int MaxPageSize = 50;

    public static WebApplicationBuilder AddOrders(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OrderOptions>().BindConfiguration(OrderOptions.Section)
            .Validate(o => o.CancelAfter > TimeSpan.Zero && o.CancelCheckInterval > TimeSpan.Zero && o.CancelBatchSize > 0,
                "Orders:CancelAfter and Orders:CancelCheckInterval must be positive durations and Orders:CancelBatchSize a positive number.")
            .ValidateOnStart();
        builder.Services.AddSingleton<OrderNumberSource>();
        builder.Services.AddScoped<CheckoutService>();
        builder.Services.AddScoped<OrderCancellation>();
        builder.Services.AddScoped<OrderQueries>();
        builder.Services.AddSingleton<AutoCancelJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AutoCancelJob>());
        return builder;
    }

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/orders").WithTags("Orders").RequireAuthorization();
        orders.MapPost("/", Create);
        orders.MapGet("/", List);
        orders.MapGet("/{orderNumber}/", Get);
        orders.MapPost("/{orderNumber}/cancel/", Cancel);
        app.MapGet("/users/{id:int}/orders/", OfUser).WithTags("Orders").RequireAuthorization();
        return app;
    }

    /// <summary>
    /// Places an order for the selected cart items. With an <c>Idempotency-Key</c> header a retry gets the first
    /// answer again and creates nothing; the same key with another body is a 422.
    /// </summary>
    public static async Task<Results<Created<OrderCreated>, BadRequest<ApiMessage>, UnprocessableEntity<ApiMessage>>> Create(
        CreateOrderRequest request, HttpContext http, CheckoutService checkout,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey)
    {
        var result = await checkout.CreateAsync(http.User.UserId(), request, idempotencyKey);
        if (result.Placed is { } placed)
            return TypedResults.Created($"/orders/{placed.OrderNumber}/", placed);
        return result.KeyReused
            ? TypedResults.UnprocessableEntity(new ApiMessage(result.Refusal!))
            : ApiErrors.BadRequest(result.Refusal!);
    }

    public static async Task<Results<Ok<OrderDto>, NotFound<ApiMessage>>> Get(string orderNumber, HttpContext http, [AsParameters] OrderServices s)
    {
        var found = await s.Queries.ReadAsync(s.Queries.OfUser(http.User.UserId()).Where(o => o.OrderNumber == orderNumber));
        return found.Count == 1 ? TypedResults.Ok(found[0]) : ApiErrors.NotFound(OrderTexts.NoSuchOrder);
    }

    /// <summary>The tutorial's "my orders": only for the caller's own id; any other id is 404.</summary>
    public static async Task<Results<Ok<UserOrdersDto>, NotFound<ApiMessage>>> OfUser(int id, HttpContext http, [AsParameters] OrderServices s)
    {
        if (id != http.User.UserId())
            return ApiErrors.NotFound("用户不存在");
        var orders = await s.Queries.ReadAsync(s.Queries.OfUser(id).OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id));
        return TypedResults.Ok(new UserOrdersDto(http.User.Identity?.Name ?? "", orders));
    }

    /// <summary>The caller's orders, newest first, paged, optionally of one status.</summary>
    public static async Task<Results<Ok<OrderPage>, BadRequest<ApiMessage>>> List(HttpContext http, [AsParameters] OrderServices s,
        int? page, int? size, [EnumDataType(typeof(OrderStatus), ErrorMessage = "status 应为 0 到 5")] int? status)
    {
        var (paging, pagingError) = ListPage.From(page, size, DefaultPageSize, MaxPageSize);
        if (pagingError is not null)
            return ApiErrors.BadRequest(pagingError);

        var query = s.Queries.OfUser(http.User.UserId());
        if (status is { } wanted)
            query = query.Where(o => o.OrderStatus == (OrderStatus)wanted);
        var count = await query.CountAsync();
        var orders = await s.Queries.ReadAsync(
            query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Skip(paging.Offset).Take(paging.Size));
        return TypedResults.Ok(new OrderPage(count, paging.Number, paging.Size, orders));
    }

    public static async Task<Results<Ok<ApiMessage>, NotFound<ApiMessage>, Conflict<ApiMessage>>> Cancel(
        string orderNumber, HttpContext http, OrderCancellation cancellation) =>
        await cancellation.CancelForBuyerAsync(http.User.UserId(), orderNumber) switch
        {
            null => TypedResults.Ok(new ApiMessage("订单已取消")),
            { Kind: RefusalKind.NotFound } refusal => ApiErrors.NotFound(refusal.Message),
            var refusal => TypedResults.Conflict(new ApiMessage(refusal.Message)),
        };

}
