using System.Threading.RateLimiting;
using Luffy.Infrastructure.Redis;
using Luffy.Web.Extensions;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Luffy.Web.Accounts;

/// <summary>
/// Fixed-window limits on login attempts, per client address and per account, counted in Redis so that every app
/// instance counts together (RedisRateLimiting's fixed window: one Lua step sets a count and its expiry together, so
/// no count outlives its window).
/// <list type="bullet">
/// <item>Per client: the framework's rate limiter on the login routes (<c>RequireRateLimiting</c> with
/// <see cref="ApiPolicy"/> or <see cref="FormPolicy"/>), before the body is read.</item>
/// <item>Per account: <see cref="AccountService"/> acquires from <see cref="Accounts"/> once its lookup knows which
/// account the typed name means, so the username in any case and the mobile number count as one. A rate-limiter
/// policy picks its partition synchronously from the request, before anything reads the body or the database.</item>
/// </list>
/// </summary>
public sealed class LoginLimits : IDisposable
{
    public const string ApiPolicy = "login-api";
    public const string FormPolicy = "login-form";
    public const string TooMany = "登录尝试过于频繁，请稍后再试";

    private readonly RedisKeys _keys;
    private readonly RedisFixedWindowRateLimiterOptions _perClient;

    public LoginLimits(IConnectionMultiplexer redis, RedisKeys keys, IOptions<LoginThrottleOptions> options)
    {
        _keys = keys;
        var limits = options.Value;
        _perClient = new() { PermitLimit = limits.PerClient, Window = limits.Window, ConnectionMultiplexerFactory = () => redis };
        var perAccount = new RedisFixedWindowRateLimiterOptions { PermitLimit = limits.PerUsername, Window = limits.Window, ConnectionMultiplexerFactory = () => redis };
        Accounts = PartitionedRateLimiter.Create<string, string>(account =>
            RedisRateLimitPartition.GetFixedWindowRateLimiter(Partition($"account:{account}"), _ => perAccount));
    }

    /// <summary>
    /// The per-account limit; the key names the account whatever identifier was typed (its id when it exists).
    /// </summary>
    public PartitionedRateLimiter<string> Accounts { get; }

    /// <summary>The per-client partition of a request: its address, the one the trusted proxy named (ProxySetup).</summary>
    public RateLimitPartition<string> Client(HttpContext http) =>
        RedisRateLimitPartition.GetFixedWindowRateLimiter(
            Partition($"client:{http.Connection.RemoteIpAddress?.ToString() ?? "unknown"}"), _ => _perClient);

    /// <summary>How long until the window that refused <paramref name="lease"/> ends, when the limiter says.</summary>
    public static TimeSpan? RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds) ? TimeSpan.FromSeconds(Math.Max(seconds, 1)) : null;

    /// <summary>
    /// The name of a count. RedisRateLimiting keeps it under <c>rl:fw:{name}</c>, with the window's end under
    /// <c>rl:fw:{name}:exp</c>; the name starts with the app's key prefix.
    /// </summary>
    private string Partition(string what) => _keys.LoginAttempts(what).ToString();

    public void Dispose() => Accounts.Dispose();
}

/// <summary>The per-client half of the login limit, on a login route (<see cref="LoginLimits"/>).</summary>
internal abstract class LoginClientPolicy(LoginLimits limits) : IRateLimiterPolicy<string>
{
    public virtual RateLimitPartition<string> GetPartition(HttpContext httpContext) => limits.Client(httpContext);

    public abstract Func<OnRejectedContext, CancellationToken, ValueTask> OnRejected { get; }
}

/// <summary>The API's: 429 with the message and <c>Retry-After</c>, as its handler answers for the per-account half.</summary>
/// <remarks>
/// Only a JSON request counts. Another site's page can send a body-less or form-encoded POST to the API without a
/// CORS preflight (a "simple" request); had it counted, 30 of them would lock its visitor's address out of signing
/// in, on the form too (one count for both routes). The binder refuses such a request (400) before any password is
/// tried, so leaving it uncounted costs no protection; a JSON body needs a preflight, which CORS answers only for
/// the configured origins.
/// </remarks>
internal sealed class ApiLoginPolicy(LoginLimits limits) : LoginClientPolicy(limits)
{
    public override RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        httpContext.Request.HasJsonContentType() ? base.GetPartition(httpContext) : RateLimitPartition.GetNoLimiter("not json");

    public override Func<OnRejectedContext, CancellationToken, ValueTask> OnRejected { get; } = async (context, _) =>
        await ApiErrors.TooManyRequests(LoginLimits.TooMany, LoginLimits.RetryAfter(context.Lease)).ExecuteAsync(context.HttpContext);
}

/// <summary>The storefront's form: back to the login page with the message, as after a wrong password.</summary>
internal sealed class FormLoginPolicy(LoginLimits limits) : LoginClientPolicy(limits)
{
    public override Func<OnRejectedContext, CancellationToken, ValueTask> OnRejected { get; } = async (context, cancellationToken) =>
    {
        var request = context.HttpContext.Request;
        // The antiforgery check has read the form already; this reads it from there.
        var form = request.HasFormContentType ? await request.ReadFormAsync(cancellationToken) : FormCollection.Empty;
        await AccountActions.LoginRefused(LoginLimits.TooMany, form["username"], form["return_url"]).ExecuteAsync(context.HttpContext);
    };
}
