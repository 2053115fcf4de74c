using Microsoft.AspNetCore.Antiforgery;

namespace Luffy.Web.Extensions;

/// <summary>
/// Marks the storefront's endpoints (pages and form posts): only they take the sign-in cookie, and every form post
/// among them checks its antiforgery token, also those that carry no field but the token (cancel, pay, sign out).
/// </summary>
public static class Storefront
{
    private sealed class Marker;

    private static readonly Marker Instance = new();
    private static readonly SignInAttribute SignIn = new();

    public static TBuilder ForStorefront<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Instance, new RequireAntiforgeryTokenAttribute());

    /// <summary>
    /// A storefront form that signs in (login, registration): it does not read the cookie the browser brings, so the
    /// sign-in starts a session of its own and a session id planted in the browser is never taken over. Its page
    /// carries <see cref="SignInAttribute"/> too, so that the antiforgery token it renders is an anonymous one, as the
    /// form post checks it.
    /// </summary>
    public static TBuilder ForSignIn<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Instance, SignIn, new RequireAntiforgeryTokenAttribute());

    /// <summary>True when the request is authenticated by the sign-in cookie: a storefront endpoint other than a sign-in.</summary>
    public static bool TakesCookie(HttpContext context) =>
        context.GetEndpoint()?.Metadata is { } metadata && metadata.GetMetadata<Marker>() is not null && metadata.GetMetadata<SignInAttribute>() is null;

    /// <summary>
    /// Refuses a storefront form post whose antiforgery token did not validate. The framework's middleware only records
    /// the verdict, and only endpoints that bind form fields act on it: a post with nothing but the token (cancel, pay,
    /// sign out) would otherwise pass without one.
    /// </summary>
    public static WebApplication UseStorefrontAntiforgery(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } invalid && Serves(context))
            {
                // A form that could not even be read (over the size limit) is answered as such, by the error handler.
                for (var cause = invalid.Error; cause is not null; cause = cause.InnerException)
                    if (cause is BadHttpRequestException unreadable)
                        throw unreadable;
                // A token that does not validate, or a form that cannot be read at all (a NUL in a value …).
                await ApiErrors.WriteRefusalAsync(context, StatusCodes.Status400BadRequest,
                    invalid.Error is null or AntiforgeryValidationException ? "页面已过期，请刷新后重试" : "表单内容无法读取");
                return;
            }
            await next(context);
        });
        return app;
    }

    /// <summary>True when the request was routed to a storefront endpoint.</summary>
    public static bool Serves(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<Marker>() is not null;

    /// <summary>
    /// Only a path on this site: no scheme, no host, and nothing a browser would read as one — backslashes and control
    /// characters (browsers drop tabs and line breaks, so <c>/\t/evil.example</c> becomes <c>//evil.example</c>) — in
    /// printable ASCII, as a Location header must be.
    /// </summary>
    public static bool IsLocalUrl([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || url[1] is not ('/' or '\\'))
        && url.All(c => c is > ' ' and < (char)0x7F and not '\\');
}

/// <summary>Marks the sign-in pages and forms (login, registration): they are served without reading the sign-in cookie.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SignInAttribute : Attribute;
