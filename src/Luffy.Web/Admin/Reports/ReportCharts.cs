using System.Globalization;
using ScottPlot;

namespace Luffy.Web.Admin.Reports;

/// <summary>
/// The report's charts as SVG drawn on the server (ScottPlot over SkiaSharp): the page needs no script. Their labels are
/// numbers and dates only, because a server's fonts may have no Chinese glyphs; the page's HTML carries the titles and
/// the legend, and a table with the same figures sits under each chart.
/// </summary>
public static class ReportCharts
{
    private const int Width = 760;
    private const int Height = 260;
    // The page's legend (site.css, .swatch) shows the same colours.
    private const string RevenueColor = "#1f77b4";
    private const string RefundColor = "#d62728";
    private const string CreatedColor = "#9a9a9a";

    /// <summary>Each day's cash in (bars up) and refunds (bars down).</summary>
    public static string DailyMoney(SalesReport report)
    {
        using var plot = new Plot();
        var days = report.Days;
        plot.Add.Bars(days.SelectMany((d, i) => new[]
        {
            new Bar { Position = i, Value = (double)d.Revenue, FillColor = Color.FromHex(RevenueColor), LineWidth = 0 },
            new Bar { Position = i, Value = -(double)d.Refunded, FillColor = Color.FromHex(RefundColor), LineWidth = 0 },
        }).ToList());
        DayTicks(plot, days);
        return Svg(plot);
    }

    /// <summary>Each day's paid orders (bars) and orders placed (the line).</summary>
    public static string DailyOrders(SalesReport report)
    {
        using var plot = new Plot();
        var days = report.Days;
        plot.Add.Bars(days.Select((d, i) => new Bar { Position = i, Value = d.PaidOrders, FillColor = Color.FromHex(RevenueColor), LineWidth = 0 }).ToList());
        var line = plot.Add.Scatter(days.Select((_, i) => (double)i).ToArray(), days.Select(d => (double)d.OrdersCreated).ToArray());
        line.Color = Color.FromHex(CreatedColor);
        line.LineWidth = 2;
        line.MarkerSize = 4;
        DayTicks(plot, days);
        plot.Axes.Margins(bottom: 0);
        return Svg(plot);
    }

    /// <summary>The top courses' kept cash, the first at the top, each labelled by its rank in the table.</summary>
    public static string TopCourses(SalesReport report)
    {
        using var plot = new Plot();
        var top = report.TopCourses;
        var bars = plot.Add.Bars(top.Select(c => new Bar { Position = top.Count - c.Rank, Value = (double)c.Revenue, FillColor = Color.FromHex(RevenueColor), LineWidth = 0 }).ToList());
        bars.Horizontal = true;
        plot.Axes.Left.SetTicks(top.Select(c => (double)(top.Count - c.Rank)).ToArray(), top.Select(c => c.Rank.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Margins(left: 0);
        return Svg(plot);
    }

    /// <summary>A date under every bar while they fit, otherwise under every few.</summary>
    private static void DayTicks(Plot plot, IReadOnlyList<DayFigures> days)
    {
        var step = Math.Max(1, (days.Count + 9) / 10);
        var ticks = Enumerable.Range(0, days.Count).Where(i => i % step == 0).ToArray();
        plot.Axes.Bottom.SetTicks(ticks.Select(i => (double)i).ToArray(), ticks.Select(i => days[i].Day.ToString("MM-dd", CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>The plot as an inline SVG element (without its XML declaration) that scales down with the page.</summary>
    private static string Svg(Plot plot)
    {
        var xml = plot.GetSvgXml(Width, Height);
        return xml[xml.IndexOf("<svg", StringComparison.Ordinal)..]
            .Replace("<svg ", $"<svg viewBox=\"0 0 {Width} {Height}\" role=\"img\" ", StringComparison.Ordinal);
    }
}
