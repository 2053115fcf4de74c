using System.Collections.Concurrent;
using Luffy.Domain.Catalog;
using Luffy.Domain.Pricing;
using Luffy.Infrastructure.Data;

namespace Luffy.Infrastructure.Catalog;

/// <summary>A validity option as sold: days, text and option price.</summary>
public sealed record ExpireOption(int ExpireTime, string ExpireText, Money Price);

/// <summary>What is needed to sell a course: its options and the price offers not ended when it was read.</summary>
public sealed record CourseOffer(
    int Id, string Name, int CategoryId, string CourseImg, Money Price, bool IsOnSale, bool PermanentOnSale,
    IReadOnlyList<ExpireOption> Expires, IReadOnlyList<PriceOffer> Offers)
{
    /// <summary>The options on sale in order: the timed ones by length, then permanent at the course price (when sold).</summary>
    public IEnumerable<ExpireOption> Options
    {
        get
        {
            var timed = Expires.Where(e => e.ExpireTime > 0).OrderBy(e => e.ExpireTime);
            return PermanentOnSale ? timed.Append(new ExpireOption(Validity.Permanent, Validity.PermanentText, Price)) : timed;
        }
    }

    public ExpireOption? Option(int expireTime)
    {
        var days = Validity.Normalize(expireTime);
        return Options.FirstOrDefault(o => o.ExpireTime == days);
    }

    public PriceQuote Quote(ExpireOption option, DateTime now) => CoursePricing.Quote(option.Price, Offers, now);
}

public static class CourseOffers
{
    private static readonly ConcurrentDictionary<string, PriceFormula> Formulas = new();

    /// <summary>
    /// The given courses with options and the offers not ended at <paramref name="now"/> (the upcoming ones too:
    /// <see cref="CatalogCache"/> keeps them), in ONE SQL query whatever their number.
    /// </summary>
    public static async Task<Dictionary<int, CourseOffer>> LoadAsync(
        LuffyDbContext db, IReadOnlyCollection<int> courseIds, DateTime now, CancellationToken cancellationToken = default)
    {
        if (courseIds.Count == 0)
            return [];
        var ids = courseIds.Distinct().ToArray();
        var offers = new Dictionary<int, CourseOffer>(ids.Length);
        var rows = db switch
        {
            SqliteLuffyDbContext sqlite => Compiled<SqliteLuffyDbContext>.Query(sqlite, ids, now),
            NpgsqlLuffyDbContext npgsql => Compiled<NpgsqlLuffyDbContext>.Query(npgsql, ids, now),
            _ => throw new NotSupportedException($"No compiled catalog query for {db.GetType().Name}."),
        };
        await foreach (var r in rows.WithCancellation(cancellationToken))
            offers[r.Id] = new CourseOffer(
                r.Id, r.Name, r.CategoryId, r.CourseImg, r.Price, r.IsOnSale, r.PermanentOnSale, r.Expires,
                r.Offers.Select(o => new PriceOffer(o.Name, Formula(o.Sale), o.Condition, o.StartTime, o.EndTime)).ToList());
        return offers;
    }

    // Compiled once per provider (a compiled query belongs to one model): the query pipeline is skipped
    // on every call, and the checkout list runs it on every request.
    private static class Compiled<TContext> where TContext : LuffyDbContext
    {
        public static readonly Func<TContext, int[], DateTime, IAsyncEnumerable<CourseRow>> Query = EF.CompileAsyncQuery(
            (TContext db, int[] ids, DateTime now) => db.Courses.AsNoTracking()
                .Where(c => ids.Contains(c.Id))
                .Select(c => new CourseRow(
                    c.Id, c.Name, c.CategoryId, c.CourseImg, c.Price, c.IsOnSale, c.PermanentOnSale,
                    c.Expires.Where(e => e.IsOnSale).Select(e => new ExpireOption(e.ExpireTime, e.ExpireText, e.Price)).ToList(),
                    c.PriceDiscounts
                        .Where(p => now < p.Activity!.EndTime)
                        .Select(p => new OfferRow(p.Discount!.DiscountType!.Name, p.Discount.Sale, p.Discount.Condition, p.Activity!.StartTime, p.Activity.EndTime))
                        .ToList())));
    }

    private sealed record CourseRow(int Id, string Name, int CategoryId, string CourseImg, Money Price, bool IsOnSale, bool PermanentOnSale, List<ExpireOption> Expires, List<OfferRow> Offers);
    private sealed record OfferRow(string Name, string Sale, Money Condition, DateTime StartTime, DateTime EndTime);

    /// <summary>Formulas are validated when saved; parsed ones are shared.</summary>
    public static PriceFormula Formula(string sale) => Formulas.GetOrAdd(sale, PriceFormula.Parse);
}
