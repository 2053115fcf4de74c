namespace Luffy.Domain.Orders;

/// <summary>What a paid line gave its purchase: the period it added (<see cref="Until"/> null = it made it permanent) and what was there before.</summary>
public readonly record struct LineGrant(DateTime From, DateTime? Until, bool HadPurchase, DateTime? OutTimeBefore);

/// <summary>A purchase after a refund: kept with this end (null = permanent), or removed (this line was all it had).</summary>
public readonly record struct PurchaseAfterRefund(bool Remove, DateTime? OutTime);

/// <summary>What a refund gives back and takes back.</summary>
public static class RefundRules
{
    /// <summary>
    /// The credits each line spent: the order's credits spread over all its lines in proportion to what each line
    /// cost in money (<paramref name="realPrices"/>; checkout spreads the credits in proportion to the prices after the
    /// coupon, and what is left after the credits keeps that proportion, a scoped coupon's lines included), or to the
    /// policy prices when nothing was paid in money. Largest remainder, ties to the earlier line: the shares add up to
    /// the credits, and a line's share does not depend on which lines are refunded.
    /// </summary>
    public static long[] CreditShares(long credits, IReadOnlyList<Money> realPrices, IReadOnlyList<Money> policyPrices)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(credits);
        var weights = realPrices.Sum(p => p.Fen) > 0 ? realPrices : policyPrices;
        var shares = new long[weights.Count];
        var total = weights.Sum(p => p.Fen);
        if (credits == 0 || weights.Count == 0)
            return shares;
        if (total <= 0)
        {
            // Free lines only: the credits go to the first line (there is nothing to weigh them by).
            shares[0] = credits;
            return shares;
        }
        var remainders = new (Int128 Remainder, int Index)[weights.Count];
        long given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = (Int128)credits * weights[i].Fen;
            shares[i] = (long)(exact / total);
            remainders[i] = (exact % total, i);
            given += shares[i];
        }
        Array.Sort(remainders, (a, b) => a.Remainder != b.Remainder ? b.Remainder.CompareTo(a.Remainder) : a.Index.CompareTo(b.Index));
        for (var k = 0; given < credits; k++, given++)
            shares[remainders[k].Index]++;
        return shares;
    }

    /// <summary>
    /// Takes back what <paramref name="grant"/> gave a purchase now ending at <paramref name="current"/> (null =
    /// permanent). A timed line removes what is left of its own period: the part before now was used, and the periods of
    /// other orders (before or after it) stay. A line that made the purchase permanent returns it to its end before.
    /// A purchase this line created and nothing else keeps valid is removed.
    /// </summary>
    public static PurchaseAfterRefund TakeBack(DateTime? current, LineGrant grant, DateTime now)
    {
        if (grant.Until is null)
        {
            // Another change since made it timed again (an operator): leave it as it is.
            if (current is not null)
                return new PurchaseAfterRefund(false, current);
            return grant.HadPurchase ? new PurchaseAfterRefund(false, grant.OutTimeBefore) : new PurchaseAfterRefund(true, null);
        }
        // Permanent through another order: nothing of this line's period counts any more.
        if (current is not { } end)
            return new PurchaseAfterRefund(false, null);
        var start = grant.From > now ? grant.From : now;
        var left = grant.Until.Value > start ? grant.Until.Value - start : TimeSpan.Zero;
        var after = end - left;
        if (!grant.HadPurchase && after <= now)
            return new PurchaseAfterRefund(true, null);
        return new PurchaseAfterRefund(false, after);
    }

    /// <summary>
    /// The grant of a line paid before grants were recorded: its days from the payment (or permanent), over no earlier
    /// purchase.
    /// </summary>
    public static LineGrant Legacy(DateTime payTime, int expireDays) =>
        new(payTime, expireDays == 0 ? null : payTime.AddDays(expireDays), false, null);
}
