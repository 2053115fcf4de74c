namespace Luffy.Domain.Pricing;

/// <summary>The real price of a validity option under the active price policies.</summary>
public static class CoursePricing
{
    public const string NoDiscountName = "原价购买";

    /// <summary>
    /// Applies the best active offer to <paramref name="optionPrice"/>: an offer counts when its window
    /// holds <paramref name="now"/>, the price reaches its condition and its formula applies (a 满减 tier is reached).
    /// Of several such offers the customer gets the lowest price; none gives the option price and "原价购买".
    /// </summary>
    public static PriceQuote Quote(Money optionPrice, IEnumerable<PriceOffer> offers, DateTime now)
    {
        var best = new PriceQuote(optionPrice, optionPrice, NoDiscountName, null);
        foreach (var offer in offers)
        {
            if (!offer.IsActiveAt(now) || optionPrice < offer.Condition)
                continue;
            if (offer.Formula.Apply(optionPrice) is not { } real)
                continue;
            real = real.AtLeastZero();
            if (best.Offer is null || real < best.RealPrice)
                best = new PriceQuote(optionPrice, real, offer.DiscountName, offer);
        }
        return best;
    }

    /// <summary>The offer a course page advertises (badge and countdown): the active one ending first.</summary>
    public static PriceOffer? ActiveOffer(IEnumerable<PriceOffer> offers, DateTime now) =>
        offers.Where(o => o.IsActiveAt(now)).OrderBy(o => o.End).FirstOrDefault();
}
