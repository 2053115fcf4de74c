namespace Luffy.Web.Payments;

public sealed record PayUrlResponse(string Message, string? Url);

public sealed record PaymentResultResponse(PaymentResult Message);

public static class PaymentsApi
{
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/payments/alipay").WithTags("Payments");
        payments.MapGet("/url/", PayUrl).RequireAuthorization();
        payments.MapGet("/result/", Return);
        payments.MapPost("/result/", Notify).DisableAntiforgery();
        return app;
    }

    /// <summary>The signed Alipay URL for the caller's unpaid order (<c>coupon_id</c> only before the first URL).</summary>
    public static async Task<IResult> PayUrl(HttpContext http, PaymentService payments,
        [FromQuery(Name = "order_number")] string? orderNumber, [FromQuery(Name = "coupon_id")] int? couponId)
    {
        if (string.IsNullOrWhiteSpace(orderNumber))
            return ApiErrors.BadRequest("缺少参数 order_number");
        var result = await payments.PayUrlAsync(http.User.UserId(), orderNumber, couponId);
        return result.StatusCode == StatusCodes.Status200OK
            ? TypedResults.Ok(new PayUrlResponse(result.Message, result.Url))
            : TypedResults.Json(new ApiMessage(result.Message), statusCode: result.StatusCode);
    }

    /// <summary>The browser's return from the cashier: <c>{message: {pay_time, real_price, course_list}}</c>.</summary>
    public static async Task<IResult> Return(HttpContext http, PaymentService payments)
    {
        var parameters = http.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal);
        var (result, status, message) = await payments.HandleReturnAsync(parameters);
        return result is not null
            ? TypedResults.Ok(new PaymentResultResponse(result))
            : TypedResults.Json(new ApiMessage(message!), statusCode: status);
    }

    /// <summary>Alipay's asynchronous notification (form-encoded, no login): answers the plain text <c>success</c> or <c>failure</c>.</summary>
    public static async Task<IResult> Notify(HttpContext http, PaymentService payments)
    {
        if (!http.Request.HasFormContentType)
            return TypedResults.Text("failure");
        http.Request.EnableBuffering();
        string raw;
        using (var reader = new StreamReader(http.Request.Body, leaveOpen: true))
            raw = await reader.ReadToEndAsync();
        http.Request.Body.Position = 0;
        IFormCollection read;
        try
        {
            read = await http.Request.ReadFormAsync();
        }
        catch (Exception e) when (e is InvalidDataException or IOException and not BadHttpRequestException)
        {
            // A form that cannot be read (broken multipart, over FormOptions' limits) is not a notify: nothing changes.
            return TypedResults.Text("failure");
        }
        var form = read.ToDictionary(f => f.Key, f => (string?)f.Value.ToString(), StringComparer.Ordinal);
        return TypedResults.Text(await payments.HandleNotifyAsync(form, raw));
    }
}
