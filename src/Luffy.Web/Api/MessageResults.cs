using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Luffy.Web.Api;

/// <summary>
/// A status with a JSON body, for the statuses the framework has no typed result with a body for (401, 403, 429).
/// Each subclass names its status in the endpoint's metadata, so an endpoint that has it in its <c>Results&lt;…&gt;</c>
/// shows that answer in the OpenAPI document, as <c>BadRequest&lt;T&gt;</c> or <c>Conflict&lt;T&gt;</c> do.
/// </summary>
public abstract class JsonStatusResult<TValue>(int statusCode, TValue value)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<TValue>, IContentTypeHttpResult
{
    public int StatusCode => statusCode;
    int? IStatusCodeHttpResult.StatusCode => statusCode;
    public TValue Value => value;
    object? IValueHttpResult.Value => value;
    public string ContentType => "application/json";

    public virtual Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        // The app's JSON options (snake_case, Chinese as text), as the framework's typed results write them.
        return httpContext.Response.WriteAsJsonAsync(value);
    }

    protected static void Produces(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(TValue), ["application/json"]));
}

/// <summary>401 with a body: the endpoint is open to all, but this answer needs a signed-in caller.</summary>
public sealed class Unauthorized<TValue>(TValue value) : JsonStatusResult<TValue>(StatusCodes.Status401Unauthorized, value), IEndpointMetadataProvider
{
    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status401Unauthorized);
}

/// <summary>403 with a body: the caller is known and may not have this.</summary>
public sealed class Forbidden<TValue>(TValue value) : JsonStatusResult<TValue>(StatusCodes.Status403Forbidden, value), IEndpointMetadataProvider
{
    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status403Forbidden);
}

/// <summary>429 with a body and, when the limiter knows it, <c>Retry-After</c> in whole seconds.</summary>
public sealed class TooManyRequests<TValue>(TValue value, TimeSpan? retryAfter = null)
    : JsonStatusResult<TValue>(StatusCodes.Status429TooManyRequests, value), IEndpointMetadataProvider
{
    public TimeSpan? RetryAfter => retryAfter;

    public override Task ExecuteAsync(HttpContext httpContext)
    {
        if (retryAfter is { } wait)
            httpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(Math.Max(wait.TotalSeconds, 0))).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return base.ExecuteAsync(httpContext);
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status429TooManyRequests);
}
