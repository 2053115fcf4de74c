using System.Net;
using System.Net.Sockets;
using Garnet;
using Microsoft.Extensions.Logging;

namespace Luffy.Infrastructure.Redis;

/// <summary>
/// An in-process Garnet server on a free loopback port, with its append-only file under
/// <c>&lt;data directory&gt;/garnet</c> so that carts survive a restart.
/// </summary>
public sealed partial class EmbeddedGarnet : IDisposable
{
    private readonly GarnetServer _server;

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public EmbeddedGarnet(string dataDirectory, ILoggerFactory loggerFactory)
    {
        var directory = Path.Combine(dataDirectory, "garnet");
        Directory.CreateDirectory(directory);
        Port = FreeLoopbackPort();
        _server = new GarnetServer(
        [
            "--bind", "127.0.0.1",
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--checkpointdir", directory,
            "--aof",
            // The cart's changes are Lua scripts (atomic, one round trip).
            "--lua",
            // Managed file I/O: the native device needs a libaio that Debian 12 names differently.
            "--device-type", "RandomAccess",
            "--recover",
            // Records that leave memory go to the log on disk instead of being dropped, so a small
            // memory budget loses no cart. Garnet's buffers are pinned (the POH): with its defaults
            // (128 MB AOF buffer, 16 MB pages) they were two thirds of the app's RSS (bench/RESULTS.md).
            "--storage-tier",
            "--logdir", Path.Combine(directory, "log"),
            "--memory", "16m",
            "--page", "1m",
            "--aof-memory", "8m",
            "--aof-page-size", "2m",
            "--index", "4m",
        ], new WarningsOnly(loggerFactory));
        _server.Start();
        LogStarted(loggerFactory.CreateLogger<EmbeddedGarnet>(), Endpoint, directory);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _server.Dispose();

    /// <summary>Garnet is chatty at Information; the app hears its warnings and errors.</summary>
    private sealed class WarningsOnly(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new Filtered(inner.CreateLogger(categoryName));
        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);
        public void Dispose()
        {
        }

        private sealed class Filtered(ILogger inner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && inner.IsEnabled(logLevel);
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                    inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Garnet listening on {Endpoint}, append-only file in {Directory}")]
    private static partial void LogStarted(ILogger logger, string endpoint, string directory);
}
