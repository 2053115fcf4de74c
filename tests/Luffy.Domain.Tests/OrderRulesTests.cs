using System.Globalization;
using Luffy.Domain.Coupons;
using Luffy.Domain.Orders;

namespace Luffy.Domain.Tests;

public class CouponRulesTests
{
    private static readonly DateTime Start = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    private static CouponHolding Coupon(
        bool isUse = false, bool held = false, decimal condition = 0, bool revoked = false,
        DateTime? windowStart = null, DateTime? windowEnd = null, CouponReach? reach = null) =>
        new(OwnerId: 7, Start, TimerDays: 30, windowStart, windowEnd, isUse, held, revoked, Money.FromYuan(condition), reach ?? CouponReach.WholeOrder);

    /// <summary>An order of one line of course 1 in category 1.</summary>
    private static PricedLine[] Total(decimal yuan) => [Line(1, 1, yuan)];

    private static PricedLine Line(int courseId, int categoryId, decimal yuan) =>
        new(Money.FromYuan(yuan), Money.FromYuan(yuan), courseId, categoryId);

    [Fact]
    public void Usable_inside_the_window_from_its_first_to_its_last_instant()
    {
        Assert.Null(CouponRules.WhyUnusable(Coupon(), 7, Total(1), Start));
        Assert.Null(CouponRules.WhyUnusable(Coupon(), 7, Total(1), Start.AddDays(30).AddTicks(-1)));
    }

    [Fact]
    public void Not_yet_started_and_expired_are_refused_with_the_reason()
    {
        Assert.Contains("尚未生效", CouponRules.WhyUnusable(Coupon(), 7, Total(1), Start.AddTicks(-1)));
        Assert.Contains("已过期", CouponRules.WhyUnusable(Coupon(), 7, Total(1), Start.AddDays(30)));
    }

    [Fact]
    public void Used_and_held_are_refused()
    {
        Assert.Contains("已使用", CouponRules.WhyUnusable(Coupon(isUse: true), 7, Total(1), Start));
        Assert.Contains("未支付的订单", CouponRules.WhyUnusable(Coupon(isUse: true, held: true), 7, Total(1), Start));
    }

    [Fact]
    public void Condition_exactly_met_is_usable_and_one_fen_short_is_not()
    {
        Assert.Null(CouponRules.WhyUnusable(Coupon(condition: 100), 7, Total(100), Start));
        Assert.Contains("未满 100.00 元", CouponRules.WhyUnusable(Coupon(condition: 100), 7, Total(99.99m), Start));
    }

    [Fact]
    public void Without_a_total_the_condition_is_not_judged() =>
        Assert.Null(CouponRules.WhyUnusable(Coupon(condition: 100), 7, null, Start));

    [Fact]
    public void A_fixed_window_replaces_the_timer_days()
    {
        var from = Start.AddDays(100);
        var coupon = Coupon(windowStart: from, windowEnd: from.AddDays(2));
        Assert.Contains("尚未生效", CouponRules.WhyUnusable(coupon, 7, Total(1), Start));
        Assert.Null(CouponRules.WhyUnusable(coupon, 7, Total(1), from));
        Assert.Null(CouponRules.WhyUnusable(coupon, 7, Total(1), from.AddDays(2).AddTicks(-1)));
        Assert.Contains("已过期", CouponRules.WhyUnusable(coupon, 7, Total(1), from.AddDays(2)));
        Assert.Equal(from.AddDays(2), coupon.ValidUntil);
    }

    [Fact]
    public void A_revoked_coupon_is_unusable_even_in_the_coupon_list()
    {
        Assert.Contains("已收回", CouponRules.WhyUnusable(Coupon(revoked: true), 7, Total(1), Start));
        Assert.Contains("已收回", CouponRules.WhyUnusable(Coupon(revoked: true), 7, null, Start));
    }

    [Fact]
    public void A_scoped_coupon_needs_an_in_scope_line_and_meets_its_condition_with_those_lines_only()
    {
        var byCourse = new CouponReach([2], []);
        var byCategory = new CouponReach([], [5]);
        PricedLine[] order = [Line(1, 1, 500), Line(2, 1, 80), Line(3, 5, 30)];

        Assert.Contains("没有适用", CouponRules.WhyUnusable(Coupon(reach: byCourse), 7, [Line(1, 1, 500)], Start));
        Assert.Null(CouponRules.WhyUnusable(Coupon(condition: 80, reach: byCourse), 7, order, Start));
        Assert.Contains("适用课程的金额未满 100.00 元", CouponRules.WhyUnusable(Coupon(condition: 100, reach: byCourse), 7, order, Start));
        Assert.Null(CouponRules.WhyUnusable(Coupon(condition: 30, reach: byCategory), 7, order, Start));
        Assert.Contains("未满 31.00 元", CouponRules.WhyUnusable(Coupon(condition: 31, reach: byCategory), 7, order, Start));
        Assert.Null(CouponRules.WhyUnusable(Coupon(condition: 110, reach: new CouponReach([2], [5])), 7, order, Start));
    }

