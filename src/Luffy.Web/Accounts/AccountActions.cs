using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Luffy.Web.Accounts;

/// <summary>The storefront's login, registration and logout: form posts (antiforgery checked) that set or clear the cookie.</summary>
public static class AccountActions
{
    public static IEndpointRouteBuilder MapAccountActions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/user/login", Login).ExcludeFromDescription();
        app.MapPost("/user/register", Register).ExcludeFromDescription();
        app.MapPost("/user/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/course");
        }).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Login(HttpContext http, AccountService accounts,
        [FromForm] string? username, [FromForm] string? password, [FromForm(Name = "return_url")] string? returnUrl)
    {
        var (user, error, _) = await accounts.AuthenticateAsync(http, username, password);
        if (user is null)
            return Results.Redirect($"/user/login?error={Uri.EscapeDataString(error!)}&username={Uri.EscapeDataString(username ?? "")}&ReturnUrl={Uri.EscapeDataString(returnUrl ?? "")}");
        await SignInAsync(http, user);
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/course");
    }

    private static async Task<IResult> Register(HttpContext http, AccountService accounts,
        [FromForm] string? username, [FromForm] string? password, [FromForm] string? mobile)
    {
        var (user, error) = await accounts.RegisterAsync(username, password, mobile);
        if (user is null)
            return Results.Redirect($"/user/register?field={error!.Field}&error={Uri.EscapeDataString(error.Message)}&username={Uri.EscapeDataString(username ?? "")}&mobile={Uri.EscapeDataString(mobile ?? "")}");
        await SignInAsync(http, user);
        return Results.Redirect("/course");
    }

    private static Task SignInAsync(HttpContext http, User user) =>
        http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AccountService.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>
    /// Only local paths (no open redirect through the login form), in printable ASCII as a Location header must be:
    /// a CR, LF or other character there would make the redirect throw.
    /// </summary>
    public static bool IsLocal([NotNullWhen(true)] string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
        && url.All(c => c is > ' ' and < (char)0x7F);
}
