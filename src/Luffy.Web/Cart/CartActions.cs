using Luffy.Web.Extensions;
namespace Luffy.Web.Cart;

/// <summary>The cart page's forms: each runs the API's own handler for the signed-in user and returns to a page.</summary>
public static class CartActions
{
    public static IEndpointRouteBuilder MapCartActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("/web/cart").RequireAuthorization().ExcludeFromDescription().ForStorefront();
        web.MapPost("/add", async (HttpContext http, [AsParameters] CartServices s, [FromForm(Name = "course_id")] int courseId,
            [FromForm(Name = "expire_time")] int? expireTime, [FromForm] string? then) =>
            Back(await CartApi.Add(new AddToCartRequest(courseId, expireTime ?? 0), http, s), then == "order" ? "/order" : "/my/cart", $"/course/{courseId}"));
        web.MapPost("/select", async (HttpContext http, [AsParameters] CartServices s, [FromForm(Name = "course_id")] int courseId, [FromForm] bool selected) =>
            Back(await CartApi.Select(new SelectRequest(courseId, selected), http, s), "/my/cart", "/my/cart"));
        web.MapPost("/select-all", async (HttpContext http, [AsParameters] CartServices s, [FromForm] bool selected) =>
        {
            var userId = http.User.UserId();
            foreach (var item in await s.Cart.GetAsync(userId))
                await s.Cart.SetSelectedAsync(userId, item.CourseId, selected);
            return Results.Redirect("/my/cart");
        });
        web.MapPost("/expire", async (HttpContext http, [AsParameters] CartServices s, [FromForm(Name = "course_id")] int courseId, [FromForm(Name = "expire_time")] int expireTime) =>
            Back(await CartApi.ChangeExpire(new ChangeExpireRequest(courseId, expireTime), http, s), "/my/cart", "/my/cart"));
        web.MapPost("/remove", async (HttpContext http, [AsParameters] CartServices s, [FromForm(Name = "course_id")] int courseId) =>
            Back(await CartApi.Remove(http, s, courseId), "/my/cart", "/my/cart"));
        return app;
    }

    /// <summary>Success goes on to <paramref name="next"/>; a refusal returns to <paramref name="back"/> with its message.</summary>
    private static IResult Back(IResult result, string next, string back) =>
        result is IValueHttpResult { Value: ApiMessage message } && result is IStatusCodeHttpResult { StatusCode: >= 400 }
            ? Results.Redirect($"{back}?error={Uri.EscapeDataString(message.Message)}")
            : Results.Redirect(next);

    private static IResult Back<T1, T2, T3>(Results<T1, T2, T3> result, string next, string back)
        where T1 : IResult where T2 : IResult where T3 : IResult => Back(result.Result, next, back);
}
