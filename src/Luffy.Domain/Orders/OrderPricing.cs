using Luffy.Domain.Coupons;

namespace Luffy.Domain.Orders;

/// <summary>
/// A line before the order-level deductions: option price and real price after the policy, and the course and its
/// category (what a scoped coupon looks at).
/// </summary>
public readonly record struct PricedLine(Money Price, Money RealPrice, int CourseId = 0, int CategoryId = 0);

/// <summary>The priced order: totals, deductions, and each line's share so that the lines add up to <see cref="RealPrice"/>.</summary>
public sealed record OrderQuote(Money TotalPrice, Money CouponDiscount, Money AfterCoupon, long Credits, Money CreditDiscount, Money RealPrice, IReadOnlyList<Money> LineRealPrices);

public static class OrderPricing
{
    /// <summary>
    /// total = Σ line real prices; the coupon applies to the total of its in-scope lines (all of them when it is not
    /// scoped; never below 0); then the credits.
    /// A whole-order coupon's deduction and the credits are spread together over the lines in proportion to their real
    /// prices; a scoped coupon's deduction is spread over its in-scope lines first, then the credits over all lines.
    /// Remainders (largest first) are placed a fen at a time, so no line goes negative and the lines add up exactly.
    /// </summary>
    public static OrderQuote Quote(IReadOnlyList<PricedLine> lines, AppliedCoupon? coupon, long credits, int creditsPerYuan)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(credits);
        var total = Total(lines);
        var afterCoupon = AfterCoupon(lines, coupon);
        var creditDiscount = Credits.Value(credits, creditsPerYuan);
        if (creditDiscount > afterCoupon)
            throw new ArgumentOutOfRangeException(nameof(credits), "Credits worth more than the price left after the coupon.");
        var real = afterCoupon - creditDiscount;
        var prices = lines.Select(l => l.RealPrice).ToList();
        if (coupon is null || coupon.Reach.IsWholeOrder)
            return new OrderQuote(total, total - afterCoupon, afterCoupon, credits, creditDiscount, real, Allocate(prices, total - real));

        var covered = coupon.Reach.Covers(lines);
        var inScope = Enumerable.Range(0, lines.Count).Where(i => covered[i]).ToList();
        var inScopeAfter = Allocate(inScope.Select(i => prices[i]).ToList(), total - afterCoupon);
        for (var k = 0; k < inScope.Count; k++)
            prices[inScope[k]] = inScopeAfter[k];
        return new OrderQuote(total, total - afterCoupon, afterCoupon, credits, creditDiscount, real, Allocate(prices, creditDiscount));
    }

    /// <summary>What is left of the order's total after the coupon (its in-scope lines' total through its formula).</summary>
    public static Money AfterCoupon(IReadOnlyList<PricedLine> lines, AppliedCoupon? coupon)
    {
        var total = Total(lines);
        if (coupon is null)
            return total;
        if (coupon.Reach.IsWholeOrder)
            return coupon.Sale.Apply(total);
        var covered = coupon.Reach.Covers(lines);
        var inScope = Money.Zero;
        for (var i = 0; i < lines.Count; i++)
            if (covered[i])
                inScope += lines[i].RealPrice;
        return total - inScope + coupon.Sale.Apply(inScope);
    }

    private static Money Total(IReadOnlyList<PricedLine> lines) => lines.Aggregate(Money.Zero, (sum, l) => sum + l.RealPrice);

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
