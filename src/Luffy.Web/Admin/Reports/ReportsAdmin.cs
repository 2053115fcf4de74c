using Luffy.Web.Components;
using Luffy.Web.Extensions;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Admin.Reports;

/// <summary>The report's days: China days (UTC+8), both ends included.</summary>
public sealed record ReportWindow(DateOnly From, DateOnly To)
{
    public int Days => To.DayNumber - From.DayNumber + 1;
    public DateTime FromUtc => Format.ChinaDayStart(From)!.Value;
    /// <summary>The start of the day after <see cref="To"/>: the window's exclusive end.</summary>
    public DateTime ToUtc => Format.ChinaDayStart(To.AddDays(1))!.Value;
}

/// <summary>One China day: orders placed that day and how many of them are paid by now, payments, refunds, what is left.</summary>
public sealed record DayFigures(DateOnly Day, int OrdersCreated, int CreatedAndPaid, int PaidOrders, decimal Revenue, int Refunds, decimal Refunded, decimal Net);

/// <summary>
/// A course's sales in the window: its lines in orders paid then, how many of those lines were refunded since, and the
/// cash of the lines it kept.
/// </summary>
public sealed record CourseFigures(int Rank, int CourseId, string CourseName, int Lines, int RefundedLines, decimal Revenue);

public sealed record ReportTotals(int PaidOrders, decimal Revenue, int Refunds, decimal Refunded, decimal Net);

/// <summary>Orders placed in the window and how many of them got paid (whether refunded since or not).</summary>
public sealed record Conversion(int Created, int Paid, decimal Rate);

/// <summary>Paid orders with a coupon and what the coupons took off them (total − cash − the credits' value).</summary>
public sealed record CouponUsage(int Orders, decimal Discount);

/// <summary>Credits spent on the orders paid in the window (and their money value), credits given back by the window's refunds.</summary>
public sealed record CreditUsage(int Orders, long Spent, decimal SpentValue, long Refunded);

public sealed record SalesReport(
    DateOnly From, DateOnly To, ReportTotals Totals, Conversion Conversion, CouponUsage Coupons, CreditUsage Credits,
    IReadOnlyList<DayFigures> Days, IReadOnlyList<CourseFigures> TopCourses);

