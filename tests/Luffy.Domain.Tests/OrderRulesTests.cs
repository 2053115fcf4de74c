using System.Globalization;
using Luffy.Domain.Coupons;
using Luffy.Domain.Orders;

namespace Luffy.Domain.Tests;

public class CouponRulesTests
{
    private static readonly DateTime Start = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    private static CouponHolding Coupon(bool isUse = false, bool held = false, decimal condition = 0) =>
        new(OwnerId: 7, Start, TimerDays: 30, isUse, held, Money.FromYuan(condition));

    [Fact]
    public void Usable_inside_the_window_from_its_first_to_its_last_instant()
    {
        Assert.Null(CouponRules.WhyUnusable(Coupon(), 7, Money.FromYuan(1), Start));
        Assert.Null(CouponRules.WhyUnusable(Coupon(), 7, Money.FromYuan(1), Start.AddDays(30).AddTicks(-1)));
    }

    [Fact]
    public void Not_yet_started_and_expired_are_refused_with_the_reason()
    {
        Assert.Contains("尚未生效", CouponRules.WhyUnusable(Coupon(), 7, Money.FromYuan(1), Start.AddTicks(-1)));
        Assert.Contains("已过期", CouponRules.WhyUnusable(Coupon(), 7, Money.FromYuan(1), Start.AddDays(30)));
    }

    [Fact]
    public void Used_and_held_are_refused()
    {
        Assert.Contains("已使用", CouponRules.WhyUnusable(Coupon(isUse: true), 7, Money.FromYuan(1), Start));
        Assert.Contains("未支付的订单", CouponRules.WhyUnusable(Coupon(isUse: true, held: true), 7, Money.FromYuan(1), Start));
    }

    [Fact]
    public void Condition_exactly_met_is_usable_and_one_fen_short_is_not()
    {
        Assert.Null(CouponRules.WhyUnusable(Coupon(condition: 100), 7, Money.FromYuan(100), Start));
        Assert.Contains("未满 100.00 元", CouponRules.WhyUnusable(Coupon(condition: 100), 7, Money.FromYuan(99.99m), Start));
    }

    [Fact]
    public void Without_a_total_the_condition_is_not_judged() =>
        Assert.Null(CouponRules.WhyUnusable(Coupon(condition: 100), 7, null, Start));

    [Fact]
    public void Another_users_coupon_gets_the_bare_refusal() =>
        Assert.Equal("优惠券不可用", CouponRules.WhyUnusable(Coupon(isUse: true), 8, Money.FromYuan(1), Start.AddYears(1)));
}

public class CreditsTests
{
    [Theory]
    [InlineData(100, 10, 1000)]   // 100 credits at 10 per yuan = ¥10
    [InlineData(1, 10, 10)]
    [InlineData(1, 3, 33)]        // 33.33 fen rounds to 33
    [InlineData(2, 3, 67)]        // 66.67 fen rounds to 67
    public void Value_in_fen(long credits, int rate, long fen) => Assert.Equal(fen, Credits.Value(credits, rate).Fen);

    [Theory]
    [InlineData(1000, 10, 5000, 100)]  // ¥10 left takes at most 100 credits
    [InlineData(1000, 10, 40, 40)]     // the balance caps it
    [InlineData(999, 10, 5000, 99)]    // never more than the price is worth
    [InlineData(0, 10, 5000, 0)]
    [InlineData(100, 3, 5000, 3)]
    public void Max_for_a_price(long fen, int rate, long balance, long max)
    {
        Assert.Equal(max, Credits.MaxFor(new Money(fen), rate, balance));
        Assert.True(Credits.Value(max, rate).Fen <= fen);
    }
}

public class OrderPricingTests
{
    private static PricedLine Line(long fen) => new(new Money(fen), new Money(fen));

    [Fact]
    public void Coupon_on_the_total_then_credits()
    {
        var quote = OrderPricing.Quote([Line(10000), Line(5000)], CouponSale.Parse(CouponType.Discount, "*0.9"), 100, 10);
        Assert.Equal(15000, quote.TotalPrice.Fen);
        Assert.Equal(13500, quote.AfterCoupon.Fen);
        Assert.Equal(1500, quote.CouponDiscount.Fen);
        Assert.Equal(1000, quote.CreditDiscount.Fen);
        Assert.Equal(12500, quote.RealPrice.Fen);
        Assert.Equal([8333, 4167], quote.LineRealPrices.Select(m => m.Fen));
    }

