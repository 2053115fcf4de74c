using Luffy.Infrastructure.Redis;
using Luffy.Web.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Luffy.Web.Accounts;

/// <summary>
/// Fixed-window limits on login attempts per client address and per username, kept in Redis so that
/// every app instance counts together. One round trip per attempt.
/// </summary>
public sealed class LoginThrottle(IConnectionMultiplexer redis, RedisKeys keys, IOptions<LoginThrottleOptions> options)
{
    /// <summary>Counts this attempt; false when either limit is exceeded.</summary>
    public async Task<bool> TryAttemptAsync(string client, string username)
    {
        var limits = options.Value;
        var clientKey = keys.LoginAttempts($"client:{client}");
        var userKey = keys.LoginAttempts($"user:{username.ToLowerInvariant()}");

        var batch = redis.GetDatabase().CreateBatch();
        _ = batch.StringSetAsync(clientKey, 0, limits.Window, When.NotExists);
        var byClient = batch.StringIncrementAsync(clientKey);
        _ = batch.StringSetAsync(userKey, 0, limits.Window, When.NotExists);
        var byUser = batch.StringIncrementAsync(userKey);
        batch.Execute();
        return await byClient <= limits.PerClient & await byUser <= limits.PerUsername;
    }
}
