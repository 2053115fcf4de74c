using Microsoft.AspNetCore.Http.Features;

namespace Luffy.Web.Extensions;

/// <summary>
/// How large a request body may be. The JSON API's bodies and the storefront's forms are well under 1 KB; Kestrel's
/// default (30 MB) let a 10 MB body through to create an order. A larger body is a 413 with a message
/// (<see cref="ApiErrors"/>), whether it says its length or comes chunked. An endpoint that needs more declares it
/// with its own <c>RequestSizeLimit</c> metadata, which routing applies in place of this one.
/// </summary>
public static class RequestLimits
{
    public const int MaxBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = MaxBodyBytes);
        return builder;
    }
}