    [Fact]
    public void Reduction_coupon_never_goes_below_zero()
    {
        var quote = OrderPricing.Quote([Line(500)], CouponSale.Parse(CouponType.Reduction, "-10"), 0, 10);
        Assert.Equal(Money.Zero, quote.RealPrice);
        Assert.Equal([0L], quote.LineRealPrices.Select(m => m.Fen));
    }

    [Fact]
    public void Credits_worth_more_than_what_is_left_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderPricing.Quote([Line(500)], null, 51, 10));

    [Fact]
    public void Remainders_go_to_the_largest_fractions_then_the_earlier_lines() =>
        Assert.Equal([66, 67, 67], OrderPricing.Allocate([new Money(100), new Money(100), new Money(100)], new Money(100)).Select(m => m.Fen));

    [Fact]
    public void Free_lines_take_no_share() =>
        Assert.Equal([0, 500], OrderPricing.Allocate([Money.Zero, new Money(1000)], new Money(500)).Select(m => m.Fen));

    [Fact]
    public void Lines_always_add_up_and_never_go_negative()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var rates = new[] { 10, 1, 3, 7, 100 };
        for (var run = 0; run < 5000; run++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 12))
                .Select(_ => random.Next(4) == 0 ? Line(0) : Line(random.Next(1, 100_000))).ToList();
            CouponSale? coupon = random.Next(3) switch
            {
                0 => null,
                1 => CouponSale.Parse(CouponType.Discount, "*" + (random.Next(1, 101) / 100m).ToString(CultureInfo.InvariantCulture)),
                _ => CouponSale.Parse(CouponType.Reduction, "-" + random.Next(1, 2000).ToString(CultureInfo.InvariantCulture)),
            };
            var rate = rates[random.Next(rates.Length)];
            var total = new Money(lines.Sum(l => l.RealPrice.Fen));
            var max = Credits.MaxFor(coupon?.Apply(total) ?? total, rate, long.MaxValue);
            var credits = random.Next(3) == 0 ? max : (long)(random.NextDouble() * max);

            var quote = OrderPricing.Quote(lines, coupon, credits, rate);

            var context = $"seed {seed}, run {run}";
            Assert.True(quote.RealPrice.Fen >= 0, context);
            Assert.Equal(quote.RealPrice.Fen, quote.LineRealPrices.Sum(m => m.Fen));
            Assert.Equal(quote.AfterCoupon - quote.CreditDiscount, quote.RealPrice);
            for (var i = 0; i < lines.Count; i++)
                Assert.InRange(quote.LineRealPrices[i].Fen, 0, lines[i].RealPrice.Fen);
        }
    }
}

public class OrderNumberAndPurchaseTests
{
    [Fact]
    public void Order_number_is_china_time_user_id_and_five_random_digits()
    {
        var number = OrderNumbers.Create(new DateTime(2026, 12, 1, 17, 30, 5, DateTimeKind.Utc), 42, random: 7);
        Assert.Equal("20261202013005" + "000042" + "00007", number);
        Assert.Equal(OrderNumbers.Length, number.Length);
        Assert.Equal(25, OrderNumbers.Create(DateTime.UtcNow, 1_234_567).Length);
    }

    private static readonly DateTime Now = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void New_purchase_runs_from_now() => Assert.Equal(Now.AddDays(30), Purchases.Extend(false, null, 30, Now));

    [Fact]
    public void Still_valid_purchase_is_extended_from_its_end() =>
        Assert.Equal(Now.AddDays(40), Purchases.Extend(true, Now.AddDays(10), 30, Now));

    [Fact]
    public void Expired_purchase_restarts_from_now() =>
        Assert.Equal(Now.AddDays(30), Purchases.Extend(true, Now.AddDays(-5), 30, Now));

    [Fact]
    public void Permanent_is_null_and_stays_permanent()
    {
        Assert.Null(Purchases.Extend(false, null, 0, Now));
        Assert.Null(Purchases.Extend(true, Now.AddDays(3), 0, Now));
        Assert.Null(Purchases.Extend(true, null, 30, Now));
    }
}
