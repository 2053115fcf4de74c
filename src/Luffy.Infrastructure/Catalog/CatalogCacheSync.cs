using Luffy.Infrastructure.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Luffy.Infrastructure.Catalog;

/// <summary>
/// Keeps the <see cref="CatalogCache"/> of every instance in step: a catalog change committed here is announced on a
/// Redis channel, and an announcement from another instance empties this one's cache. While the connection to
/// Redis is down, announcements are lost: the cache is emptied when it comes back, and entries expire anyway.
/// </summary>
public sealed partial class CatalogCacheSync(
    CatalogCache cache, IConnectionMultiplexer redis, RedisKeys keys, ILogger<CatalogCacheSync> logger) : IHostedService
{
    // Tells this instance's own announcements apart from the others'.
    private readonly RedisValue _instance = Guid.NewGuid().ToString("N");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Announced even with this instance's cache off: the other instances may keep theirs.
        cache.CatalogChanged += Announce;
        if (!cache.Enabled)
            return;
        redis.ConnectionRestored += OnReconnected;
        await redis.GetSubscriber().SubscribeAsync(keys.CatalogChanges, (_, sender) =>
        {
            if (sender != _instance)
                cache.Clear();
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        cache.CatalogChanged -= Announce;
        if (!cache.Enabled)
            return;
        redis.ConnectionRestored -= OnReconnected;
        await redis.GetSubscriber().UnsubscribeAsync(keys.CatalogChanges);
    }

    private void OnReconnected(object? sender, ConnectionFailedEventArgs e) => cache.Clear();

    private void Announce()
    {
        try
        {
            redis.GetSubscriber().Publish(keys.CatalogChanges, _instance, CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            // The change is committed and this instance's cache is empty; the others' entries expire.
            LogAnnounceFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce a catalog change to the other instances")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception);
}
