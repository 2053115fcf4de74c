namespace Luffy.Web.Payments;

/// <summary>The daily comparison of the gateway's bill with our payments and refunds (<see cref="ReconciliationJob"/>).</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";

    /// <summary>Whether this instance runs the daily job (the back office can reconcile a day either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>China time after which yesterday's bill is fetched: Alipay makes a day's bill in the morning after.</summary>
    public TimeOnly RunAfter { get; set; } = new(9, 30);

    /// <summary>How often the job looks whether yesterday is reconciled (and retries a failed day).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a claimed day is this instance's: another one takes over a run that has not finished by then.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(10);
}
