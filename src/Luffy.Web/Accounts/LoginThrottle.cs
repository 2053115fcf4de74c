using Luffy.Infrastructure.Redis;
using Luffy.Web.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Luffy.Web.Accounts;

/// <summary>
/// Fixed-window limits on login attempts per client address and per account, kept in Redis so that every app
/// instance counts together. One round trip per attempt.
/// </summary>
public sealed class LoginThrottle(IConnectionMultiplexer redis, RedisKeys keys, IOptions<LoginThrottleOptions> options)
{
    // The count and its expiry in one step: a counter without an expiry would lock its account out for good.
    private const string Count = """
        local n = redis.call('INCR', KEYS[1])
        if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    /// <summary>
    /// Counts this attempt; false when either limit is exceeded. <paramref name="account"/> names the account whatever
    /// identifier was typed (its id when it exists), so a username and a mobile number share one count.
    /// </summary>
    public async Task<bool> TryAttemptAsync(string client, string account)
    {
        var limits = options.Value;
        var window = (long)limits.Window.TotalMilliseconds;
        var batch = redis.GetDatabase().CreateBatch();
        var byClient = batch.ScriptEvaluateAsync(Count, [keys.LoginAttempts($"client:{client}")], [window]);
        var byAccount = batch.ScriptEvaluateAsync(Count, [keys.LoginAttempts($"account:{account}")], [window]);
        batch.Execute();
        return (long)await byClient <= limits.PerClient & (long)await byAccount <= limits.PerUsername;
    }
}
