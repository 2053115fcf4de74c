namespace Luffy.Domain.Orders;

public enum OrderStatus
{
    Unpaid = 0,
    Paid = 1,
    Cancelled = 2,
    TimedOut = 3,
    Refunded = 4,
    /// <summary>Some lines refunded, the others kept (部分退款).</summary>
    PartlyRefunded = 5,
}

public enum PayType
{
    Alipay = 1,
    WeChat = 2,
}

/// <summary>How a course was obtained (UserCourse.buy_type).</summary>
public enum BuyType
{
    Alipay = 0,
    WeChat = 1,
    Free = 2,
    Gift = 3,
    System = 4,
}

public static class OrderTexts
{
    /// <summary>The answer for an order number that is not the caller's (or not at all): the same either way.</summary>
    public const string NoSuchOrder = "订单不存在";

    public static string Status(OrderStatus status) => status switch
    {
        OrderStatus.Unpaid => "未支付",
        OrderStatus.Paid => "已支付",
        OrderStatus.Cancelled => "已取消",
        OrderStatus.TimedOut => "超时取消",
        OrderStatus.Refunded => "已退款",
        OrderStatus.PartlyRefunded => "部分退款",
        _ => status.ToString(),
    };
}
