namespace Luffy.Domain.Catalog;

/// <summary>Validity options (CourseExpire): a number of days, 0 meaning permanent at the course price.</summary>
public static class Validity
{
    public const int Permanent = 0;
    public const string PermanentText = "永久有效";

    /// <summary>Maps the tutorial's -1 to 0 (permanent); other negative values are not options.</summary>
    public static int Normalize(int expireTime) => expireTime == -1 ? Permanent : expireTime;

    public static string DefaultText(int days) => days switch
    {
        Permanent => PermanentText,
        _ when days % 30 == 0 && days < 360 => $"{days / 30}个月有效",
        _ when days % 365 == 0 => $"{days / 365}年有效",
        _ => $"{days}天有效",
    };
}
