using Luffy.Domain.Cart;
using Luffy.Infrastructure.Cart;
using Luffy.Infrastructure.Catalog;
using Luffy.Web.Catalog;

namespace Luffy.Web.Cart;

public static class CartApi
{
    /// <summary>Lists the course ids that <c>GET /cart/order/</c> left out because they can no longer be bought.</summary>
    public const string UnavailableHeader = "X-Unavailable-Courses";

    public static WebApplicationBuilder AddCart(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CartStore>();
        builder.Services.AddScoped<CartService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCartApi(this IEndpointRouteBuilder app)
    {
        var cart = app.MapGroup("/cart").WithTags("Cart").RequireAuthorization();
        cart.MapPost("/", Add);
        cart.MapGet("/", List);
        cart.MapPut("/", Select);
        cart.MapPatch("/", ChangeExpire);
        cart.MapDelete("/", Remove);
        cart.MapGet("/order/", Checkout);
        return app;
    }

    public static async Task<Results<Ok<CartMessage>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> Add(
        AddToCartRequest request, HttpContext http, CartService cart)
    {
        var (count, refusal) = await cart.AddAsync(http.User.UserId(), request.CourseId!.Value, request.ExpireTime ?? 0);
        if (refusal is not null)
            return ApiErrors.Refuse<CartMessage>(refusal);
        return TypedResults.Ok(new CartMessage("添加课程到购物车成功", count));
    }

    /// <summary>The whole cart: one Redis round trip, and at most one SQL query (none when the courses are cached).</summary>
    public static async Task<Ok<List<CartLine>>> List(HttpContext http, CartService cart) =>
        TypedResults.Ok(await cart.LinesAsync(http.User.UserId(), img => MediaUrls.Absolute(http.Request, img)));

    public static async Task<Results<Ok<ApiMessage>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> Select(
        SelectRequest request, HttpContext http, CartService cart)
    {
        var (courseId, selected) = (request.CourseId!.Value, request.Selected!.Value);
        if (await cart.SelectAsync(http.User.UserId(), courseId, selected) is { } refusal)
            return ApiErrors.Refuse<ApiMessage>(refusal);
        return TypedResults.Ok(new ApiMessage(selected ? "已勾选" : "已取消勾选"));
    }

    public static async Task<Results<Ok<ExpireChanged>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> ChangeExpire(
        ChangeExpireRequest request, HttpContext http, CartService cart)
    {
        var (quote, refusal) = await cart.ChangeExpireAsync(http.User.UserId(), request.CourseId!.Value, request.ExpireTime!.Value);
        if (refusal is not null)
            return ApiErrors.Refuse<ExpireChanged>(refusal);
        return TypedResults.Ok(new ExpireChanged("切换有效期成功", quote!.Price, quote.RealPrice));
    }

    /// <summary>Removes a course; <c>course_id</c> comes from the query string or the JSON body.</summary>
    public static async Task<Results<Ok<ApiMessage>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> Remove(
        HttpContext http, CartService cart, [FromQuery(Name = "course_id")] int? queryCourseId)
    {
        var courseId = queryCourseId;
        if (courseId is null && http.Request.HasJsonContentType())
        {
            try
            {
                courseId = (await http.Request.ReadFromJsonAsync<RemoveRequest>(http.RequestServices
                    .GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions))?.CourseId;
            }
            catch (System.Text.Json.JsonException json)
            {
                // As body binding reports it: a 400 naming the field (ApiErrors).
                throw new BadHttpRequestException("Failed to read the JSON request body.", StatusCodes.Status400BadRequest, json);
            }
        }
        if (courseId is not { } id)
            return ApiErrors.BadRequest(CartDtos.NoCourseId);
        if (await cart.RemoveAsync(http.User.UserId(), id) is { } refusal)
            return ApiErrors.Refuse<ApiMessage>(refusal);
        return TypedResults.Ok(new ApiMessage("删除课程成功"));
    }

    /// <summary>
    /// The selected courses with their real price (<see cref="CartService.CheckoutAsync"/>); those that can no longer
    /// be bought are left out and named in <see cref="UnavailableHeader"/>.
    /// </summary>
    public static async Task<Ok<List<CheckoutLine>>> Checkout(HttpContext http, CartService cart)
    {
        var (lines, unavailable) = await cart.CheckoutAsync(http.User.UserId(), img => MediaUrls.Absolute(http.Request, img));
        if (unavailable.Count > 0)
            http.Response.Headers[UnavailableHeader] = string.Join(',', unavailable);
        return TypedResults.Ok(lines);
    }
}
