namespace Luffy.Web.Tests.Infrastructure;

/// <summary>Paid orders through the real sandbox, for apps on Kestrel (the sandbox's notification reaches the app over HTTP).</summary>
public static class SandboxPayments
{
    /// <summary>
    /// A student (a new one with <paramref name="credit"/> 贝里, or <paramref name="user"/>) orders the courses
    /// (validity <paramref name="expire"/> days, 0 = permanent) with a coupon of <paramref name="coupon"/> and the
    /// credits, and pays at the sandbox; returns the paid order.
    /// </summary>
    public static async Task<(UserClient User, string Number)> PaidOrderAsync(this LuffyApp app, Course[] courses, int expire = 0, long credit = 0,
        string? coupon = null, UserClient? user = null)
    {
        user ??= await app.StudentAsync(credit);
        await user.CartAsync(expire, courses);
        var couponId = coupon is null ? 0 : await app.CouponAsync(user.Id, coupon);
        var created = await user.OrderAsync(couponId, credit);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var number = (await created.JsonAsync()).GetProperty("order").GetString()!;
        await app.PayAsync(user, number);
        return (user, number);
    }

    /// <summary>Opens the cashier (so the sandbox knows the trade), pays there and waits for the notify to fulfil the order.</summary>
    public static async Task PayAsync(this LuffyApp app, UserClient user, string number)
    {
        using var raw = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Anonymous().BaseAddress };
        var url = await user.Http.GetFromJsonAsync<JsonElement>($"/payments/alipay/url/?order_number={number}");
        Assert.Equal(HttpStatusCode.OK, (await raw.GetAsync(url.GetProperty("url").GetString())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await raw.PostAsync($"/alipay-sandbox/sandbox/trades/{number}/pay?notify=true", null)).StatusCode);
        for (var i = 0; i < 200 && await app.StatusAsync(number) != Domain.Orders.OrderStatus.Paid; i++)
            await Task.Delay(50);
        Assert.Equal(Domain.Orders.OrderStatus.Paid, await app.StatusAsync(number));
    }

    public static Task<Domain.Orders.OrderStatus> StatusAsync(this LuffyApp app, string number) =>
        app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).Select(o => o.OrderStatus).SingleAsync());

    /// <summary>The sandbox's view of the trade (status, refunded, refunds).</summary>
    public static async Task<JsonElement> SandboxTradeAsync(this LuffyApp app, string number) =>
        await app.Anonymous().GetFromJsonAsync<JsonElement>($"/alipay-sandbox/sandbox/trades/{number}");
}
