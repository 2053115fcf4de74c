namespace Luffy.Web.Extensions;

/// <summary>The headers every answer carries: pages, the API, static files, errors.</summary>
/// <remarks>
/// Set when the response starts, so the exception handler's and the status pages' answers get them too; a header an
/// endpoint has set itself is kept (the embedded Alipay sandbox's cashier sends its own policy).
/// The policy has no <c>form-action</c>: the checkout form's answer redirects to the payment gateway, real Alipay then
/// to its cashier on another host, and the browser checks every hop of a form's redirects against that directive.
/// </remarks>
public static class SecurityHeaders
{
    /// <summary>Scripts, styles and images from this origin only (the storefront's one script is <c>js/site.js</c>); no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The API reference (Scalar, <c>/scalar/</c>) starts from an inline module script and styles itself inline: a
    /// developer page with no user data, and the one place inline script runs. Its fonts come from fonts.scalar.com.
    /// </summary>
    public const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data: https://fonts.scalar.com; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers.TryAdd("X-Content-Type-Options", "nosniff");
                headers.TryAdd("X-Frame-Options", "DENY");
                // The path and query stay on this site; other sites (Alipay included) see the origin only.
                headers.TryAdd("Referrer-Policy", "strict-origin-when-cross-origin");
                headers.TryAdd("Content-Security-Policy",
                    http.Request.Path.StartsWithSegments("/scalar", StringComparison.OrdinalIgnoreCase) ? ApiReferencePolicy : ContentSecurityPolicy);
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
}
