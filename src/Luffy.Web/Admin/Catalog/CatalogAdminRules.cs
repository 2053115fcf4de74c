namespace Luffy.Web.Admin.Catalog;

/// <summary>The shape of the back office's catalog input: lengths, prices, numbers, URLs. Each check returns the sentence the operator reads, or null.</summary>
public static class CatalogAdminRules
{
    /// <summary>The highest price the back office takes for a course or an option (yuan).</summary>
    public const decimal MaxPrice = 100_000m;
    /// <summary>The longest timed option: ten years.</summary>
    public const int MaxDays = 3650;
    /// <summary>The listing order's range (smaller first).</summary>
    public const int MaxOrders = 1_000_000;

    public static string? Text(string? value, string label, int max, bool required = true) =>
        string.IsNullOrWhiteSpace(value) ? (required ? $"请填写{label}" : null)
        : value.Trim().Length > max ? $"{label}最多 {max} 个字"
        : value.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t')) ? $"{label}含有不可见的控制字符"
        : null;

    /// <summary>A price in yuan: above 0, at most <see cref="MaxPrice"/>, at most two decimals (fen).</summary>
    public static string? Price(decimal? yuan, string label = "价格") =>
        yuan is not { } p ? $"请填写{label}"
        : p <= 0 || p > MaxPrice ? $"{label}应大于 0 元、不超过 {MaxPrice:0} 元"
        : decimal.Round(p, 2) != p ? $"{label}最多两位小数（精确到分）"
        : null;

    public static string? ListingOrder(int? orders) =>
        orders is < 0 or > MaxOrders ? $"排序应在 0 到 {MaxOrders} 之间" : null;

    public static string? Days(int? days) =>
        days is not { } d ? "请填写有效天数"
        : d < 1 || d > MaxDays ? $"有效天数应在 1 到 {MaxDays} 之间（永久有效即课程价格）"
        : null;

    /// <summary>Empty, or an absolute http(s) URL (no javascript:, data: or relative paths in a lesson's player).</summary>
    public static string? VideoUrl(string? url) =>
        string.IsNullOrWhiteSpace(url) ? null
        : url.Trim().Length > 1024 ? "视频地址最多 1024 个字符"
        : Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !string.IsNullOrEmpty(uri.Host)
            ? null
            : "视频地址应为 http:// 或 https:// 开头的完整网址";

    /// <summary>A place in a list of <paramref name="count"/> items (1 = first).</summary>
    public static string? Place(int? place, int count, string label) =>
        place is { } p && (p < 1 || p > count) ? $"{label}序号应在 1 到 {count} 之间" : null;

    /// <summary>The first of the sentences that is not null.</summary>
    public static string? First(params string?[] errors) => errors.FirstOrDefault(e => e is not null);
}
