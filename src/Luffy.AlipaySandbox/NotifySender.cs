using Luffy.Infrastructure.Alipay;

namespace Luffy.AlipaySandbox;

/// <summary>
/// Posts the signed notification to the merchant's notify_url until it answers exactly <c>success</c>,
/// on Alipay's schedule divided by <see cref="SandboxOptions.NotifyScheduleDivisor"/>.
/// </summary>
public sealed partial class NotifySender(
    IHttpClientFactory httpFactory, SandboxTrades trades, SandboxOptions options, TimeProvider clock, ILogger<NotifySender> logger) : IDisposable
{
    public const string HttpClientName = "alipay-sandbox-notify";
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Notifies the payment of <paramref name="trade"/>.</summary>
    public void Start(Trade trade) => _ = DeliverAsync(trade, null, _stopping.Token);

    /// <summary>Notifies a refund of <paramref name="trade"/>, as Alipay does.</summary>
    public void StartRefund(Trade trade, RefundNotice refund) => _ = DeliverAsync(trade, refund, _stopping.Token);

    private async Task DeliverAsync(Trade trade, RefundNotice? refund, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(trade.NotifyUrl))
            return;
        for (var attempt = 0; !cancellationToken.IsCancellationRequested; attempt++)
        {
            if (await SendOnceAsync(trade, refund, cancellationToken))
                return;
            if (attempt >= SandboxOptions.NotifySchedule.Length)
            {
                LogGaveUp(logger, trade.OutTradeNo, attempt + 1);
                return;
            }
            var delay = SandboxOptions.NotifySchedule[attempt] / options.NotifyScheduleDivisor;
            try
            {
                await Task.Delay(delay, clock, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> SendOnceAsync(Trade trade, RefundNotice? refund, CancellationToken cancellationToken)
    {
        if (refund is null)
            lock (trade)
                trade.NotifyAttempts++;
        try
        {
            var form = AlipayClient.FormEncode(trades.Notification(trade, refund));
            using var content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await httpFactory.CreateClient(HttpClientName).PostAsync(trade.NotifyUrl, content, cancellationToken);
            var answer = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            var acknowledged = response.IsSuccessStatusCode && answer == "success";
            if (refund is null)
                lock (trade)
                    trade.NotifyAcknowledged |= acknowledged;
            LogAttempt(logger, trade.OutTradeNo, (int)response.StatusCode, answer.Length > 40 ? answer[..40] : answer);
            return acknowledged;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, trade.OutTradeNo, e.Message);
            return false;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox notify for {OutTradeNo}: HTTP {Status} \"{Answer}\"")]
    private static partial void LogAttempt(ILogger logger, string outTradeNo, int status, string answer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox notify for {OutTradeNo} failed: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string outTradeNo, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox gave up notifying {OutTradeNo} after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, string outTradeNo, int attempts);
}
