using Luffy.Domain.Pricing;

namespace Luffy.Domain.Tests;

public class CoursePricingTests
{
    private static readonly DateTime Start = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime End = Start.AddDays(10);

    private static PriceOffer Offer(string name, string sale, decimal condition = 0) =>
        new(name, PriceFormula.Parse(sale), Money.FromYuan(condition), Start, End);

    private static Money Yuan(decimal yuan) => Money.FromYuan(yuan);

    [Fact]
    public void No_offer_gives_the_option_price_and_yuanjia()
    {
        var quote = CoursePricing.Quote(Yuan(99.5m), [], Start);
        Assert.Equal(Yuan(99.5m), quote.RealPrice);
        Assert.Equal("原价购买", quote.DiscountName);
    }

    [Theory]
    [InlineData("限时免费", "", 0)]
    [InlineData("限时折扣", "*0.8", 79.6)]
    [InlineData("限时减免", "-20", 79.5)]
    [InlineData("满减", "满50-5", 94.5)]
    public void Each_policy_type_gives_its_price_and_name(string name, string sale, double expected)
    {
        var quote = CoursePricing.Quote(Yuan(99.5m), [Offer(name, sale)], Start.AddDays(1));
        Assert.Equal(Yuan((decimal)expected), quote.RealPrice);
        Assert.Equal(name, quote.DiscountName);
        Assert.Equal(Yuan(99.5m), quote.Price);
    }

    [Fact]
    public void Window_includes_its_start_and_excludes_its_end()
    {
        var offers = new[] { Offer("限时折扣", "*0.5") };
        Assert.Equal("原价购买", CoursePricing.Quote(Yuan(100), offers, Start.AddTicks(-1)).DiscountName);
        Assert.Equal(Yuan(50), CoursePricing.Quote(Yuan(100), offers, Start).RealPrice);
        Assert.Equal(Yuan(50), CoursePricing.Quote(Yuan(100), offers, End.AddTicks(-1)).RealPrice);
        Assert.Equal(Yuan(100), CoursePricing.Quote(Yuan(100), offers, End).RealPrice);
    }

    [Fact]
    public void Condition_exactly_met_applies_and_one_fen_short_does_not()
    {
        var offers = new[] { Offer("限时减免", "-20", condition: 100) };
        Assert.Equal(Yuan(80), CoursePricing.Quote(Yuan(100), offers, Start).RealPrice);
        var shortQuote = CoursePricing.Quote(Yuan(99.99m), offers, Start);
        Assert.Equal(Yuan(99.99m), shortQuote.RealPrice);
        Assert.Equal("原价购买", shortQuote.DiscountName);
    }

    [Fact]
    public void Unreached_tier_falls_back_to_the_option_price()
    {
        var quote = CoursePricing.Quote(Yuan(59.6m), [Offer("满减", "满100-10\n满200-25")], Start);
        Assert.Equal(Yuan(59.6m), quote.RealPrice);
        Assert.Equal("原价购买", quote.DiscountName);
        Assert.Null(quote.Offer);
    }

    [Fact]
    public void Several_active_offers_give_the_lowest_price()
    {
        var quote = CoursePricing.Quote(Yuan(100), [Offer("限时减免", "-20"), Offer("限时折扣", "*0.7"), Offer("满减", "满100-25")], Start);
        Assert.Equal(Yuan(70), quote.RealPrice);
        Assert.Equal("限时折扣", quote.DiscountName);
    }

    [Fact]
    public void Price_is_never_below_zero() =>
        Assert.Equal(Money.Zero, CoursePricing.Quote(Yuan(10), [Offer("限时减免", "-20")], Start).RealPrice);

    [Fact]
    public void Seconds_left_count_down_to_zero()
    {
        var offer = Offer("限时折扣", "*0.8");
        Assert.Equal(10 * 86400, offer.SecondsLeft(Start));
        Assert.Equal(1, offer.SecondsLeft(End.AddMilliseconds(-1500)));
        Assert.Equal(0, offer.SecondsLeft(End.AddDays(1)));
    }

    [Fact]
    public void Advertised_offer_is_the_active_one_ending_first()
    {
        var later = new PriceOffer("满减", PriceFormula.Parse("满1-1"), Money.Zero, Start, End.AddDays(5));
        var sooner = Offer("限时折扣", "*0.9");
        var expired = new PriceOffer("限时免费", PriceFormula.Parse(""), Money.Zero, Start.AddDays(-9), Start.AddDays(-1));
        Assert.Same(sooner, CoursePricing.ActiveOffer([later, sooner, expired], Start.AddDays(1)));
        Assert.Null(CoursePricing.ActiveOffer([expired], Start));
    }
}
