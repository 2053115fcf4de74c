using Luffy.Infrastructure.Redis;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace Luffy.Web.Accounts;

/// <summary>
/// Whether a signed-in user (token or cookie) may still act: the account exists and is not disabled. Asked on every
/// authenticated request, so answers are remembered for <see cref="Lifetime"/>; <see cref="ForgetAsync"/> (called by
/// whatever disables an account) makes every instance ask the database again at once, through a Redis channel.
/// </summary>
public sealed class UserAccess(IServiceScopeFactory scopes, IMemoryCache cache, IConnectionMultiplexer redis, RedisKeys keys) : IHostedService
{
    /// <summary>How long an answer is kept: a change made outside the app (SQL) shows within this.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>True when the principal names (<c>sub</c>) an account that exists and is not disabled.</summary>
    public ValueTask<bool> AllowsAsync(System.Security.Claims.ClaimsPrincipal? principal) =>
        principal?.FindFirst("sub")?.Value is { } sub && int.TryParse(sub, out var id) ? IsActiveAsync(id) : ValueTask.FromResult(false);

    public async ValueTask<bool> IsActiveAsync(int userId) => await StateAsync(userId) != AccountState.Gone;

    /// <summary>True when the account is active and still has the admin role (it may have been taken away since the sign-in).</summary>
    public async ValueTask<bool> IsAdminAsync(int userId) => await StateAsync(userId) == AccountState.Admin;

    private async ValueTask<AccountState> StateAsync(int userId)
    {
        if (cache.TryGetValue(Key(userId), out AccountState state))
            return state;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        var admin = await db.Users.Where(u => u.Id == userId && !u.IsDisabled).Select(u => (bool?)u.IsAdmin).FirstOrDefaultAsync();
        state = admin switch { null => AccountState.Gone, true => AccountState.Admin, false => AccountState.Active };
        cache.Set(Key(userId), state, Lifetime);
        return state;
    }

    private enum AccountState { Gone, Active, Admin }

    /// <summary>After an account changed (disabled, deleted, admin role given or taken): every instance asks the database again.</summary>
    public async Task ForgetAsync(int userId)
    {
        cache.Remove(Key(userId));
        await redis.GetSubscriber().PublishAsync(keys.UserChanges, userId);
    }

    public Task StartAsync(CancellationToken cancellationToken) =>
        redis.GetSubscriber().SubscribeAsync(keys.UserChanges, (_, id) =>
        {
            if (id.TryParse(out int userId))
                cache.Remove(Key(userId));
        });

    public Task StopAsync(CancellationToken cancellationToken) => redis.GetSubscriber().UnsubscribeAsync(keys.UserChanges);

    private static (string, int) Key(int userId) => ("user-access", userId);
}
