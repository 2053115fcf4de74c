using System.Globalization;

namespace Luffy.Domain;

/// <summary>An amount of money in integer fen (1 yuan = 100 fen); no floating point touches a price.</summary>
public readonly record struct Money(long Fen) : IComparable<Money>
{
    public static readonly Money Zero = new(0);

    public static Money FromYuan(decimal yuan) => new(checked((long)RoundHalfUp(yuan * 100m)));

    /// <summary>The amount in yuan with exactly two decimals (99.50, never 99.5 or 99.4999).</summary>
    public decimal Yuan
    {
        get
        {
            var magnitude = Fen == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(Fen);
            return new decimal((int)(magnitude & 0xFFFFFFFF), (int)(magnitude >> 32), 0, Fen < 0, 2);
        }
    }

    public bool IsZero => Fen == 0;

    /// <summary>Multiplies by a rate and rounds half away from zero to the fen.</summary>
    public Money Times(decimal rate) => new(checked((long)RoundHalfUp(Fen * rate)));

    public Money AtLeastZero() => Fen < 0 ? Zero : this;

    public static Money operator +(Money a, Money b) => new(checked(a.Fen + b.Fen));
    public static Money operator -(Money a, Money b) => new(checked(a.Fen - b.Fen));
    public static bool operator <(Money a, Money b) => a.Fen < b.Fen;
    public static bool operator >(Money a, Money b) => a.Fen > b.Fen;
    public static bool operator <=(Money a, Money b) => a.Fen <= b.Fen;
    public static bool operator >=(Money a, Money b) => a.Fen >= b.Fen;

    public int CompareTo(Money other) => Fen.CompareTo(other.Fen);

    public override string ToString() => Yuan.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Parses a yuan amount with at most two decimals ("10", "9.9", "0.01").</summary>
    public static bool TryParseYuan(string text, out Money money)
    {
        money = Zero;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
            return false;
        var fen = yuan * 100m;
        if (fen != decimal.Truncate(fen) || fen > long.MaxValue)
            return false;
        money = new Money((long)fen);
        return true;
    }

    private static decimal RoundHalfUp(decimal value) => Math.Round(value, 0, MidpointRounding.AwayFromZero);
}
