using Luffy.Domain.Orders;

namespace Luffy.Domain.Tests;

public class OrderLifecycleTests
{
    [Theory]
    [InlineData(OrderTransition.Pay, OrderStatus.Unpaid, true)]
    [InlineData(OrderTransition.Pay, OrderStatus.Paid, false)]
    [InlineData(OrderTransition.Pay, OrderStatus.Cancelled, false)]
    [InlineData(OrderTransition.Pay, OrderStatus.TimedOut, false)]
    [InlineData(OrderTransition.Pay, OrderStatus.Refunded, false)]
    [InlineData(OrderTransition.Cancel, OrderStatus.Unpaid, true)]
    [InlineData(OrderTransition.Cancel, OrderStatus.Paid, false)]
    [InlineData(OrderTransition.Cancel, OrderStatus.TimedOut, false)]
    [InlineData(OrderTransition.TimeOut, OrderStatus.Unpaid, true)]
    [InlineData(OrderTransition.TimeOut, OrderStatus.Cancelled, false)]
    [InlineData(OrderTransition.Refund, OrderStatus.Cancelled, true)]
    [InlineData(OrderTransition.Refund, OrderStatus.TimedOut, true)]
    [InlineData(OrderTransition.Refund, OrderStatus.Unpaid, false)]
    [InlineData(OrderTransition.Refund, OrderStatus.Paid, false)]
    [InlineData(OrderTransition.Refund, OrderStatus.Refunded, false)]
    [InlineData(OrderTransition.RefundLines, OrderStatus.Paid, true)]
    [InlineData(OrderTransition.RefundLines, OrderStatus.PartlyRefunded, true)]
    [InlineData(OrderTransition.RefundLines, OrderStatus.Refunded, false)]
    [InlineData(OrderTransition.RefundLines, OrderStatus.Unpaid, false)]
    [InlineData(OrderTransition.RefundLines, OrderStatus.Cancelled, false)]
    public void A_transition_starts_only_from_its_states(OrderTransition transition, OrderStatus from, bool allowed)
    {
        Assert.Equal(allowed, OrderLifecycle.CanStart(transition, from));
        Assert.Equal(allowed, OrderLifecycle.From(transition).Contains(from));
    }

    [Theory]
    [InlineData(OrderTransition.Pay, OrderStatus.Paid)]
    [InlineData(OrderTransition.Cancel, OrderStatus.Cancelled)]
    [InlineData(OrderTransition.TimeOut, OrderStatus.TimedOut)]
    [InlineData(OrderTransition.Refund, OrderStatus.Refunded)]
    public void Each_transition_leads_to_one_state(OrderTransition transition, OrderStatus to) =>
        Assert.Equal(to, OrderLifecycle.Target(transition));

    [Fact]
    public void Only_an_unpaid_orders_price_is_open() =>
        Assert.Equal([OrderStatus.Unpaid], Enum.GetValues<OrderStatus>().Where(OrderLifecycle.PriceIsOpen));
}
