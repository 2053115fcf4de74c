using Luffy.Domain.Cart;
using Luffy.Infrastructure.Cart;
using Luffy.Infrastructure.Catalog;
using Luffy.Web.Catalog;

namespace Luffy.Web.Cart;

/// <summary>What the cart's handlers use; the catalog comes from <see cref="CatalogCache"/>, order creation reads it fresh.</summary>
public sealed record CartServices(CartStore Cart, LuffyDbContext Db, CatalogCache Catalog, TimeProvider Clock);

public static class CartApi
{
    /// <summary>Lists the course ids that <c>GET /cart/order/</c> left out because they can no longer be bought.</summary>
    public const string UnavailableHeader = "X-Unavailable-Courses";

    private const string NotInCart = "购物车中没有该课程";
    private const string NoSuchOption = "该课程没有这个有效期选项";

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
        AddToCartRequest request, HttpContext http, [AsParameters] CartServices s)
    {
        var courseId = request.CourseId!.Value;
        var expireTime = request.ExpireTime ?? 0;
        var course = (await s.Catalog.GetAsync(s.Db, [courseId], Now(s))).GetValueOrDefault(courseId);
        if (course is null)
            return ApiErrors.NotFound(CartLineCheck.Reason(CartLineProblem.CourseMissing));
        if (!course.IsOnSale)
            return ApiErrors.BadRequest(CartLineCheck.Reason(CartLineProblem.CourseOffSale));
        if (course.Option(expireTime) is not { } option)
            return ApiErrors.BadRequest(NoSuchOption);

        var userId = http.User.UserId();
        if (await s.Cart.AddAsync(userId, courseId, option.ExpireTime) == CartAddResult.Full)
            return ApiErrors.BadRequest($"购物车最多放 {CartRules.MaxItems} 门课程");
        return TypedResults.Ok(new CartMessage("添加课程到购物车成功", await s.Cart.CountAsync(userId)));
    }

    /// <summary>The whole cart: one Redis round trip, and at most one SQL query (none when the courses are cached).</summary>
    public static async Task<Ok<List<CartLine>>> List(HttpContext http, [AsParameters] CartServices s) =>
        TypedResults.Ok(await LinesAsync(s, http.User.UserId(), img => MediaUrls.Absolute(http.Request, img)));

    /// <summary>The cart's lines with prices, for the API and the cart page.</summary>
    public static async Task<List<CartLine>> LinesAsync(CartServices s, int userId, Func<string, string> image)
    {
        var items = await s.Cart.GetAsync(userId);
        var now = Now(s);
        var courses = await s.Catalog.GetAsync(s.Db, items.Select(i => i.CourseId).ToList(), now);
        return items.Select(item =>
        {
            var buyable = CartLineCheck.CanBuy(courses, item.CourseId, item.ExpireTime, out var course, out var option, out var problem);
            if (course is null)
                return new CartLine(item.CourseId, "", "", 0, 0, item.Selected, item.ExpireTime, "", "", [], false, CartLineCheck.Reason(CartLineProblem.CourseMissing));
            var options = course.Options.Select(o =>
            {
                var q = course.Quote(o, now);
                return new CartExpireOption(o.ExpireTime, o.ExpireText, q.Price.Yuan, q.RealPrice.Yuan);
            }).ToList();
            option ??= course.Option(item.ExpireTime);
            var quote = option is null ? default : course.Quote(option, now);
            var reason = buyable ? null : CartLineCheck.Reason(problem);
            return new CartLine(course.Id, image(course.CourseImg), course.Name,
                quote.Price.Yuan, quote.RealPrice.Yuan, item.Selected, item.ExpireTime, option?.ExpireText ?? "",
                quote.DiscountName ?? "", options, reason is null, reason);
        }).ToList();
    }

    public static async Task<Results<Ok<ApiMessage>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> Select(
        SelectRequest request, HttpContext http, [AsParameters] CartServices s)
    {
        var (courseId, selected) = (request.CourseId!.Value, request.Selected!.Value);
        if (!await s.Cart.SetSelectedAsync(http.User.UserId(), courseId, selected))
            return ApiErrors.NotFound(NotInCart);
        return TypedResults.Ok(new ApiMessage(selected ? "已勾选" : "已取消勾选"));
    }

    public static async Task<Results<Ok<ExpireChanged>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> ChangeExpire(
        ChangeExpireRequest request, HttpContext http, [AsParameters] CartServices s)
    {
        var (courseId, expireTime) = (request.CourseId!.Value, request.ExpireTime!.Value);
        var now = Now(s);
        var course = (await s.Catalog.GetAsync(s.Db, [courseId], now)).GetValueOrDefault(courseId);
        if (course is null)
            return ApiErrors.NotFound(CartLineCheck.Reason(CartLineProblem.CourseMissing));
        if (course.Option(expireTime) is not { } option)
            return ApiErrors.BadRequest(NoSuchOption);
        if (!await s.Cart.SetExpireAsync(http.User.UserId(), courseId, option.ExpireTime))
            return ApiErrors.NotFound(NotInCart);
        var quote = course.Quote(option, now);
        return TypedResults.Ok(new ExpireChanged("切换有效期成功", quote.Price.Yuan, quote.RealPrice.Yuan));
    }

    /// <summary>Removes a course; <c>course_id</c> comes from the query string or the JSON body.</summary>
    public static async Task<Results<Ok<ApiMessage>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> Remove(
        HttpContext http, [AsParameters] CartServices s, [FromQuery(Name = "course_id")] int? queryCourseId)
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
        if (!await s.Cart.RemoveAsync(http.User.UserId(), id))
            return ApiErrors.NotFound(NotInCart);
        return TypedResults.Ok(new ApiMessage("删除课程成功"));
    }

    /// <summary>
    /// The selected courses with their real price: one Redis round trip and at most one SQL query whatever their number (none when cached).
    /// Courses deleted, taken off sale or whose option was withdrawn are left out and named in <see cref="UnavailableHeader"/>.
    /// </summary>
    public static async Task<Ok<List<CheckoutLine>>> Checkout(HttpContext http, [AsParameters] CartServices s)
    {
        var items = await s.Cart.GetSelectedAsync(http.User.UserId());
        var now = Now(s);
        var courses = await s.Catalog.GetAsync(s.Db, items.Select(i => i.CourseId).ToList(), now);
        var lines = new List<CheckoutLine>(items.Count);
        var unavailable = new List<int>();
        foreach (var item in items)
        {
            if (!CartLineCheck.CanBuy(courses, item.CourseId, item.ExpireTime, out var course, out var option, out _))
            {
                unavailable.Add(item.CourseId);
                continue;
            }
            var quote = course.Quote(option, now);
            lines.Add(new CheckoutLine(course.Id, MediaUrls.Absolute(http.Request, course.CourseImg), course.Name,
                quote.Price.Yuan, quote.RealPrice.Yuan, true, option.ExpireTime, option.ExpireText, quote.DiscountName));
        }
        if (unavailable.Count > 0)
            http.Response.Headers[UnavailableHeader] = string.Join(',', unavailable);
        return TypedResults.Ok(lines);
    }

    private static DateTime Now(CartServices s) => s.Clock.GetUtcNow().UtcDateTime;
}
