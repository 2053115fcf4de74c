using System.Collections.Concurrent;
using Luffy.Infrastructure.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Luffy.Infrastructure.Tests;

/// <summary>The embedded Garnet keeps a small memory budget; what does not fit must go to disk, not away.</summary>
public sealed class EmbeddedGarnetTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("luffy-garnet-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Carts_written_beyond_the_memory_budget_are_still_there_and_survive_a_restart()
    {
        // 48 MB of hashes, six times the 8 MB log memory: the first ones leave memory.
        const int carts = 12_000;
        var lines = new string('x', 4000);
        using (var garnet = new EmbeddedGarnet(_directory, NullLoggerFactory.Instance))
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ClientConfiguration);
            var db = redis.GetDatabase();
            for (var start = 0; start < carts; start += 500)
            {
                var batch = db.CreateBatch();
                var writes = Enumerable.Range(start, 500)
                    .Select(i => batch.HashSetAsync($"cart_{i}", [new("1", $"{i}:{lines}"), new("3", "90")])).ToList();
                batch.Execute();
                await Task.WhenAll(writes);
            }

            Assert.Equal($"0:{lines}", await db.HashGetAsync("cart_0", "1"));
            Assert.Equal("90", await db.HashGetAsync("cart_1", "3"));
        }

        using (var restarted = new EmbeddedGarnet(_directory, NullLoggerFactory.Instance))
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(restarted.ClientConfiguration);
            var db = redis.GetDatabase();
            Assert.Equal($"0:{lines}", await db.HashGetAsync("cart_0", "1"));
            Assert.Equal($"{carts - 1}:{lines}", await db.HashGetAsync($"cart_{carts - 1}", "1"));
        }
    }

    [Fact]
    public async Task Only_a_directory_that_holds_files_is_recovered()
    {
        // Recovery costs a second hash index; an empty directory has nothing to recover.
        var garnetDirectory = Path.Combine(_directory, "garnet");
        Assert.DoesNotContain("--recover", EmbeddedGarnet.Arguments(garnetDirectory, 6379));
        using (var garnet = new EmbeddedGarnet(_directory, NullLoggerFactory.Instance))
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ClientConfiguration);
            await redis.GetDatabase().HashSetAsync("cart_1", "1", "90");
        }

        Assert.Contains("--recover", EmbeddedGarnet.Arguments(garnetDirectory, 6379));
    }

    [Fact]
    public void A_start_and_a_normal_stop_log_no_warning_or_error()
    {
        using var factory = new RecordingLoggerFactory();
        var garnet = new EmbeddedGarnet(_directory, factory);
        garnet.Dispose();

        Assert.Contains(factory.Entries, e => e.Level == LogLevel.Information && e.Category.EndsWith(nameof(EmbeddedGarnet), StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Entries, e => e.Level >= LogLevel.Warning);
    }

    private sealed class RecordingLoggerFactory : ILoggerFactory
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class Recorder(RecordingLoggerFactory factory, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                factory.Entries.Enqueue((category, logLevel, $"{formatter(state, exception)} {exception}"));
        }
    }
}
