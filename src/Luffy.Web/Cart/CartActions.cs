using Luffy.Web.Extensions;
namespace Luffy.Web.Cart;

/// <summary>The cart page's forms: each calls <see cref="CartService"/> for the signed-in user and returns to a page, with the refusal's message if there is one.</summary>
public static class CartActions
{
    public static IEndpointRouteBuilder MapCartActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("/web/cart").RequireAuthorization().ExcludeFromDescription().ForStorefront();
        web.MapPost("/add", async (HttpContext http, CartService cart, [FromForm(Name = "course_id")] int courseId,
            [FromForm(Name = "expire_time")] int? expireTime, [FromForm] string? then) =>
            Back((await cart.AddAsync(http.User.UserId(), courseId, expireTime ?? 0)).Refusal, then == "order" ? "/order" : "/my/cart", $"/course/{courseId}"));
        web.MapPost("/select", async (HttpContext http, CartService cart, [FromForm(Name = "course_id")] int courseId, [FromForm] bool selected) =>
            Back(await cart.SelectAsync(http.User.UserId(), courseId, selected), "/my/cart", "/my/cart"));
        web.MapPost("/select-all", async (HttpContext http, CartService cart, [FromForm] bool selected) =>
        {
            await cart.SelectAllAsync(http.User.UserId(), selected);
            return Results.Redirect("/my/cart");
        });
        web.MapPost("/expire", async (HttpContext http, CartService cart, [FromForm(Name = "course_id")] int courseId, [FromForm(Name = "expire_time")] int expireTime) =>
            Back((await cart.ChangeExpireAsync(http.User.UserId(), courseId, expireTime)).Refusal, "/my/cart", "/my/cart"));
        web.MapPost("/remove", async (HttpContext http, CartService cart, [FromForm(Name = "course_id")] int courseId) =>
            Back(await cart.RemoveAsync(http.User.UserId(), courseId), "/my/cart", "/my/cart"));
        return app;
    }

    /// <summary>Success goes on to <paramref name="next"/>; a refusal returns to <paramref name="back"/> with its message.</summary>
    private static IResult Back(Refusal? refusal, string next, string back) =>
        Results.Redirect(refusal is null ? next : $"{back}?error={Uri.EscapeDataString(refusal.Message)}");
}
