using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Luffy.Web.Extensions;

namespace Luffy.Web.Accounts;

/// <summary>The storefront's login, registration and logout: form posts (antiforgery checked) that set or clear the cookie.</summary>
public static class AccountActions
{
    public static IEndpointRouteBuilder MapAccountActions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/user/login", Login).ExcludeFromDescription().ForSignIn().RequireRateLimiting(LoginLimits.FormPolicy);
        app.MapPost("/user/register", Register).ExcludeFromDescription().ForSignIn();
        // Deletes the session on the server (RedisTicketStore): a saved copy of the cookie no longer signs anyone in.
        app.MapPost("/user/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/course");
        }).ExcludeFromDescription().ForStorefront();
        return app;
    }

    private static async Task<IResult> Login(HttpContext http, AccountService accounts,
        [FromForm] string? username, [FromForm] string? password, [FromForm(Name = "return_url")] string? returnUrl)
    {
        var login = await accounts.AuthenticateAsync(username, password);
        if (login.User is not { } user)
            return LoginRefused(login.Error!, username, returnUrl);
        await SignInAsync(http, user);
        return Results.Redirect(Storefront.IsLocalUrl(returnUrl) ? returnUrl! : "/course");
    }

    /// <summary>Back to the login page, which shows <paramref name="error"/> and keeps what was typed.</summary>
    public static IResult LoginRefused(string error, string? username, string? returnUrl) =>
        Results.Redirect($"/user/login?error={Uri.EscapeDataString(error)}&username={Uri.EscapeDataString(username ?? "")}&ReturnUrl={Uri.EscapeDataString(returnUrl ?? "")}");

    private static async Task<IResult> Register(HttpContext http, AccountService accounts,
        [FromForm] string? username, [FromForm] string? password, [FromForm] string? mobile)
    {
        var (user, error) = await accounts.RegisterAsync(username, password, mobile);
        if (user is null)
            return Results.Redirect($"/user/register?field={error!.Field}&error={Uri.EscapeDataString(error.Message)}&username={Uri.EscapeDataString(username ?? "")}&mobile={Uri.EscapeDataString(mobile ?? "")}");
        await SignInAsync(http, user);
        return Results.Redirect("/course");
    }

    /// <summary>
    /// Signs in with a new session. The cookie handler would otherwise store the new sign-in under the session id of a
    /// sign-in cookie the request carries, perhaps one planted in this browser by someone who kept a copy.
    /// </summary>
    private static Task SignInAsync(HttpContext http, User user)
    {
        var cookie = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme).Cookie.Name;
        if (cookie is not null && http.Request.Cookies.Keys.Any(k => k.StartsWith(cookie, StringComparison.Ordinal)))
            http.Request.Headers.Cookie = string.Join("; ", http.Request.Cookies
                .Where(c => !c.Key.StartsWith(cookie, StringComparison.Ordinal))
                .Select(c => $"{c.Key}={Uri.EscapeDataString(c.Value)}"));
        return http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AccountService.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme));
    }
}
