using Luffy.Web.Payments;

namespace Luffy.Web.Orders;

/// <summary>The storefront's order forms: place and pay, pay later, cancel.</summary>
public static class OrderActions
{
    public static IEndpointRouteBuilder MapOrderActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("/web/orders").RequireAuthorization().ExcludeFromDescription();
        web.MapPost("/", async (HttpContext http, CheckoutService checkout, PaymentService payments, [FromForm] int? coupon, [FromForm] long? credit) =>
        {
            var result = await checkout.CreateAsync(http.User.UserId(), new CreateOrderRequest(1, coupon ?? 0, credit ?? 0), null);
            if (result.Body is not OrderCreated created)
                return Results.Redirect($"/order?error={Uri.EscapeDataString(((ApiMessage)result.Body).Message)}");
            if (created.OrderStatus != 0)
                return Results.Redirect($"/my/orders?paid={created.OrderNumber}");
            return await PayAsync(http, payments, created.OrderNumber);
        });
        web.MapPost("/{orderNumber}/pay", (HttpContext http, PaymentService payments, string orderNumber) => PayAsync(http, payments, orderNumber));
        web.MapPost("/{orderNumber}/cancel", async (HttpContext http, string orderNumber, LuffyDbContext db, OrderCancellation cancellation) =>
        {
            var result = await OrdersApi.Cancel(orderNumber, http, db, cancellation);
            return result.Result is IValueHttpResult { Value: ApiMessage message } and IStatusCodeHttpResult { StatusCode: >= 400 }
                ? Results.Redirect($"/my/orders?error={Uri.EscapeDataString(message.Message)}")
                : Results.Redirect("/my/orders");
        });
        return app;
    }

    /// <summary>Sends the browser to the Alipay cashier (the sandbox in embedded mode).</summary>
    private static async Task<IResult> PayAsync(HttpContext http, PaymentService payments, string orderNumber)
    {
        var pay = await payments.PayUrlAsync(http.User.UserId(), orderNumber, null);
        return pay.Url is { } url ? Results.Redirect(url) : Results.Redirect($"/my/orders?error={Uri.EscapeDataString(pay.Message)}");
    }
}
