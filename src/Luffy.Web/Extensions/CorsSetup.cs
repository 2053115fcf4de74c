using Luffy.Web.Cart;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Extensions;

/// <summary>The origins whose pages may call the API from a browser (the tutorial's Vue client is served from its own).</summary>
public sealed class CorsSettings
{
    public const string Section = "Cors";

    /// <summary>Scheme, host and port, e.g. <c>http://localhost:8080</c>; none by default.</summary>
    public string[] Origins { get; set; } = [];
}

/// <summary>
/// CORS for the configured origins, without credentials: the token travels in the <c>Authorization</c> header, so the
/// browser sends no cookie with these calls. An origin not listed gets no CORS headers.
/// </summary>
public static class CorsSetup
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    private static readonly string[] RequestHeaders = ["Authorization", "Content-Type", "Idempotency-Key"];

    public static IServiceCollection AddLuffyCors(this IServiceCollection services)
    {
        services.AddOptions<CorsSettings>().BindConfiguration(CorsSettings.Section)
            .Validate(s => s.Origins.All(IsOrigin),
                "Cors:Origins takes origins only: scheme, host and port, e.g. http://localhost:8080 (no path, no trailing slash).")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<CorsSettings>>((cors, settings) =>
            cors.AddDefaultPolicy(policy => policy
                .WithOrigins(settings.Value.Origins)
                .WithMethods(Methods)
                .WithHeaders(RequestHeaders)
                .WithExposedHeaders(CartApi.UnavailableHeader)
                // The client's preflights: one per URL and hour rather than one before every call.
                .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        return services;
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && string.Equals(uri.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase);
}
