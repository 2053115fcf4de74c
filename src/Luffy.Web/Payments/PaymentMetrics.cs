using System.Diagnostics.Metrics;

namespace Luffy.Web.Payments;

/// <summary>The payment counters (meter <c>Luffy.Payments</c>), readable with dotnet-counters or any OpenTelemetry exporter.</summary>
public sealed class PaymentMetrics
{
    public const string MeterName = "Luffy.Payments";

    private readonly Counter<long> _rejected;

    public PaymentMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _rejected = meter.CreateCounter<long>("luffy.payments.notify.rejected", unit: "{notification}",
            description: "Payment notifications refused because their signature or app_id does not verify (not stored).");
    }

    public void NotifyRejected() => _rejected.Add(1);
}
