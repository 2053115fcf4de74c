using Luffy.Domain.Pricing;

namespace Luffy.Domain.Tests;

public class PriceFormulaTests
{
    private static Money Yuan(decimal yuan) => Money.FromYuan(yuan);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Empty_formula_is_free(string? sale) =>
        Assert.Equal(Money.Zero, PriceFormula.Parse(sale).Apply(Yuan(99.5m)));

    [Fact]
    public void Rate_multiplies_and_rounds_half_up() =>
        Assert.Equal(Yuan(79.6m), PriceFormula.Parse("*0.8").Apply(Yuan(99.5m)));

    [Fact]
    public void Reduction_subtracts_yuan() =>
        Assert.Equal(Yuan(79.5m), PriceFormula.Parse("-20").Apply(Yuan(99.5m)));

    [Fact]
    public void Reduction_never_goes_below_zero() =>
        Assert.Equal(Money.Zero, PriceFormula.Parse("-20").Apply(Yuan(15m)));

    [Theory]
    [InlineData("99.99", null)]        // no tier reached: the formula does not apply
    [InlineData("100", "90")]          // threshold exactly met
    [InlineData("199.99", "189.99")]
    [InlineData("200", "175")]         // best reached tier, not the first
    [InlineData("600", "520")]
    public void Tiers_take_the_best_reached_tier(string price, string? expected)
    {
        var formula = PriceFormula.Parse("满100-10\n满200-25；满500-80");
        var result = formula.Apply(Yuan(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(expected is null ? null : Yuan(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)), result);
    }

    [Fact]
    public void Tier_reduction_never_goes_below_zero() =>
        Assert.Equal(Money.Zero, PriceFormula.Parse("满0-50").Apply(Yuan(30m)));

    [Theory]
    [InlineData("*1.2")]
    [InlineData("*abc")]
    [InlineData("*")]
    [InlineData("-0")]
    [InlineData("-abc")]
    [InlineData("-1.234")]
    [InlineData("满100")]
    [InlineData("满100-0")]
    [InlineData("100-10")]
    [InlineData("满100-10\n打八折")]
    [InlineData("0.8")]
    public void Malformed_formulas_are_refused_with_a_reason(string sale)
    {
        Assert.False(PriceFormula.TryParse(sale, out _, out var error));
        Assert.Contains(sale.Split('\n')[^1].Trim(), error);
        Assert.Throws<FormatException>(() => PriceFormula.Parse(sale));
    }
}
