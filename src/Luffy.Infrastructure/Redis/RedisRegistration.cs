using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Luffy.Infrastructure.Redis;

public static class RedisRegistration
{
    /// <summary>Connects to the configured Redis, or starts the embedded Garnet server when none is configured.</summary>
    public static IServiceCollection AddLuffyRedis(this IServiceCollection services, RedisOptions options, string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            services.AddSingleton(sp => new EmbeddedGarnet(dataDirectory, sp.GetRequiredService<ILoggerFactory>()));
            services.AddSingleton<IConnectionMultiplexer>(sp =>
                ConnectionMultiplexer.Connect(sp.GetRequiredService<EmbeddedGarnet>().ClientConfiguration));
        }
        else
        {
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options.Configuration));
        }
        services.AddSingleton(new RedisKeys(options.KeyPrefix));
        return services;
    }
}

/// <summary>The app's Redis key names.</summary>
public sealed record RedisKeys(string Prefix)
{
    public RedisKey Cart(int userId) => $"{Prefix}cart_{userId}";
    public RedisKey Selected(int userId) => $"{Prefix}selected_{userId}";
    /// <summary>The name of a login limit's count; RedisRateLimiting keeps it under <c>rl:fw:{name}</c>.</summary>
    public RedisKey LoginAttempts(string what) => $"{Prefix}login_{what}";
    public RedisKey DataProtection => $"{Prefix}dataprotection_keys";
    public RedisChannel CatalogChanges => RedisChannel.Literal($"{Prefix}catalog_changed");
    public RedisKey Session(string id) => $"{Prefix}session_{id}";
    public RedisChannel UserChanges => RedisChannel.Literal($"{Prefix}user_changed");
}
