using Luffy.Web.Extensions;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Payments;

/// <summary>
/// Once a day, after <see cref="ReconciliationOptions.RunAfter"/> (China time), reconciles yesterday's bill if no
/// instance has (<see cref="BillReconciliation"/>); a day whose bill could not be had is tried again at the next tick.
/// Safe on several instances: a day is claimed through its unique run row.
/// </summary>
public sealed partial class ReconciliationJob(IServiceScopeFactory scopes, TimeProvider clock, IOptions<ReconciliationOptions> options, ILogger<ReconciliationJob> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled
            ? PeriodicPasses.RunAsync(options.Value.CheckInterval, clock, RunOnceAsync, e => LogFailed(logger, e), atStart: true, stoppingToken)
            : Task.CompletedTask;

    /// <summary>One pass: the run of yesterday this pass made (done or failed), or null (too early, done, or another instance's).</summary>
    public async Task<ReconciliationRun?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var china = clock.GetUtcNow().UtcDateTime + BillReconciliation.China;
        if (TimeOnly.FromDateTime(china) < options.Value.RunAfter)
            return null;
        await using var scope = scopes.CreateAsyncScope();
        var (run, _) = await scope.ServiceProvider.GetRequiredService<BillReconciliation>()
            .ReconcileAsync(DateOnly.FromDateTime(china).AddDays(-1), again: false, cancellationToken: cancellationToken);
        return run;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation pass failed; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
