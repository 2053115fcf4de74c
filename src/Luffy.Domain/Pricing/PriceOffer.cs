namespace Luffy.Domain.Pricing;

/// <summary>One course's discount in one activity (活动): the policy type's name, its formula,
/// the price condition and the activity window [Start, End).</summary>
public sealed record PriceOffer(string DiscountName, PriceFormula Formula, Money Condition, DateTime Start, DateTime End)
{
    public bool IsActiveAt(DateTime now) => Start <= now && now < End;

    /// <summary>Whole seconds left in the activity at <paramref name="now"/> (0 once it has ended).</summary>
    public long SecondsLeft(DateTime now) => Math.Max(0, (long)Math.Floor((End - now).TotalSeconds));
}

/// <summary>The price of one validity option: its own price, what is paid, and why.</summary>
public readonly record struct PriceQuote(Money Price, Money RealPrice, string DiscountName, PriceOffer? Offer);
