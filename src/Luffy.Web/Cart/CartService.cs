using Luffy.Domain.Cart;
using Luffy.Infrastructure.Cart;
using Luffy.Infrastructure.Catalog;

namespace Luffy.Web.Cart;

/// <summary>
/// The cart's rules for the API and the storefront alike: what can go in (a course on sale, one of its validity
/// options, at most <see cref="CartRules.MaxItems"/>), the lines with today's prices, the checkout list. Only the API
/// turns the outcomes into HTTP; the cart page and its forms call these methods directly.
/// </summary>
public sealed class CartService(CartStore cart, LuffyDbContext db, CatalogCache catalog, TimeProvider clock)
{
    private const string NotInCart = "购物车中没有该课程";
    private const string NoSuchOption = "该课程没有这个有效期选项";

    /// <summary>Puts a course in the cart, selected, with the validity <paramref name="expireTime"/> (0 = permanent); the cart's new size.</summary>
    public async Task<(long Count, Refusal? Refusal)> AddAsync(int userId, int courseId, int expireTime)
    {
        var course = (await catalog.GetAsync(db, [courseId], Now)).GetValueOrDefault(courseId);
        if (course is null)
            return (0, Refusal.NotFound(CartLineCheck.Reason(CartLineProblem.CourseMissing)));
        if (!course.IsOnSale)
            return (0, Refusal.Invalid(CartLineCheck.Reason(CartLineProblem.CourseOffSale)));
        if (course.Option(expireTime) is not { } option)
            return (0, Refusal.Invalid(NoSuchOption));
        if (await cart.AddAsync(userId, courseId, option.ExpireTime) == CartAddResult.Full)
            return (0, Refusal.Invalid($"购物车最多放 {CartRules.MaxItems} 门课程"));
        return (await cart.CountAsync(userId), null);
    }

    /// <summary>The whole cart with prices: one Redis round trip, and at most one SQL query (none when the courses are cached).</summary>
    public async Task<List<CartLine>> LinesAsync(int userId, Func<string, string> image)
    {
        var items = await cart.GetAsync(userId);
        var now = Now;
        var courses = await catalog.GetAsync(db, items.Select(i => i.CourseId).ToList(), now);
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

    /// <summary>Selects or unselects one course; a refusal when it is not in the cart.</summary>
    public async Task<Refusal?> SelectAsync(int userId, int courseId, bool selected) =>
        await cart.SetSelectedAsync(userId, courseId, selected) ? null : Refusal.NotFound(NotInCart);

    /// <summary>Selects or unselects every course in the cart, in one round trip.</summary>
    public Task SelectAllAsync(int userId, bool selected) => cart.SetAllSelectedAsync(userId, selected);

    /// <summary>Changes a course's validity; its prices for that validity today.</summary>
    public async Task<(CartQuote? Quote, Refusal? Refusal)> ChangeExpireAsync(int userId, int courseId, int expireTime)
    {
        var now = Now;
        var course = (await catalog.GetAsync(db, [courseId], now)).GetValueOrDefault(courseId);
        if (course is null)
            return (null, Refusal.NotFound(CartLineCheck.Reason(CartLineProblem.CourseMissing)));
        if (course.Option(expireTime) is not { } option)
            return (null, Refusal.Invalid(NoSuchOption));
        if (!await cart.SetExpireAsync(userId, courseId, option.ExpireTime))
            return (null, Refusal.NotFound(NotInCart));
        var quote = course.Quote(option, now);
        return (new CartQuote(quote.Price.Yuan, quote.RealPrice.Yuan), null);
    }

    /// <summary>Removes a course; a refusal when it was not in the cart.</summary>
    public async Task<Refusal?> RemoveAsync(int userId, int courseId) =>
        await cart.RemoveAsync(userId, courseId) ? null : Refusal.NotFound(NotInCart);

    /// <summary>
    /// The selected courses with their real price: one Redis round trip and at most one SQL query whatever their
    /// number (none when cached). Courses deleted, taken off sale or whose option was withdrawn are left out and named in <c>Unavailable</c>.
    /// </summary>
    public async Task<(List<CheckoutLine> Lines, List<int> Unavailable)> CheckoutAsync(int userId, Func<string, string> image)
    {
        var items = await cart.GetSelectedAsync(userId);
        var now = Now;
        var courses = await catalog.GetAsync(db, items.Select(i => i.CourseId).ToList(), now);
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
            lines.Add(new CheckoutLine(course.Id, image(course.CourseImg), course.Name,
                quote.Price.Yuan, quote.RealPrice.Yuan, true, option.ExpireTime, option.ExpireText, quote.DiscountName));
        }
        return (lines, unavailable);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}

/// <summary>A cart line's prices for its chosen validity, in yuan.</summary>
public sealed record CartQuote(decimal Price, decimal RealPrice);
