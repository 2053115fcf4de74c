using System.Globalization;

namespace Luffy.Web.Components;

/// <summary>How the storefront writes money and times.</summary>
public static class Format
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static string Yuan(Money money) => "¥" + money.Yuan.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Yuan(decimal yuan) => "¥" + yuan.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Time(DateTime? utc) => utc is { } t ? t.Add(China).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";

    /// <summary>A UTC time as China's clock shows it (the back office's time fields).</summary>
    public static DateTime InChina(DateTime utc) => DateTime.SpecifyKind(utc.Add(China), DateTimeKind.Unspecified);

    /// <summary>A time read on China's clock (a back-office time field), in UTC.</summary>
    public static DateTime FromChina(DateTime local) => DateTime.SpecifyKind(local - China, DateTimeKind.Utc);

    /// <summary>The start of a day in China (a back-office date filter), in UTC.</summary>
    public static DateTime? ChinaDayStart(DateOnly? day) => day is { } d ? FromChina(d.ToDateTime(TimeOnly.MinValue)) : null;

    /// <summary>A time the admin API was sent: one without an offset is read as UTC, like every time it answers with.</summary>
    public static DateTime? AsUtc(DateTime? time) => time is not { } t ? null
        : t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime();

    public static string Left(long seconds) => seconds switch
    {
        <= 0 => "已结束",
        < 3600 => $"{seconds / 60} 分钟",
        < 86400 => $"{seconds / 3600} 小时 {seconds % 3600 / 60} 分",
        _ => $"{seconds / 86400} 天 {seconds % 86400 / 3600} 小时",
    };

    /// <summary>The signed-in user's id, or null for a visitor.</summary>
    public static int? UserId(HttpContext? http) => http?.User.Identity?.IsAuthenticated == true ? http.User.UserId() : null;
}
