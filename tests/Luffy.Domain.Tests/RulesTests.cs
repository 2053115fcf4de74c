using Luffy.Domain.Accounts;
using Luffy.Domain.Catalog;
using Luffy.Domain.Coupons;

namespace Luffy.Domain.Tests;

public class RulesTests
{
    [Theory]
    [InlineData("abc", "password1", null, true)]
    [InlineData("ab", "password1", null, false)]
    [InlineData("a_very_long_username_of_33_chars_", "password1", null, false)]
    [InlineData("user-name", "password1", null, false)]
    [InlineData("用户", "password1", null, false)]
    [InlineData("user_01", "1234567", null, false)]
    [InlineData("user_01", "12345678", null, true)]
    [InlineData("user_01", "12345678", "13800138000", true)]
    [InlineData("user_01", "12345678", "12345", false)]
    public void Registration_rules(string username, string password, string? mobile, bool ok) =>
        Assert.Equal(ok, AccountRules.Validate(username, password, mobile) is null);

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, 0)]
    [InlineData(30, 30)]
    [InlineData(-5, -5)]
    public void Minus_one_means_permanent(int input, int normalized) =>
        Assert.Equal(normalized, Validity.Normalize(input));

    [Theory]
    [InlineData(0, "永久有效")]
    [InlineData(30, "1个月有效")]
    [InlineData(180, "6个月有效")]
    [InlineData(365, "1年有效")]
    [InlineData(45, "45天有效")]
    public void Default_validity_texts(int days, string text) => Assert.Equal(text, Validity.DefaultText(days));

    [Theory]
    [InlineData(CouponType.Discount, "*0.82", 10000, 8200)]
    [InlineData(CouponType.Reduction, "-10", 10000, 9000)]
    [InlineData(CouponType.Reduction, "-10", 500, 0)]
    public void Coupon_formulas_apply(CouponType type, string sale, long total, long expected) =>
        Assert.Equal(expected, CouponSale.Parse(type, sale).Apply(new Money(total)).Fen);

    [Theory]
    [InlineData(CouponType.Discount, "-10")]
    [InlineData(CouponType.Discount, "*0")]
    [InlineData(CouponType.Discount, "*1.5")]
    [InlineData(CouponType.Reduction, "*0.9")]
    [InlineData(CouponType.Reduction, "-0")]
    [InlineData(CouponType.Reduction, "10")]
    public void Coupon_formula_must_match_its_type(CouponType type, string sale) =>
        Assert.False(CouponSale.TryParse(type, sale, out _, out _));
}
