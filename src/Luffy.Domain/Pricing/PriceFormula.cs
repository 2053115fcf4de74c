using System.Globalization;
using System.Text.RegularExpressions;

namespace Luffy.Domain.Pricing;

/// <summary>
/// The discount formula of a price policy (the tutorial's <c>sale</c> field):
/// empty = free (限时免费), <c>*0.8</c> = rate (限时折扣), <c>-20</c> = reduction in yuan (限时减免),
/// one or more <c>满100-10</c> tiers separated by new lines, commas or semicolons (满减).
/// </summary>
public abstract partial record PriceFormula
{
    /// <summary>The price after the formula, or null when the formula does not apply (no 满减 tier reached).</summary>
    public abstract Money? Apply(Money price);

    public static PriceFormula Parse(string? sale) =>
        TryParse(sale, out var formula, out var error) ? formula : throw new FormatException(error);

    public static bool TryParse(string? sale, out PriceFormula formula, out string error)
    {
        formula = Free.Instance;
        error = "";
        var text = (sale ?? "").Trim();
        if (text.Length == 0)
            return true;

        if (text[0] == '*')
        {
            if (decimal.TryParse(text[1..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate)
                && rate is >= 0m and <= 1m)
            {
                formula = new Rate(rate);
                return true;
            }
            error = $"折扣公式 \"{text}\" 无效：* 后应为 0 到 1 之间的折扣率，例如 *0.8";
            return false;
        }

        if (text[0] == '-')
        {
            if (Money.TryParseYuan(text[1..], out var amount) && amount > Money.Zero)
            {
                formula = new Reduce(amount);
                return true;
            }
            error = $"减免公式 \"{text}\" 无效：- 后应为大于 0 的金额（最多两位小数），例如 -20";
            return false;
        }

        var tiers = new List<Tier>();
        foreach (var part in TierSeparator().Split(text))
        {
            if (part.Length == 0)
                continue;
            var match = TierPattern().Match(part);
            if (!match.Success
                || !Money.TryParseYuan(match.Groups["threshold"].Value, out var threshold)
                || !Money.TryParseYuan(match.Groups["off"].Value, out var off)
                || off <= Money.Zero)
            {
                error = $"满减公式 \"{part}\" 无效：应为 满金额-减免金额，例如 满100-10";
                return false;
            }
            tiers.Add(new Tier(threshold, off));
        }
        formula = new Tiered(tiers);
        return true;
    }

    public sealed record Free : PriceFormula
    {
        public static readonly Free Instance = new();
        public override Money? Apply(Money price) => Money.Zero;
    }

    public sealed record Rate(decimal Value) : PriceFormula
    {
        public override Money? Apply(Money price) => price.Times(Value);
    }

    public sealed record Reduce(Money Amount) : PriceFormula
    {
        public override Money? Apply(Money price) => (price - Amount).AtLeastZero();
    }

    public readonly record struct Tier(Money Threshold, Money Off);

    public sealed record Tiered(IReadOnlyList<Tier> Tiers) : PriceFormula
    {
        public override Money? Apply(Money price)
        {
            Money? best = null;
            foreach (var tier in Tiers)
                if (price >= tier.Threshold && (best is null || tier.Off > best.Value))
                    best = tier.Off;
            return best is { } off ? (price - off).AtLeastZero() : null;
        }
    }

    [GeneratedRegex(@"[\r\n,，;；]+")]
    private static partial Regex TierSeparator();

    [GeneratedRegex(@"^\s*满\s*(?<threshold>\d+(\.\d+)?)\s*-\s*(?<off>\d+(\.\d+)?)\s*$")]
    private static partial Regex TierPattern();
}
