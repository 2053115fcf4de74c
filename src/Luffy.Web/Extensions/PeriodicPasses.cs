namespace Luffy.Web.Extensions;

/// <summary>
/// The loop of the background jobs (auto-cancel, refund retries, reconciliation): a pass every interval on the app's
/// clock, a failed pass logged and left to the next tick, until the host stops.
/// </summary>
public static class PeriodicPasses
{
    /// <param name="atStart">Run a pass at once, before the first tick.</param>
    public static async Task RunAsync(TimeSpan interval, TimeProvider clock, Func<CancellationToken, Task> pass, Action<Exception> failed,
        bool atStart, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        if (!atStart && !await timer.WaitForNextTickAsync(stoppingToken))
            return;
        do
        {
            try
            {
                await pass(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
