using System.Text.RegularExpressions;

namespace Luffy.Domain.Accounts;

public static partial class AccountRules
{
    public const int MinPasswordLength = 8;

    /// <summary>The reason a registration is refused, or null when it is acceptable.</summary>
    public static string? Validate(string? username, string? password, string? mobile)
    {
        if (string.IsNullOrEmpty(username) || !UsernamePattern().IsMatch(username))
            return "用户名应为 3–32 位字母、数字或下划线";
        // A name of digits could be someone's mobile number, which also signs in: it would block their login.
        if (username.All(char.IsAsciiDigit))
            return "用户名不能全为数字";
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength)
            return $"密码至少 {MinPasswordLength} 位";
        if (!string.IsNullOrEmpty(mobile) && !IsMobile(mobile))
            return "手机号格式不正确";
        return null;
    }

    public static bool IsMobile(string text) => MobilePattern().IsMatch(text);

    /// <summary>The form names are compared in: usernames are unique and found without regard to case.</summary>
    public static string Normalize(string username) => username.Trim().ToLowerInvariant();

    [GeneratedRegex("^[A-Za-z0-9_]{3,32}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex("^1[3-9][0-9]{9}$")]
    private static partial Regex MobilePattern();
}
