using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Luffy.Infrastructure.Data;

/// <summary>
/// Gives every pooled SQLite connection a small page cache, once per native connection.
/// </summary>
/// <remarks>
/// SQLite's default is 2 MB of cache per connection, and the pool keeps one connection per concurrent
/// request: under the funnel's 64 workers that was ~130 MB of the app's RSS (bench/RESULTS.md). The
/// database file stays in the operating system's page cache either way, so a small cache costs a few
/// extra reads from memory, not from disk.
/// </remarks>
public sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    /// <summary>Page cache per connection, in KiB.</summary>
    public const int CacheKiB = 512;

    private readonly ConditionalWeakTable<object, object> _configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Configure(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Configure(connection);
        return Task.CompletedTask;
    }

    private void Configure(DbConnection connection)
    {
        // The pool hands out new SqliteConnection objects over the same native handle: remember the handle.
        if (connection is not SqliteConnection { Handle: { } handle } || _configured.TryGetValue(handle, out _))
            return;
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA cache_size = -{CacheKiB};";
        command.ExecuteNonQuery();
        _configured.AddOrUpdate(handle, handle);
    }
}
