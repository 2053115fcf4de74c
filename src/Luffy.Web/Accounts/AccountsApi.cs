using Luffy.Web.Extensions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Luffy.Web.Accounts;

public sealed record RegisterRequest(string? Username, string? Password, string? Mobile);
public sealed record RegisterResponse(int Id, string Username);
public sealed record LoginRequest(string? Username, string? Password);
public sealed record LoginResponse(string Token, int Id, string Username, long Credit, int CreditToMoney);

public static class AccountsApi
{
    public const string EitherScheme = "JwtOrCookie";


    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section);
        services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.Section)
            .Validate(o => o.PerUsername > 0 && o.PerClient > 0 && o.Window >= TimeSpan.FromSeconds(1),
                "LoginThrottle:PerUsername and LoginThrottle:PerClient must be positive numbers of attempts and LoginThrottle:Window at least one second (00:00:01); the limiter counts whole seconds.")
            .ValidateOnStart();
        services.AddSingleton<JwtSigningKey>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<LoginLimits>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy<string, ApiLoginPolicy>(LoginLimits.ApiPolicy);
            o.AddPolicy<string, FormLoginPolicy>(LoginLimits.FormPolicy);
        });
        services.AddScoped<Registration>();
        services.AddScoped<AccountService>();
        services.AddMemoryCache();
        services.AddSingleton<UserAccess>();
        services.AddHostedService(sp => sp.GetRequiredService<UserAccess>());
        services.AddSingleton<RedisTicketStore>();
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, CookieSessionSetup>();
        // The API takes a JWT (Authorization header) and only that: the sign-in cookie, which a browser sends along
        // with requests that another site makes, never drives the API. The storefront's pages and forms (marked
        // with ForStorefront) take the cookie. One user store for both.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = EitherScheme;
                o.DefaultChallengeScheme = EitherScheme;
            })
            .AddPolicyScheme(EitherScheme, "JWT, or the cookie on the storefront", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count == 0 && Storefront.TakesCookie(context)
                    ? CookieAuthenticationDefaults.AuthenticationScheme
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddCookie(o =>
            {
                o.LoginPath = "/user/login";
                o.LogoutPath = "/user/logout";
                o.Cookie.Name = "luffy";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
                // Only a browser asking for a page is sent to the login page; API callers get 401.
                // The account may have been disabled or deleted since the sign-in.
                o.Events.OnValidatePrincipal = async context =>
                {
                    if (!await context.HttpContext.RequestServices.GetRequiredService<UserAccess>().AllowsAsync(context.Principal))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
                // Signed in but not allowed (a student at /admin): 403, answered with a page or {message}.
                o.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToLogin = context =>
                {
                    if (context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
                        context.Response.Redirect(context.RedirectUri);
                    else
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
            });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<JwtSigningKey, IOptions<JwtOptions>, TimeProvider>((o, key, jwt, clock) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Value.Issuer,
                    ValidAudience = jwt.Value.Audience,
                    IssuerSigningKey = key.Key,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = "name",
                    RoleClaimType = "role",
                    // Expiry is judged on the app's clock, so tests with a fake clock see tokens expire.
                    LifetimeValidator = (notBefore, expires, _, _) =>
                    {
                        var now = clock.GetUtcNow().UtcDateTime;
                        return expires is { } end && now < end && (notBefore is not { } start || start <= now);
                    },
                };
                o.Events = new JwtBearerEvents
                {
                    // The account may have been disabled or deleted since the token was issued.
                    OnTokenValidated = async context =>
                    {
                        if (!await context.HttpContext.RequestServices.GetRequiredService<UserAccess>().AllowsAsync(context.Principal))
                            context.Fail("The account no longer exists or is disabled.");
                    },
                    // The tutorial's client sends "Authorization: jwt <token>"; Bearer works too.
                    OnMessageReceived = context =>
                    {
                        var header = context.Request.Headers.Authorization.ToString();
                        if (header.StartsWith("jwt ", StringComparison.OrdinalIgnoreCase))
                            context.Token = header[4..].Trim();
                        return Task.CompletedTask;
                    },
                };
            });
        services.AddAuthorization();
        return builder;
    }

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/users").WithTags("Accounts");
        users.MapPost("/register/", Register);
        users.MapPost("/login/", Login).RequireRateLimiting(LoginLimits.ApiPolicy);
        return app;
    }

    public static async Task<Results<Created<RegisterResponse>, BadRequest<ApiMessage>>> Register(RegisterRequest request, AccountService accounts)
    {
        var (user, error) = await accounts.RegisterAsync(request.Username, request.Password, request.Mobile);
        return user is null
            ? ApiErrors.BadRequest(error!.Message)
            : TypedResults.Created($"/users/{user.Id}/", new RegisterResponse(user.Id, user.Username));
    }

    /// <summary>A token for a username (any case) or mobile number; 429 past the per-client or the per-account limit (<see cref="LoginLimits"/>).</summary>
    public static async Task<Results<Ok<LoginResponse>, BadRequest<ApiMessage>, TooManyRequests<ApiMessage>>> Login(
        LoginRequest request, AccountService accounts, TokenService tokens, IOptions<LuffyOptions> options)
    {
        var login = await accounts.AuthenticateAsync(request.Username, request.Password);
        if (login.Throttled)
            return ApiErrors.TooManyRequests(login.Error!, login.RetryAfter);
        if (login.User is not { } user)
            return ApiErrors.BadRequest(login.Error!);
        return TypedResults.Ok(new LoginResponse(tokens.Issue(user), user.Id, user.Username, user.Credit, options.Value.CreditsPerYuan));
    }
}
