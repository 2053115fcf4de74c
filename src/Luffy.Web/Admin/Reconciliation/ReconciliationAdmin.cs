using System.Globalization;
using System.Security.Claims;
using Luffy.Web.Payments;

namespace Luffy.Web.Admin.Reconciliation;

public sealed record ReconciliationRunDto(string BillDate, string State, string StateText, DateTime StartedAt, DateTime? FinishedAt, int GatewayRows, int Mismatches, string? Error);

public sealed record MismatchDto(string Kind, string KindText, string? OutTradeNo, string? TradeNo, string? RequestNo, decimal? GatewayAmount, decimal? OurAmount, string Detail);

/// <summary>A reconciled day: its run and its mismatches.</summary>
public sealed record ReconciliationDay(ReconciliationRunDto Run, IReadOnlyList<MismatchDto> Mismatches);

/// <summary>The back office's reconciliation: the runs, a day's mismatches, and a day reconciled (again) now.</summary>
public sealed class ReconciliationAdmin(LuffyDbContext db, BillReconciliation reconciliation, AuditLog audit)
{
    public const int Recent = 60;

    /// <summary>A date as the API and the form send it (yyyy-MM-dd), or the reason it is refused.</summary>
    public static (DateOnly? Day, Refusal? Refusal) ParseDate(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? (day, null)
            : (null, Refusal.Invalid("日期格式应为 yyyy-MM-dd"));

    /// <summary>The newest runs, latest bill date first.</summary>
    public async Task<List<ReconciliationRunDto>> RunsAsync() =>
        (await db.ReconciliationRuns.AsNoTracking().OrderByDescending(r => r.BillDate).Take(Recent).ToListAsync()).Select(Dto).ToList();

    /// <summary>The day's run and mismatches; null when the day has not been reconciled.</summary>
    public async Task<ReconciliationDay?> DayAsync(DateOnly day)
    {
        if (await db.ReconciliationRuns.AsNoTracking().SingleOrDefaultAsync(r => r.BillDate == day) is not { } run)
            return null;
        var mismatches = await db.ReconciliationMismatches.AsNoTracking().Where(m => m.BillDate == day).OrderBy(m => m.Id).ToListAsync();
        return new ReconciliationDay(Dto(run), mismatches.Select(m => new MismatchDto(
            m.Kind, MismatchKind.Text(m.Kind), m.OutTradeNo, m.TradeNo, m.RequestNo, m.GatewayAmount?.Yuan, m.OurAmount?.Yuan, m.Detail)).ToList());
    }

    /// <summary>Reconciles <paramref name="day"/> now (again, if it was done), recorded in the audit log with its outcome.</summary>
    public async Task<(ReconciliationDay? Day, Refusal? Refusal)> RunAsync(ClaimsPrincipal actor, DateOnly day, CancellationToken cancellationToken = default)
    {
        var (_, refusal) = await reconciliation.ReconcileAsync(day, again: true,
            run => audit.Add(actor, "reconciliation.run", "reconciliation", run.BillDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null,
                new { bill_date = run.BillDate, state = run.State.ToString(), run.GatewayRows, run.Mismatches, run.Error }),
            cancellationToken);
        return refusal is null ? (await DayAsync(day), null) : (null, refusal);
    }

    public static string StateText(ReconciliationState state) => state switch
    {
        ReconciliationState.Running => "对账中",
        ReconciliationState.Done => "已完成",
        ReconciliationState.Failed => "失败（将重试）",
        _ => state.ToString(),
    };

    private static ReconciliationRunDto Dto(ReconciliationRun r) => new(
        r.BillDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.State.ToString().ToLowerInvariant(), StateText(r.State),
        r.StartedAt, r.FinishedAt, r.GatewayRows, r.Mismatches, r.Error);
}
