using Luffy.Web.Extensions;
using Luffy.Web.Payments;

namespace Luffy.Web.Orders;

/// <summary>The storefront's order forms: place and pay, pay later, cancel.</summary>
public static class OrderActions
{
    public static IEndpointRouteBuilder MapOrderActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("/web/orders").RequireAuthorization().ExcludeFromDescription().ForStorefront();
        // The checkout form carries a key made when the page was rendered: a double click places one order.
        web.MapPost("/", async (HttpContext http, CheckoutService checkout, PayUrlService payments,
            [FromForm] int? coupon, [FromForm] long? credit, [FromForm(Name = "idempotency_key")] string? key) =>
        {
            var result = await checkout.CreateAsync(http.User.UserId(), new CreateOrderRequest(1, coupon ?? 0, credit ?? 0), key);
            if (result.Placed is not { } placed)
                return Results.Redirect($"/order?error={Uri.EscapeDataString(result.Refusal!)}");
            if (placed.OrderStatus != 0)
                return Results.Redirect($"/my/orders?paid={placed.OrderNumber}");
            return await PayAsync(http, payments, placed.OrderNumber);
        });
        web.MapPost("/{orderNumber}/pay", (HttpContext http, PayUrlService payments, string orderNumber) => PayAsync(http, payments, orderNumber));
        web.MapPost("/{orderNumber}/cancel", async (HttpContext http, string orderNumber, OrderCancellation cancellation) =>
            await cancellation.CancelForBuyerAsync(http.User.UserId(), orderNumber) is { } refusal
                ? Results.Redirect($"/my/orders?error={Uri.EscapeDataString(refusal.Message)}")
                : Results.Redirect("/my/orders"));
        web.MapPost("/{orderNumber}/refund-request", async (HttpContext http, string orderNumber, Refunds.RefundService refunds,
            [FromForm] string? reason, [FromForm] int[]? courses) =>
        {
            // No course ticked is not "all of them": the form starts with all ticked.
            if (courses is null or { Length: 0 })
                return Results.Redirect($"/my/orders?error={Uri.EscapeDataString("请选择要退款的课程")}");
            var (_, refusal) = await refunds.RequestAsync(http.User.UserId(), orderNumber, reason, courses);
            return refusal is null ? Results.Redirect("/my/orders?refund=requested") : Results.Redirect($"/my/orders?error={Uri.EscapeDataString(refusal.Message)}");
        });
        return app;
    }

    /// <summary>Sends the browser to the Alipay cashier (the sandbox in embedded mode).</summary>
    private static async Task<IResult> PayAsync(HttpContext http, PayUrlService payments, string orderNumber)
    {
        var (issued, refusal) = await payments.PayUrlAsync(http.User.UserId(), orderNumber, null);
        return issued?.Url is { } url ? Results.Redirect(url) : Results.Redirect($"/my/orders?error={Uri.EscapeDataString(refusal?.Message ?? issued!.Message)}");
    }
}
