using System.Globalization;
using System.Security.Cryptography;

namespace Luffy.Domain.Orders;

public static class OrderNumbers
{
    public const int Length = 25;
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary><c>yyyyMMddHHmmss</c> (China time) + the user id in 6 digits + 5 random digits.</summary>
    public static string Create(DateTime utcNow, int userId, int? random = null)
    {
        var local = utcNow.Add(ChinaOffset);
        var digits = random ?? RandomNumberGenerator.GetInt32(100_000);
        return string.Create(CultureInfo.InvariantCulture, $"{local:yyyyMMddHHmmss}{userId % 1_000_000:D6}{digits:D5}");
    }
}

/// <summary>Hands out order numbers; a seam so that tests can force a collision.</summary>
public class OrderNumberSource
{
    public virtual string Next(DateTime utcNow, int userId) => OrderNumbers.Create(utcNow, userId);
}
