using System.Security.Cryptography;
using Luffy.Infrastructure.Redis;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using StackExchange.Redis;

namespace Luffy.Web.Accounts;

/// <summary>
/// The storefront's sign-ins, kept in Redis: the cookie carries only a session id, so signing out deletes the
/// session on the server and a saved copy of the cookie stops working, on every instance.
/// </summary>
public sealed class RedisTicketStore(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider clock) : ITicketStore
{
    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        await RenewAsync(id, ticket);
        return id;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        var lifetime = ticket.Properties.ExpiresUtc is { } expires ? expires - clock.GetUtcNow() : TimeSpan.FromDays(1);
        return redis.GetDatabase().StringSetAsync(keys.Session(key), TicketSerializer.Default.Serialize(ticket),
            lifetime > TimeSpan.Zero ? lifetime : TimeSpan.FromSeconds(1));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var value = await redis.GetDatabase().StringGetAsync(keys.Session(key));
        return value.IsNull ? null : TicketSerializer.Default.Deserialize((byte[])value!);
    }

    public Task RemoveAsync(string key) => redis.GetDatabase().KeyDeleteAsync(keys.Session(key));
}

/// <summary>Points the cookie handler at the Redis session store (the store needs services, options are built before them).</summary>
internal sealed class CookieSessionSetup(RedisTicketStore store) : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name == CookieAuthenticationDefaults.AuthenticationScheme)
            options.SessionStore = store;
    }
}
