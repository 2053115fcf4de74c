using System.Globalization;

namespace Luffy.Web.Components;

/// <summary>How the storefront writes money and times.</summary>
public static class Format
{
    /// <summary>The shop's times are shown (and typed into the back office's forms) in China Standard Time.</summary>
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static string Yuan(Money money) => "¥" + money.Yuan.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Yuan(decimal yuan) => "¥" + yuan.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Time(DateTime? utc) => utc is { } t ? t.Add(China).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";

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
