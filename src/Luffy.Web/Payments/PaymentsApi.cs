using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;

namespace Luffy.Web.Payments;

/// <summary>
/// The query of the pay URL. A record rather than two parameters: the framework's validation passes over a parameter
/// that is null (dotnet/aspnetcore#67033) but checks every property of a record, so a missing order number is refused.
/// The attribute goes on the property: on the constructor's parameter it breaks the OpenAPI document (dotnet/aspnetcore#65348).
/// </summary>
public sealed record PayUrlQuery(
    [FromQuery(Name = "order_number")][property: Required(ErrorMessage = "缺少参数 order_number")] string? OrderNumber,
    [FromQuery(Name = "coupon_id")] int? CouponId);

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
    public static async Task<Results<Ok<PayUrlResponse>, BadRequest<ApiMessage>, NotFound<ApiMessage>, Conflict<ApiMessage>>> PayUrl(
        HttpContext http, PayUrlService payments, [AsParameters] PayUrlQuery query)
    {
        var (issued, refusal) = await payments.PayUrlAsync(http.User.UserId(), query.OrderNumber!, query.CouponId);
        return issued is not null
            ? TypedResults.Ok(new PayUrlResponse(issued.Message, issued.Url))
            : ApiErrors.RefuseOrConflict<PayUrlResponse>(refusal!);
    }

    /// <summary>The browser's return from the cashier: <c>{message: {pay_time, real_price, course_list}}</c>.</summary>
    public static async Task<Results<Ok<PaymentResultResponse>, BadRequest<ApiMessage>, NotFound<ApiMessage>, Conflict<ApiMessage>>> Return(
        HttpContext http, AlipayCallbacks payments)
    {
        var parameters = http.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal);
        var (result, refusal) = await payments.HandleReturnAsync(parameters);
        return result is not null
            ? TypedResults.Ok(new PaymentResultResponse(result))
            : ApiErrors.RefuseOrConflict<PaymentResultResponse>(refusal!);
    }

    /// <summary>A notify is a few hundred bytes and some 25 fields: anything far larger is not from Alipay.</summary>
    public const int NotifyMaxBytes = 16 * 1024;
    public const int NotifyMaxFields = 100;

    /// <summary>
    /// Alipay's asynchronous notification (form-encoded, no login): answers the plain text <c>success</c> or <c>failure</c>.
    /// A body over <see cref="NotifyMaxBytes"/> is a 413, one of more than <see cref="NotifyMaxFields"/> fields a 400; neither is read further.
    /// </summary>
    public static async Task<ContentHttpResult> Notify(HttpContext http, AlipayCallbacks payments)
    {
        if (!http.Request.HasFormContentType)
            return TypedResults.Text("failure", statusCode: StatusCodes.Status415UnsupportedMediaType);
        if (http.Request.ContentLength > NotifyMaxBytes)
            return TooLarge();
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = NotifyMaxBytes;

        // Read at most one byte past the limit, whatever the headers say (a chunked body has no length).
        var buffer = new byte[NotifyMaxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await http.Request.Body.ReadAsync(buffer.AsMemory(length))) > 0)
            length += read;
        if (length > NotifyMaxBytes)
            return TooLarge();
        var raw = System.Text.Encoding.UTF8.GetString(buffer, 0, length);

        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> fields;
        try
        {
            using var reader = new Microsoft.AspNetCore.WebUtilities.FormReader(raw) { ValueCountLimit = NotifyMaxFields };
            fields = await reader.ReadFormAsync();
        }
        catch (InvalidDataException)
        {
            return TypedResults.Text("failure", statusCode: StatusCodes.Status400BadRequest);
        }
        var form = fields.ToDictionary(f => f.Key, f => (string?)f.Value.ToString(), StringComparer.Ordinal);
        return TypedResults.Text(await payments.HandleNotifyAsync(form, raw));
    }

    private static ContentHttpResult TooLarge() => TypedResults.Text("failure", statusCode: StatusCodes.Status413PayloadTooLarge);
}
