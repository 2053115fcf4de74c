using System.Globalization;

namespace Luffy.Domain.Coupons;

public enum CouponType
{
    /// <summary>折扣优惠: <c>*0.82</c>.</summary>
    Discount = 0,
    /// <summary>减免优惠: <c>-10</c> yuan.</summary>
    Reduction = 1,
}

/// <summary>A coupon's formula (<c>sale</c>), checked against its type when the coupon is saved.</summary>
public abstract record CouponSale
{
    /// <summary>The order total after the coupon, never below zero.</summary>
    public abstract Money Apply(Money total);

    public static bool TryParse(CouponType type, string? sale, out CouponSale result, out string error)
    {
        result = null!;
        error = "";
        var text = (sale ?? "").Trim();
        switch (type)
        {
            case CouponType.Discount when text.StartsWith('*')
                && decimal.TryParse(text[1..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate)
                && rate is > 0m and <= 1m:
                result = new DiscountSale(rate);
                return true;
            case CouponType.Reduction when text.StartsWith('-')
                && Money.TryParseYuan(text[1..], out var amount) && amount > Money.Zero:
                result = new ReductionSale(amount);
                return true;
            case CouponType.Discount:
                error = $"折扣优惠券的公式 \"{text}\" 无效，应为 * 加 0 到 1 之间的折扣率，例如 *0.82";
                return false;
            default:
                error = $"减免优惠券的公式 \"{text}\" 无效，应为 - 加大于 0 的金额，例如 -10";
                return false;
        }
    }

    public static CouponSale Parse(CouponType type, string? sale) =>
        TryParse(type, sale, out var result, out var error) ? result : throw new FormatException(error);

    public sealed record DiscountSale(decimal Rate) : CouponSale
    {
        public override Money Apply(Money total) => total.Times(Rate).AtLeastZero();
    }

    public sealed record ReductionSale(Money Amount) : CouponSale
    {
        public override Money Apply(Money total) => (total - Amount).AtLeastZero();
    }
}
