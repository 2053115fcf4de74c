using Luffy.Web.Extensions;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Refunds;

public sealed class RefundOptions
{
    public const string Section = "Refunds";

    /// <summary>How long after payment a student may ask for a refund (operators may refund any time).</summary>
    public TimeSpan RequestWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Until when a student may ask for a refund of an order paid at <paramref name="payTime"/> (before, not at).</summary>
    public DateTime? RequestDeadline(DateTime? payTime) => payTime + RequestWindow;

    /// <summary>Whether this instance runs the job (any number may).</summary>
    public bool RetryJob { get; set; } = true;

    /// <summary>How often the job looks for refunds under way without a known outcome.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A refund under way for this long is asked again (the gateway did not answer, or a process stopped).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    public int RetryBatch { get; set; } = 50;
}

/// <summary>
/// Asks the gateway again about refunds left under way (no answer, or a process stopped between the gateway and the
/// database). Safe on several instances: the gateway refunds an out_request_no once, and the refund is applied by a
/// guarded update.
/// </summary>
public sealed partial class RefundJob(IServiceScopeFactory scopes, TimeProvider clock, IOptions<RefundOptions> options, ILogger<RefundJob> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.RetryJob
            ? PeriodicPasses.RunAsync(options.Value.RetryInterval, clock, RunOnceAsync, e => LogFailed(logger, e), atStart: false, stoppingToken)
            : Task.CompletedTask;

    /// <summary>One pass; returns how many refunds went through.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RefundService>().RetryStalledAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Refund retry pass failed; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
