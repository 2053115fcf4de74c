using Luffy.Web.Extensions;
using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;
using Luffy.Web.Payments;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Orders;

/// <summary>
/// Cancels unpaid orders older than <see cref="OrderOptions.CancelAfter"/> (status 3, 超时取消), releasing their
/// coupons and credits. Safe on several instances at once: each cancellation is guarded by the order's status.
/// </summary>
public sealed partial class AutoCancelJob(IServiceScopeFactory scopes, TimeProvider clock, IOptions<OrderOptions> options, ILogger<AutoCancelJob> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPasses.RunAsync(options.Value.CancelCheckInterval, clock, RunOnceAsync, e => LogFailed(logger, e), atStart: true, stoppingToken);

    /// <summary>One pass: cancels what is due, then retries the refunds still pending; returns how many orders this pass cancelled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var deadline = clock.GetUtcNow().UtcDateTime - options.Value.CancelAfter;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        var due = await db.Orders.AsNoTracking()
            .Where(o => o.OrderStatus == OrderStatus.Unpaid && o.CreatedAt <= deadline)
            .OrderBy(o => o.CreatedAt)
            .Select(o => new { o.Id, o.OrderNumber, HasPayUrl = o.PayUrlIssuedAt != null })
            .Take(options.Value.CancelBatchSize)
            .ToListAsync(cancellationToken);

        var cancellation = scope.ServiceProvider.GetRequiredService<OrderCancellation>();
        var payments = scope.ServiceProvider.GetRequiredService<GatewayReconciliation>();
        var cancelled = 0;
        foreach (var order in due)
        {
            // The gateway knows the trade: a lost notify must not cancel a paid order.
            if (order.HasPayUrl)
            {
                try
                {
                    if (await payments.ReconcileBeforeCancelAsync(order.OrderNumber))
                        continue;
                }
                catch (AlipayException e)
                {
                    LogGatewayUnavailable(logger, e, order.OrderNumber);
                    continue;
                }
            }
            if (await cancellation.CancelAsync(order.Id, OrderTransition.TimeOut))
                cancelled++;
        }

        // Then the refunds still pending; a failure here does not undo the cancellations above.
        try
        {
            await scope.ServiceProvider.GetRequiredService<UnappliedPayments>().RetryAsync(options.Value.CancelBatchSize, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRefundRetryFailed(logger, e);
        }
        return cancelled;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderNumber} not cancelled: the payment gateway could not be asked; the next pass tries again")]
    private static partial void LogGatewayUnavailable(ILogger logger, Exception exception, string orderNumber);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retrying the pending refunds failed; the next tick tries again")]
    private static partial void LogRefundRetryFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Auto-cancel pass failed; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