/// <summary>
/// The back office's sales report over China days. Every figure is a SQL aggregate (four grouped queries, whatever the
/// window): an order counts on the day it was paid (<c>pay_time</c>), a refund on the day it went through
/// (<c>refunded_at</c>, succeeded refunds only), a placed order on the day it was placed.
/// </summary>
public sealed class ReportsAdmin(LuffyDbContext db, TimeProvider clock, IOptions<LuffyOptions> luffy)
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;
    public const int TopCount = 10;

    /// <summary>The window asked for: the last <paramref name="days"/> China days up to today, or <paramref name="from"/> to <paramref name="to"/>.</summary>
    public (ReportWindow? Window, string? Error) Window(int? days, DateOnly? from, DateOnly? to)
    {
        if (days is not null && (from is not null || to is not null))
            return (null, "days 与 from/to 只能选一种");
        if (from is { } f && to is { } t)
        {
            if (f.Year < 2000 || t.Year > 2099)
                return (null, "日期应在 2000-01-01 到 2099-12-31 之间");
            if (t < f)
                return (null, "结束日期不能早于开始日期");
            if (t.DayNumber - f.DayNumber + 1 > MaxDays)
                return (null, $"报表最多跨 {MaxDays} 天");
            return (new ReportWindow(f, t), null);
        }
        if (from is not null || to is not null)
            return (null, "开始日期和结束日期应同时给出");
        var n = days ?? DefaultDays;
        if (n is < 1 or > MaxDays)
            return (null, $"天数应为 1 到 {MaxDays}");
        var today = DateOnly.FromDateTime(Format.InChina(clock.GetUtcNow().UtcDateTime));
        return (new ReportWindow(today.AddDays(1 - n), today), null);
    }

    public async Task<(SalesReport? Report, string? Error)> GetAsync(int? days, DateOnly? from, DateOnly? to, CancellationToken cancellationToken = default)
    {
        var (window, error) = Window(days, from, to);
        return window is null ? (null, error) : (await GetAsync(window, cancellationToken), null);
    }

    public async Task<SalesReport> GetAsync(ReportWindow window, CancellationToken cancellationToken = default)
    {
        var (start, end) = (window.FromUtc, window.ToUtc);
        var rate = luffy.Value.CreditsPerYuan;
        var half = rate / 2;
        // Money columns are summed as their fen: (long)(object) is how EF Core reads a converted column as its
        // stored type (CAST … AS INTEGER / ::bigint). A credit's value is Credits.Value per order, rounded half up
        // in integer arithmetic: (credits × 100 + rate / 2) / rate fen.
        // A day is the China date of the time (ChinaDate); the WHERE is on the time itself, so its index bounds the rows read.
        // Paid is "has a pay time": only paying sets it (OrderTransitions.PayAsync) and a refund keeps it, while a late
        // payment refunded on a closed order never gets one. No status condition either: SQLite would read the
        // (order_status, created_at) index for it instead of the pay_time range (bench/RESULTS.md, Reports).
        var paid = await db.Orders.AsNoTracking()
            .Where(o => o.PayTime >= start && o.PayTime < end)
            .GroupBy(o => ChinaDate.Of(o.PayTime))
            .Select(g => new
            {
                Day = g.Key,
                Orders = g.Count(),
                Revenue = g.Sum(o => (long)(object)o.RealPrice),
                CouponOrders = g.Count(o => o.Coupon != 0),
                CouponDiscount = g.Sum(o => o.Coupon != 0 ? (long)(object)o.TotalPrice - (long)(object)o.RealPrice - (o.Credit * 100 + half) / rate : 0),
                CreditOrders = g.Count(o => o.Credit > 0),
                Credits = g.Sum(o => o.Credit),
                CreditValue = g.Sum(o => (o.Credit * 100 + half) / rate),
            })
            .ToListAsync(cancellationToken);
        var refunds = await db.Refunds.AsNoTracking()
            .Where(r => r.Status == RefundStatus.Succeeded && r.RefundedAt >= start && r.RefundedAt < end)
            .GroupBy(r => ChinaDate.Of(r.RefundedAt))
            .Select(g => new { Day = g.Key, Count = g.Count(), Amount = g.Sum(r => (long)(object)r.Amount), Credits = g.Sum(r => r.Credit) })
            .ToListAsync(cancellationToken);
        var created = await db.Orders.AsNoTracking()
            .Where(o => o.CreatedAt >= start && o.CreatedAt < end)
            .GroupBy(o => ChinaDate.Of(o.CreatedAt))
            .Select(g => new
            {
                Day = g.Key,
                Count = g.Count(),
                Paid = g.Count(o => o.PayTime != null),
            })
            .ToListAsync(cancellationToken);
        // A line counts for the course in the window its order was paid; a line whose refund went through (whenever)
        // is counted as refunded and its cash left out: the ranking is by the money the course kept.
        var courses = await (
                from d in db.OrderDetails.AsNoTracking()
                join o in db.Orders on d.OrderId equals o.Id
                where o.PayTime >= start && o.PayTime < end
                select new
                {
                    d.CourseId,
                    d.CourseName,
                    Refunded = d.RefundId != null && db.Refunds.Any(r => r.Id == d.RefundId && r.Status == RefundStatus.Succeeded),
                    d.RealPrice,
                })
            .GroupBy(l => l.CourseId)
            .Select(g => new
            {
                CourseId = g.Key,
                Name = g.Max(l => l.CourseName),
                Lines = g.Count(),
                RefundedLines = g.Count(l => l.Refunded),
                Revenue = g.Sum(l => l.Refunded ? 0 : (long)(object)l.RealPrice),
            })
            .OrderByDescending(c => c.Revenue).ThenBy(c => c.CourseId)
            .Take(TopCount)
            .ToListAsync(cancellationToken);

        var paidBy = paid.ToDictionary(p => p.Day!.Value);
        var refundsBy = refunds.ToDictionary(r => r.Day!.Value);
        var createdBy = created.ToDictionary(c => c.Day!.Value);
        var days = Enumerable.Range(0, window.Days).Select(i =>
        {
            var day = window.From.AddDays(i);
            var p = paidBy.GetValueOrDefault(day);
            var r = refundsBy.GetValueOrDefault(day);
            var c = createdBy.GetValueOrDefault(day);
            var revenue = p?.Revenue ?? 0;
            var refunded = r?.Amount ?? 0;
            return new DayFigures(day, c?.Count ?? 0, c?.Paid ?? 0, p?.Orders ?? 0, Yuan(revenue), r?.Count ?? 0, Yuan(refunded), Yuan(revenue - refunded));
        }).ToList();

        var totalRevenue = paid.Sum(p => p.Revenue);
        var totalRefunded = refunds.Sum(r => r.Amount);
        var totals = new ReportTotals(paid.Sum(p => p.Orders), Yuan(totalRevenue), refunds.Sum(r => r.Count), Yuan(totalRefunded), Yuan(totalRevenue - totalRefunded));
        var (placed, placedPaid) = (created.Sum(c => c.Count), created.Sum(c => c.Paid));
        var conversion = new Conversion(placed, placedPaid, placed == 0 ? 0 : Math.Round((decimal)placedPaid / placed, 4, MidpointRounding.AwayFromZero));
        var coupons = new CouponUsage(paid.Sum(p => p.CouponOrders), Yuan(paid.Sum(p => p.CouponDiscount)));
        var credits = new CreditUsage(paid.Sum(p => p.CreditOrders), paid.Sum(p => p.Credits), Yuan(paid.Sum(p => p.CreditValue)), refunds.Sum(r => r.Credits));
        var top = courses.Select((c, i) => new CourseFigures(i + 1, c.CourseId, c.Name ?? "", c.Lines, c.RefundedLines, Yuan(c.Revenue))).ToList();
        return new SalesReport(window.From, window.To, totals, conversion, coupons, credits, days, top);
    }

    private static decimal Yuan(long fen) => new Money(fen).Yuan;
}
