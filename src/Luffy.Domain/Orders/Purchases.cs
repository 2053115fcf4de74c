namespace Luffy.Domain.Orders;

public static class Purchases
{
    /// <summary>
    /// The new end of a purchase (null = permanent) when <paramref name="days"/> more are bought
    /// (0 = permanent): extends from the current end while it is still valid, otherwise from now.
    /// </summary>
    public static DateTime? Extend(bool owned, DateTime? currentEnd, int days, DateTime now)
    {
        if (days == 0 || (owned && currentEnd is null))
            return null;
        var from = owned && currentEnd > now ? currentEnd.Value : now;
        return from.AddDays(days);
    }
}
