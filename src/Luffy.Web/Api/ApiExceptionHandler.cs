using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Luffy.Web.Api;

/// <summary>
/// The exception handler middleware's answer: unreadable requests and refused domain values are a 4xx with a message
/// (413 for a body over the limit, 400 otherwise; a page for a browser's form post, <c>{message}</c> for the API);
/// anything else is a 500, and only that is logged (<see cref="ApiErrors.IsClientError"/>).
/// </summary>
public sealed class ApiExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, message) = exception switch
        {
            BadHttpRequestException bad => Describe(context, bad),
            DomainValidationException domain => (StatusCodes.Status400BadRequest, domain.Message),
            AccountGoneException => (StatusCodes.Status401Unauthorized, "请先登录，或登录已过期"),
            _ => (StatusCodes.Status500InternalServerError, "服务器内部错误，请稍后再试"),
        };
        if (status < StatusCodes.Status500InternalServerError)
            await ApiErrors.WriteRefusalAsync(context, status, message);
        else
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new ApiMessage(message), cancellationToken);
        }
        return true;
    }

    /// <summary>
    /// What the binder refused, from what it hands over — the status, the exception it wraps, the request — and never
    /// from its English text: a field of the JSON named by its path, a body over the limit, a body missing or unreadable.
    /// </summary>
    private static (int Status, string Message) Describe(HttpContext context, BadHttpRequestException bad)
    {
        for (Exception? inner = bad; inner is not null; inner = inner.InnerException)
        {
            // Form binding wraps the server's 413 in a 400 of its own.
            if (inner is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
                return (StatusCodes.Status413PayloadTooLarge, ApiErrors.TooLarge(context));
            if (inner is JsonException json)
            {
                var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
                return (bad.StatusCode, field is null ? "请求体不是有效的 JSON" : $"参数 {field} 的格式不正确");
            }
        }
        var bodyAtFault = bad.InnerException is IOException or InvalidDataException
            || (ReadsABody(context) && !HasBody(context));
        return (bad.StatusCode, bodyAtFault ? "缺少请求体或格式不正确" : "请求参数不正确");
    }

    /// <summary>The endpoint that failed binds a body (the middleware has taken the endpoint off the context by now).</summary>
    private static bool ReadsABody(HttpContext context) =>
        context.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<IAcceptsMetadata>() is not null;

    /// <summary>A length that says so, or else (chunked, HTTP/2) what the server makes of the request.</summary>
    private static bool HasBody(HttpContext context) =>
        context.Request.ContentLength is { } length
            ? length > 0
            : context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? context.Request.Headers.TransferEncoding.Count > 0;
}
