using Luffy.Domain.Pricing;
using Luffy.Infrastructure.Catalog;

namespace Luffy.Web.Catalog;

public static class CatalogApi
{
    public const int DefaultPageSize = 12;
    public const int MaxPageSize = 50;

    /// <summary>The catalog's queries and its cache (<c>Catalog:Lifetime</c>; emptied by every catalog write, on every instance).</summary>
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.AddLuffyCatalogCache(builder.Configuration.GetSection(CatalogCacheOptions.Section).Get<CatalogCacheOptions>() ?? new());
        builder.Services.AddScoped<CatalogQueries>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var courses = app.MapGroup("/courses").WithTags("Catalog");
        courses.MapGet("/", List);
        courses.MapGet("/categories/", Categories);
        courses.MapGet("/{id:int}/", Detail);
        return app;
    }

    public static async Task<Ok<List<CategoryDto>>> Categories(LuffyDbContext db) =>
        TypedResults.Ok(await db.CourseCategories.AsNoTracking().OrderBy(c => c.Orders).ThenBy(c => c.Id)
            .Select(c => new CategoryDto(c.Id, c.Name)).ToListAsync());

    public static async Task<Results<Ok<PagedList<CourseListItem>>, BadRequest<ApiMessage>>> List(
        HttpRequest http, CatalogQueries catalog, int? page, int? size, int? category, string? ordering)
    {
        var (list, error) = await catalog.ListAsync(page, size, category, ordering, img => MediaUrls.Absolute(http, img));
        return list is null ? ApiErrors.BadRequest(error!) : TypedResults.Ok(list);
    }

    public static async Task<Results<Ok<CourseDetail>, NotFound<ApiMessage>>> Detail(int id, HttpRequest http, CatalogQueries catalog) =>
        await catalog.DetailAsync(id, img => MediaUrls.Absolute(http, img)) is { } detail
            ? TypedResults.Ok(detail)
            : ApiErrors.NotFound("课程不存在");
}

/// <summary>The catalog as the API and the storefront show it.</summary>
public sealed class CatalogQueries(LuffyDbContext db, TimeProvider clock)
{
    /// <summary>Courses on sale, paged, filtered by category, ordered by id, price or popularity (students).</summary>
    public async Task<(PagedList<CourseListItem>? Page, string? Error)> ListAsync(int? page, int? size, int? category, string? ordering, Func<string, string> image)
    {
        var (paging, pagingError) = ListPage.From(page, size, CatalogApi.DefaultPageSize, CatalogApi.MaxPageSize);
        if (pagingError is not null)
            return (null, pagingError);

        var query = db.Courses.AsNoTracking().Where(c => c.IsOnSale);
        if (category is { } categoryId)
            query = query.Where(c => c.CategoryId == categoryId);
        IQueryable<Course>? ordered = ordering switch
        {
            // The operators' order (ly_course.orders, set in the back office), then the oldest first.
            null or "" => query.OrderBy(c => c.Orders).ThenBy(c => c.Id),
            "id" => query.OrderBy(c => c.Id),
            "-id" => query.OrderByDescending(c => c.Id),
            "price" => query.OrderBy(c => c.Price).ThenBy(c => c.Id),
            "-price" => query.OrderByDescending(c => c.Price).ThenBy(c => c.Id),
            "students" => query.OrderBy(c => c.Students).ThenBy(c => c.Id),
            "-students" => query.OrderByDescending(c => c.Students).ThenBy(c => c.Id),
            _ => null,
        };
        if (ordered is null)
            return (null, "ordering 只能是 id、-id、price、-price、students 或 -students");

        var now = clock.GetUtcNow().UtcDateTime;
        var count = await query.CountAsync();
        var rows = await ordered.Skip(paging.Offset).Take(paging.Size)
            .Select(c => new
            {
                c.Id, c.Name, c.CourseImg, c.Brief, c.Teacher, c.Students, c.Price,
                Category = new CategoryDto(c.Category!.Id, c.Category.Name),
                Offers = c.PriceDiscounts
                    .Where(p => p.Activity!.StartTime <= now && now < p.Activity.EndTime)
                    .Select(p => new { p.Discount!.DiscountType!.Name, p.Discount.Sale, p.Discount.Condition, p.Activity!.StartTime, p.Activity.EndTime })
                    .ToList(),
            })
            .ToListAsync();

        var items = rows.Select(r =>
        {
            var offers = r.Offers.Select(o => new PriceOffer(o.Name, CourseOffers.Formula(o.Sale), o.Condition, o.StartTime, o.EndTime)).ToList();
            var quote = CoursePricing.Quote(r.Price, offers, now);
            var active = CoursePricing.ActiveOffer(offers, now);
            return new CourseListItem(r.Id, r.Name, image(r.CourseImg), r.Brief, r.Teacher, r.Category, r.Students,
                quote.Price.Yuan, quote.RealPrice.Yuan, active?.DiscountName ?? CoursePricing.NoDiscountName, active?.SecondsLeft(now) ?? 0);
        }).ToList();
        return (new PagedList<CourseListItem>(count, paging.Number, paging.Size, items), null);
    }

    public async Task<CourseDetail?> DetailAsync(int id, Func<string, string> image)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var offer = (await CourseOffers.LoadAsync(db, [id], now)).GetValueOrDefault(id);
        if (offer is null)
            return null;

        var course = await db.Courses.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new
            {
                c.Brief, c.Teacher, c.Students,
                Category = new CategoryDto(c.Category!.Id, c.Category.Name),
                Chapters = c.Chapters.OrderBy(ch => ch.Chapter).Select(ch => new ChapterDto(ch.Id, ch.Chapter, ch.Name, ch.Summary,
                    ch.Lessons.OrderBy(l => l.Lesson).Select(l => new LessonDto(l.Id, l.Lesson, l.Name, l.Duration, l.FreeTrail)).ToList())).ToList(),
            })
            .SingleAsync();

        var options = offer.Options.Select(o =>
        {
            var quote = offer.Quote(o, now);
            return new ExpireDto(o.ExpireTime, o.ExpireText, quote.Price.Yuan, quote.RealPrice.Yuan, quote.DiscountName);
        }).ToList();
        var permanent = options[^1];
        var active = CoursePricing.ActiveOffer(offer.Offers, now);
        return new CourseDetail(
            offer.Id, offer.Name, image(offer.CourseImg), course.Brief, course.Teacher, course.Category, course.Students,
            offer.IsOnSale, permanent.Price, permanent.RealPrice, active?.DiscountName ?? CoursePricing.NoDiscountName,
            active?.SecondsLeft(now) ?? 0, options, course.Chapters);
    }
}
