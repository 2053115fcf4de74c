namespace Luffy.Domain.Orders;

/// <summary>贝里: <c>creditsPerYuan</c> credits make one yuan.</summary>
public static class Credits
{
    /// <summary>What <paramref name="credits"/> are worth, rounded half up to the fen.</summary>
    public static Money Value(long credits, int creditsPerYuan) =>
        new(checked((long)Math.Round(credits * 100m / creditsPerYuan, MidpointRounding.AwayFromZero)));

    /// <summary>The most credits that may pay for <paramref name="price"/> (never more than it is worth), capped by the balance.</summary>
    public static long MaxFor(Money price, int creditsPerYuan, long balance) =>
        Math.Max(0, Math.Min(balance, price.Fen * creditsPerYuan / 100));
}
