using Luffy.Domain.Orders;

namespace Luffy.Domain.Tests;

public class RefundRulesTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 4, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Credit_shares_follow_what_each_line_cost_in_money_and_add_up()
    {
        Money Y(decimal yuan) => Money.FromYuan(yuan);
        Assert.Equal([67, 33], RefundRules.CreditShares(100, [Y(200m), Y(100m)], [Y(200m), Y(100m)]));
        // A coupon scoped to the first line took it to 0: the credits were all spent on the second line.
        Assert.Equal([0, 50], RefundRules.CreditShares(50, [Y(0m), Y(95m)], [Y(100m), Y(100m)]));
        // Nothing paid in money: by the prices after the policy.
        Assert.Equal([30, 10], RefundRules.CreditShares(40, [Y(0m), Y(0m)], [Y(3m), Y(1m)]));
        // The remainder goes to the largest fraction, ties to the earlier line.
        Assert.Equal([2, 1], RefundRules.CreditShares(3, [Y(1m), Y(1m)], [Y(1m), Y(1m)]));
        Assert.Equal([0, 0], RefundRules.CreditShares(0, [Y(1m), Y(1m)], [Y(1m), Y(1m)]));
        Assert.Equal([5, 0], RefundRules.CreditShares(5, [Money.Zero, Money.Zero], [Money.Zero, Money.Zero]));
        Assert.Equal(997, RefundRules.CreditShares(997, [Y(33.33m), Y(66.67m), Y(0.01m)], [Y(40m), Y(70m), Y(1m)]).Sum());
    }

    [Fact]
    public void A_timed_line_takes_back_what_is_left_of_its_own_period()
    {
        // Bought today for 30 days, refunded at once: nothing left, and the purchase was this order's only → removed.
        Assert.Equal(new PurchaseAfterRefund(true, null), RefundRules.TakeBack(T0.AddDays(30), new LineGrant(T0, T0.AddDays(30), false, null), T0.AddHours(1)));
        // Two orders of 30 days: refunding the second leaves the first's end.
        Assert.Equal(new PurchaseAfterRefund(false, T0.AddDays(30)),
            RefundRules.TakeBack(T0.AddDays(60), new LineGrant(T0.AddDays(30), T0.AddDays(60), true, T0.AddDays(30)), T0.AddDays(1)));
        // Refunding the first 10 days in: its 20 days left go, the second order's 30 stay.
        Assert.Equal(new PurchaseAfterRefund(false, T0.AddDays(40)),
            RefundRules.TakeBack(T0.AddDays(60), new LineGrant(T0, T0.AddDays(30), false, null), T0.AddDays(10)));
        // A period already over takes nothing.
        Assert.Equal(new PurchaseAfterRefund(false, T0.AddDays(90)),
            RefundRules.TakeBack(T0.AddDays(90), new LineGrant(T0, T0.AddDays(30), false, null), T0.AddDays(45)));
        // Made permanent by another order since: stays permanent.
        Assert.Equal(new PurchaseAfterRefund(false, null), RefundRules.TakeBack(null, new LineGrant(T0, T0.AddDays(30), false, null), T0.AddDays(1)));
        // Had an expired purchase before: kept (expired), not removed.
        Assert.Equal(new PurchaseAfterRefund(false, T0.AddDays(1)),
            RefundRules.TakeBack(T0.AddDays(30), new LineGrant(T0, T0.AddDays(30), true, T0.AddDays(-5)), T0.AddDays(1)));
    }

    [Fact]
    public void A_permanent_line_returns_the_purchase_to_what_it_was()
    {
        Assert.Equal(new PurchaseAfterRefund(false, T0.AddDays(30)), RefundRules.TakeBack(null, new LineGrant(T0, null, true, T0.AddDays(30)), T0.AddDays(1)));
        Assert.Equal(new PurchaseAfterRefund(true, null), RefundRules.TakeBack(null, new LineGrant(T0, null, false, null), T0.AddDays(1)));
        // Timed again meanwhile (an operator): left alone.
        Assert.Equal(new PurchaseAfterRefund(false, T0.AddDays(9)), RefundRules.TakeBack(T0.AddDays(9), new LineGrant(T0, null, false, null), T0.AddDays(1)));
    }

    [Fact]
    public void A_line_paid_before_grants_were_recorded_counts_its_days_from_the_payment()
    {
        Assert.Equal(new LineGrant(T0, T0.AddDays(30), false, null), RefundRules.Legacy(T0, 30));
        Assert.Equal(new LineGrant(T0, null, false, null), RefundRules.Legacy(T0, 0));
    }
}
