using System.Globalization;

namespace Luffy.Infrastructure.Alipay;

/// <summary>How the protocol writes amounts and times.</summary>
public static class AlipayFormats
{
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss";
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>Yuan with two decimals, invariant: <c>99.50</c>.</summary>
    public static string Amount(Money money) => money.ToString();

    /// <summary>A strict amount: digits, a point and exactly two decimals, positive, at most 100000000.00.</summary>
    public static bool TryParseAmount(string? text, out Money money)
    {
        money = Money.Zero;
        if (text is null || text.Length < 4 || text[^3] != '.' || !text.All(c => char.IsAsciiDigit(c) || c == '.'))
            return false;
        return Money.TryParseYuan(text, out money) && money > Money.Zero && money <= Money.FromYuan(100_000_000m);
    }

    /// <summary>China time, as Alipay writes it.</summary>
    public static string Time(DateTime utc) => utc.Add(ChinaOffset).ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static bool TryParseTime(string? text, out DateTime utc)
    {
        utc = default;
        if (!DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return false;
        utc = DateTime.SpecifyKind(local - ChinaOffset, DateTimeKind.Utc);
        return true;
    }
}