    [Fact]
    public void Another_users_coupon_gets_the_bare_refusal() =>
        Assert.Equal("优惠券不可用", CouponRules.WhyUnusable(Coupon(isUse: true), 8, Total(1), Start.AddYears(1)));
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
    private static PricedLine Line(long fen, int courseId = 0, int categoryId = 0) => new(new Money(fen), new Money(fen), courseId, categoryId);

    private static AppliedCoupon Whole(CouponType type, string sale) => new(CouponSale.Parse(type, sale), CouponReach.WholeOrder);

    [Fact]
    public void Coupon_on_the_total_then_credits()
    {
        var quote = OrderPricing.Quote([Line(10000), Line(5000)], Whole(CouponType.Discount, "*0.9"), 100, 10);
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
        var quote = OrderPricing.Quote([Line(500)], Whole(CouponType.Reduction, "-10"), 0, 10);
        Assert.Equal(Money.Zero, quote.RealPrice);
        Assert.Equal([0L], quote.LineRealPrices.Select(m => m.Fen));
    }

    [Fact]
    public void A_scoped_coupon_deducts_from_its_in_scope_lines_only_then_credits_spread_over_all()
    {
        // Course 2 and category 5 are in scope: ¥100 and ¥50 of the ¥250; *0.8 takes ¥30 from them alone.
        var coupon = new AppliedCoupon(CouponSale.Parse(CouponType.Discount, "*0.8"), new CouponReach([2], [5]));
        var quote = OrderPricing.Quote([Line(10000, 1, 1), Line(10000, 2, 1), Line(5000, 3, 5)], coupon, 100, 10);
        Assert.Equal(25000, quote.TotalPrice.Fen);
        Assert.Equal(3000, quote.CouponDiscount.Fen);
        Assert.Equal(22000, quote.AfterCoupon.Fen);
        Assert.Equal(21000, quote.RealPrice.Fen);
        // Coupon: 8000 and 4000 for the in-scope lines; then ¥10 of credits over 10000/8000/4000.
        Assert.Equal([9546, 7636, 3818], quote.LineRealPrices.Select(m => m.Fen));
        Assert.Equal(22000, OrderPricing.AfterCoupon([Line(10000, 1, 1), Line(10000, 2, 1), Line(5000, 3, 5)], coupon).Fen);
    }

    [Fact]
    public void A_scoped_reduction_takes_at_most_its_in_scope_lines()
    {
        var coupon = new AppliedCoupon(CouponSale.Parse(CouponType.Reduction, "-100"), new CouponReach([2], []));
        var quote = OrderPricing.Quote([Line(10000, 1), Line(3000, 2)], coupon, 0, 10);
        Assert.Equal(3000, quote.CouponDiscount.Fen);
        Assert.Equal([10000, 0], quote.LineRealPrices.Select(m => m.Fen));
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
                .Select(_ => Line(random.Next(4) == 0 ? 0 : random.Next(1, 100_000), random.Next(4), random.Next(4))).ToList();
            CouponSale? sale = random.Next(3) switch
            {
                0 => null,
                1 => CouponSale.Parse(CouponType.Discount, "*" + (random.Next(1, 101) / 100m).ToString(CultureInfo.InvariantCulture)),
                _ => CouponSale.Parse(CouponType.Reduction, "-" + random.Next(1, 2000).ToString(CultureInfo.InvariantCulture)),
            };
            // Half the coupons reach only some courses (ids 0 to 3).
            var reach = random.Next(2) == 0 ? CouponReach.WholeOrder : new CouponReach([random.Next(4)], [random.Next(4)]);
            var coupon = sale is null ? null : new AppliedCoupon(sale, reach);
            var rate = rates[random.Next(rates.Length)];
            var max = Credits.MaxFor(OrderPricing.AfterCoupon(lines, coupon), rate, long.MaxValue);
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
