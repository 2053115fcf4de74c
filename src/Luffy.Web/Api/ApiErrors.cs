using System.Security.Claims;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Luffy.Web.Api;

/// <summary>The signed-in account no longer exists: the request is answered as not logged in (401).</summary>
public sealed class AccountGoneException() : Exception("The signed-in account no longer exists.");

/// <summary>The body of every answer that is only a sentence for the user.</summary>
public sealed record ApiMessage(string Message);

public static class ApiErrors
{
    public static BadRequest<ApiMessage> BadRequest(string message) => TypedResults.BadRequest(new ApiMessage(message));
    public static NotFound<ApiMessage> NotFound(string message) => TypedResults.NotFound(new ApiMessage(message));

    /// <summary>A service's refusal as HTTP, for an endpoint that answers 200, 400 or 404.</summary>
    public static Results<Ok<T>, BadRequest<ApiMessage>, NotFound<ApiMessage>> Refuse<T>(Refusal refusal) =>
        refusal.Kind == RefusalKind.NotFound ? NotFound(refusal.Message) : BadRequest(refusal.Message);

    /// <summary>A service's refusal as HTTP, for an endpoint that answers 200, 400, 404 or 409.</summary>
    public static Results<Ok<T>, BadRequest<ApiMessage>, NotFound<ApiMessage>, Conflict<ApiMessage>> RefuseOrConflict<T>(Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.NotFound => NotFound(refusal.Message),
        RefusalKind.Conflict => TypedResults.Conflict(new ApiMessage(refusal.Message)),
        _ => BadRequest(refusal.Message),
    };

    /// <summary>Bad input, answered with a 4xx: not worth an error in the log.</summary>
    public static bool IsClientError(Exception exception) => exception is BadHttpRequestException or DomainValidationException or AccountGoneException;

    public static Unauthorized<ApiMessage> Unauthorized(string message) => new(new ApiMessage(message));
    public static Forbidden<ApiMessage> Forbidden(string message) => new(new ApiMessage(message));
    public static TooManyRequests<ApiMessage> TooManyRequests(string message, TimeSpan? retryAfter = null) => new(new ApiMessage(message), retryAfter);

    /// <summary>A 4xx written by middleware: a page for a browser's page or form post, <c>{message}</c> for the API.</summary>
    public static async Task WriteRefusalAsync(HttpContext context, int status, string message)
    {
        if (WantsPage(context.Request))
            await WritePageAsync(context.Response, status, "请求不正确", message);
        else
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new ApiMessage(message));
        }
    }

    /// <summary>Gives a sentence to error statuses that have no body (401 from the JWT handler, 404 of routing, 413 and 415 of body binding …).</summary>
    public static async Task WriteStatusMessage(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var response = context.Response;
        if (response.StatusCode == StatusCodes.Status404NotFound && WantsPage(context.Request))
        {
            // A person asked for a page that does not exist.
            await WritePageAsync(response, StatusCodes.Status404NotFound, "页面不存在", "您要找的页面不存在或已被移除。");
            return;
        }
        if (response.StatusCode == StatusCodes.Status403Forbidden && WantsPage(context.Request))
        {
            await WritePageAsync(response, StatusCodes.Status403Forbidden, "没有权限", "此页面仅对管理员开放。");
            return;
        }
        var message = response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => "请先登录，或登录已过期",
            StatusCodes.Status403Forbidden => "没有权限",
            StatusCodes.Status404NotFound => "资源不存在",
            StatusCodes.Status405MethodNotAllowed => "不支持的请求方法",
            StatusCodes.Status413PayloadTooLarge => TooLarge(context),
            StatusCodes.Status415UnsupportedMediaType => "不支持的请求体类型：接口的请求体应为 JSON（Content-Type: application/json）",
            StatusCodes.Status429TooManyRequests => "请求过于频繁，请稍后再试",
            _ => null,
        };
        if (message is not null)
            await response.WriteAsJsonAsync(new { message });
    }

    /// <summary>A storefront page that only says what went wrong, with the way back to the courses.</summary>
    public static async Task WritePageAsync(HttpResponse response, int statusCode, string title, string text)
    {
        response.StatusCode = statusCode;
        response.ContentType = "text/html; charset=utf-8";
        var (t, p) = (System.Net.WebUtility.HtmlEncode(title), System.Net.WebUtility.HtmlEncode(text));
        await response.WriteAsync($"""
            <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{t} - 路飞学城</title><link rel="stylesheet" href="/css/site.css"></head>
            <body><header class="top"><nav class="bar"><a class="logo" href="/course">路飞学城</a><a href="/course">课程</a></nav></header>
            <main class="page"><div class="empty"><h2>{t}</h2><p>{p}</p><a class="btn" href="/course">去看看课程</a></div></main></body></html>
            """);
    }

    /// <summary>A browser's page or form post, which is answered with a page rather than JSON.</summary>
    public static bool WantsPage(HttpRequest request) => request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal);

    /// <summary>The sentence of a 413: the limit of this request's body.</summary>
    public static string TooLarge(HttpContext context) =>
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit
            ? $"请求体过大，最多 {limit / 1024} KB"
            : "请求体过大";
}

public static class ClaimsExtensions
{
    /// <summary>The id of the signed-in user (the token's <c>sub</c>).</summary>
    public static int UserId(this ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue("sub") ?? throw new InvalidOperationException("No user id in the token."), System.Globalization.CultureInfo.InvariantCulture);
}
