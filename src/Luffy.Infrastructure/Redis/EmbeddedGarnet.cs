using System.Net;
using System.Net.Sockets;
using Garnet;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Luffy.Infrastructure.Redis;

/// <summary>
/// An in-process Garnet server on a free loopback port, with its append-only file under
/// <c>&lt;data directory&gt;/garnet</c> so that carts survive a restart, and a password generated once in
/// <c>garnet/password</c> (owner-only, like the directory) so that another local user cannot read or change carts.
/// </summary>
public sealed partial class EmbeddedGarnet : IDisposable
{
    private readonly GarnetServer _server;
    private readonly WarningsOnly _logs;

    private const string PasswordFile = "password";

    /// <summary>
    /// Garnet's memory budget for its log and objects (<c>--memory</c>): 100 000 carts of three courses take 74 MB,
    /// but the log keeps the place of expired and deleted keys too (sessions, login counters), so the budget fills
    /// with the shop's history (README, "Memory").
    /// </summary>
    public const string MemoryBudget = "256m";

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public string Password { get; }

    /// <summary>How a StackExchange.Redis client connects: the endpoint and the password.</summary>
    public ConfigurationOptions ClientConfiguration => new() { EndPoints = { Endpoint }, Password = Password };

    public EmbeddedGarnet(string dataDirectory, ILoggerFactory loggerFactory)
    {
        var directory = Path.Combine(dataDirectory, "garnet");
        OwnerOnly.Directory(directory);
        Password = OwnerOnly.Secret(Path.Combine(directory, PasswordFile));
        Port = FreeLoopbackPort();
        _logs = new WarningsOnly(loggerFactory);
        // In-process arguments: the password is on no command line that `ps` shows.
        _server = new GarnetServer([.. Arguments(directory, Port), "--auth", "Password", "--password", Password], _logs);
        _server.Start();
        LogStarted(loggerFactory.CreateLogger<EmbeddedGarnet>(), Endpoint, directory);
    }

    /// <summary>Garnet's command line (less the password) for a server on <paramref name="port"/> keeping its files in <paramref name="directory"/>.</summary>
    public static string[] Arguments(string directory, int port)
    {
        List<string> arguments =
        [
            "--bind", "127.0.0.1",
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--checkpointdir", directory,
            "--aof",
            // A write is answered once its record, and Garnet's commit record after it, are written to the file
            // (O_DIRECT, no fsync): without it Garnet answers first and writes behind, and a process killed right after
            // an answer lost the writes not yet written (README, "Durability"; DataDirectoryTests).
            "--aof-commit-wait",
            // The cart's changes are Lua scripts (atomic, one round trip).
            "--lua",
            // Managed file I/O: the native device needs a libaio that Debian 12 names differently.
            "--device-type", "RandomAccess",
            // Everything in memory, nothing serialised: without --storage-tier Garnet never writes its objects
            // (carts are hashes and sets) anywhere, and the append-only file alone makes them durable. With the
            // storage tier, Garnet 2.2.8 wrote a page's hashes to log/ while a replayed write was changing one of
            // them at a restart ("Collection was modified" in HashObject.DoSerialize) and the process died (one run in
            // six of DataDirectoryTests' eight kill -9 restarts, on a directory larger than memory). The budget is an upper
            // bound, not an allocation (pages are taken as the log grows); /health says Degraded from 80 % of it
            // (EmbeddedGarnet.MemoryUse), before the oldest records would have to leave memory (and be lost).
            "--memory", MemoryBudget,
            "--page", "512k",
            "--aof-memory", "4m",
            // At least twice the log page (Garnet refuses to start otherwise).
            "--aof-page-size", "1m",
            // 8 192 buckets of seven keys (~57 000 keys, a cart is two). A full bucket chains into overflow
            // buckets; when those pass Garnet's resize threshold, the index doubles (checked every minute, up to 64 MB).
            "--index", "512k",
            "--index-max-size", "64m",
        ];
        // With --recover Garnet builds its hash index a second time at start; the first one (the index and its
        // two 4 MB pages of overflow buckets) stays in the pinned heap as free space the GC never compacts
        // (heap dumps in bench/RESULTS.md). A directory without a file (the password aside) has nothing to recover.
        if (Directory.Exists(directory) && Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Any(f => Path.GetFileName(f) != PasswordFile))
            arguments.Add("--recover");
        return [.. arguments];
    }

    /// <summary>
    /// What Garnet's log and objects take now and the budget they may take (bytes). Nothing leaves memory for
    /// disk (see <see cref="Arguments"/>), so a store at its budget would start dropping the oldest records:
    /// <c>/health</c> reports it before (production mode uses Redis, sized by the operator).
    /// </summary>
    public (long Used, long Budget) MemoryUse()
    {
        var items = _server.Metrics.GetInfoMetrics(Garnet.common.InfoMetricsType.MEMORY).ToDictionary(i => i.Name, i => i.Value);
        return (long.Parse(items["store_mainlog_memory_size"], System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(items["store_heap_memory_target_size"], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _logs.Stopping = true;
        _server.Dispose();
    }

    /// <summary>
    /// Garnet is chatty at Information; the app hears its warnings and errors, less two that are not: the warning
    /// at every start that Garnet's own log options are ignored (the app hands it its logger on purpose), and the
    /// cancellation of Garnet's background tasks (the index's growth check) that Garnet logs as an error when we stop it.
    /// </summary>
    private sealed class WarningsOnly(ILoggerFactory inner) : ILoggerFactory
    {
        public volatile bool Stopping;

        public ILogger CreateLogger(string categoryName) => new Filtered(this, categoryName, inner.CreateLogger(categoryName));
        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);
        public void Dispose()
        {
        }

        private sealed class Filtered(WarningsOnly factory, string category, ILogger inner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && inner.IsEnabled(logLevel);
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel)
                    || (exception is OperationCanceledException && factory.Stopping)
                    || (category == "ArgParser" && formatter(state, exception).StartsWith("Received an external ILoggerFactory", StringComparison.Ordinal)))
                    return;
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Garnet listening on {Endpoint}, append-only file in {Directory}")]
    private static partial void LogStarted(ILogger logger, string endpoint, string directory);
}
