using System.Text.Json;

namespace Luffy.Domain.Tests;

public class MoneyTests
{
    [Theory]
    [InlineData(9950, "99.50")]
    [InlineData(9900, "99.00")]
    [InlineData(1, "0.01")]
    [InlineData(0, "0.00")]
    [InlineData(-250, "-2.50")]
    public void Yuan_always_has_two_decimals_in_json(long fen, string json) =>
        Assert.Equal(json, JsonSerializer.Serialize(new Money(fen).Yuan));

    [Theory]
    [InlineData(0.005, 1)]    // half a fen rounds away from zero
    [InlineData(0.0049, 0)]
    [InlineData(99.995, 10000)]
    [InlineData(-0.005, -1)]
    public void FromYuan_rounds_half_away_from_zero_to_the_fen(double yuan, long fen) =>
        Assert.Equal(fen, Money.FromYuan((decimal)yuan).Fen);

    [Theory]
    [InlineData(9950, "0.8", 7960)]
    [InlineData(9999, "0.85", 8499)]   // 8499.15
    [InlineData(3, "0.5", 2)]          // 1.5 fen -> 2
    [InlineData(5, "0.1", 1)]          // 0.5 fen -> 1
    public void Times_rounds_half_up_to_the_fen(long fen, string rate, long expected) =>
        Assert.Equal(expected, new Money(fen).Times(decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture)).Fen);

    [Theory]
    [InlineData("10", true, 1000)]
    [InlineData("9.9", true, 990)]
    [InlineData("0.01", true, 1)]
    [InlineData("0.001", false, 0)]
    [InlineData("-1", false, 0)]
    [InlineData("abc", false, 0)]
    [InlineData("", false, 0)]
    public void TryParseYuan_takes_at_most_two_decimals(string text, bool ok, long fen)
    {
        Assert.Equal(ok, Money.TryParseYuan(text, out var money));
        Assert.Equal(fen, money.Fen);
    }
}
