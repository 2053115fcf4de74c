using Luffy.Domain.Accounts;
using Luffy.Web.Extensions;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Luffy.Web.Accounts;

public sealed record RegisterRequest(string? Username, string? Password, string? Mobile);
public sealed record RegisterResponse(int Id, string Username);
public sealed record LoginRequest(string? Username, string? Password);
public sealed record LoginResponse(string Token, int Id, string Username, long Credit, int CreditToMoney);

public sealed record AccountServices(
    LuffyDbContext Db, IPasswordHasher<User> Hasher, TokenService Tokens, LoginThrottle Throttle,
    IOptions<LuffyOptions> Options, TimeProvider Clock);

public static class AccountsApi
{
    public const string UsernameTaken = "用户名已存在";

    private static readonly User NobodyUser = new() { Username = "", PasswordHash = "" };
    private static readonly string NobodyHash = new PasswordHasher<User>().HashPassword(NobodyUser, Guid.NewGuid().ToString());

    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<JwtSigningKey>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<LoginThrottle>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
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
        users.MapPost("/login/", Login);
        return app;
    }

    public static async Task<Results<Created<RegisterResponse>, BadRequest<ApiMessage>>> Register(
        RegisterRequest request, [AsParameters] AccountServices s)
    {
        var mobile = string.IsNullOrWhiteSpace(request.Mobile) ? null : request.Mobile.Trim();
        if (AccountRules.Validate(request.Username, request.Password, mobile) is { } problem)
            return ApiErrors.BadRequest(problem);
        if (await s.Db.Users.AnyAsync(u => u.Username == request.Username))
            return ApiErrors.BadRequest(UsernameTaken);
        if (mobile is not null && await s.Db.Users.AnyAsync(u => u.Mobile == mobile))
            return ApiErrors.BadRequest("手机号已被注册");

        var user = new User { Username = request.Username!, Mobile = mobile, PasswordHash = "", CreatedAt = s.Clock.GetUtcNow().UtcDateTime };
        user.PasswordHash = s.Hasher.HashPassword(user, request.Password!);
        s.Db.Users.Add(user);
        try
        {
            await s.Db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Lost a race with the same username or mobile: the unique indexes decide.
            return ApiErrors.BadRequest(mobile is null ? UsernameTaken : "用户名或手机号已被注册");
        }
        return TypedResults.Created($"/users/{user.Id}/", new RegisterResponse(user.Id, user.Username));
    }

    public static async Task<Results<Ok<LoginResponse>, BadRequest<ApiMessage>, JsonHttpResult<ApiMessage>>> Login(
        LoginRequest request, HttpContext http, [AsParameters] AccountServices s)
    {
        if (string.IsNullOrEmpty(request.Username) || string.IsNullOrEmpty(request.Password))
            return ApiErrors.BadRequest("请输入用户名和密码");
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!await s.Throttle.TryAttemptAsync(client, request.Username))
            return TypedResults.Json(new ApiMessage("登录尝试过于频繁，请稍后再试"), statusCode: StatusCodes.Status429TooManyRequests);

        var user = await s.Db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Username == request.Username || u.Mobile == request.Username);
        // An unknown name costs the same hashing as a wrong password, so timing does not tell which names exist.
        var verdict = s.Hasher.VerifyHashedPassword(user ?? NobodyUser, user?.PasswordHash ?? NobodyHash, request.Password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
            return ApiErrors.BadRequest("用户名或密码错误");

        return TypedResults.Ok(new LoginResponse(s.Tokens.Issue(user), user.Id, user.Username, user.Credit, s.Options.Value.CreditsPerYuan));
    }
}
