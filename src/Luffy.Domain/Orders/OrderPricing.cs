using Luffy.Domain.Coupons;

namespace Luffy.Domain.Orders;

/// <summary>A line before the order-level deductions: option price and real price after the policy.</summary>
public readonly record struct PricedLine(Money Price, Money RealPrice);

/// <summary>The priced order: totals, deductions, and each line's share so that the lines add up to <see cref="RealPrice"/>.</summary>
public sealed record OrderQuote(Money TotalPrice, Money CouponDiscount, Money AfterCoupon, long Credits, Money CreditDiscount, Money RealPrice, IReadOnlyList<Money> LineRealPrices);

public static class OrderPricing
{
    /// <summary>
    /// total = Σ line real prices; the coupon applies to the total (never below 0); then the credits.
    /// The deduction is spread over the lines in proportion to their real prices, remainders (largest first)
    /// placed a fen at a time, so no line goes negative and the lines add up exactly.
    /// </summary>
    public static OrderQuote Quote(IReadOnlyList<PricedLine> lines, CouponSale? coupon, long credits, int creditsPerYuan)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(credits);
        var total = Money.Zero;
        foreach (var line in lines)
            total += line.RealPrice;
        var afterCoupon = coupon?.Apply(total) ?? total;
        var creditDiscount = Credits.Value(credits, creditsPerYuan);
        if (creditDiscount > afterCoupon)
            throw new ArgumentOutOfRangeException(nameof(credits), "Credits worth more than the price left after the coupon.");
        var real = afterCoupon - creditDiscount;
        return new OrderQuote(total, total - afterCoupon, afterCoupon, credits, creditDiscount, real,
            Allocate(lines.Select(l => l.RealPrice).ToList(), total - real));
    }

    /// <summary>Subtracts <paramref name="deduction"/> (≤ Σ prices) from the prices in proportion to them.</summary>
    public static IReadOnlyList<Money> Allocate(IReadOnlyList<Money> prices, Money deduction)
    {
        var total = prices.Aggregate(0L, (sum, p) => sum + p.Fen);
        if (deduction.Fen < 0 || deduction.Fen > total)
            throw new ArgumentOutOfRangeException(nameof(deduction));
        if (deduction.IsZero)
            return prices;

        var shares = new long[prices.Count];
        var remainders = new (Int128 Remainder, int Index)[prices.Count];
        long given = 0;
        for (var i = 0; i < prices.Count; i++)
        {
            var exact = (Int128)deduction.Fen * prices[i].Fen;
            shares[i] = (long)(exact / total);
            remainders[i] = (exact % total, i);
            given += shares[i];
        }
        // Largest remainders first; ties go to the earlier line.
        Array.Sort(remainders, (a, b) => a.Remainder != b.Remainder ? b.Remainder.CompareTo(a.Remainder) : a.Index.CompareTo(b.Index));
        for (var k = 0; given < deduction.Fen; k++, given++)
            shares[remainders[k].Index]++;

        return prices.Select((p, i) => new Money(p.Fen - shares[i])).ToList();
    }
}
