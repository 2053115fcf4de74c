using Luffy.Domain.Orders;

namespace Luffy.Web.Orders;

/// <summary>Grants the courses of a paid order: one UserCourse per user and course, extended on repurchase.</summary>
public static class Fulfilment
{
    /// <summary>Adds or extends the purchases; the caller saves, inside its transaction.</summary>
    public static async Task GrantAsync(LuffyDbContext db, int userId, Order order, BuyType buyType, DateTime now)
    {
        var courseIds = order.Details.Select(d => d.CourseId).ToList();
        var owned = await db.UserCourses.Where(u => u.UserId == userId && courseIds.Contains(u.CourseId)).ToListAsync();
        Grant(db, userId, order, owned, buyType, now);
    }

    /// <summary>
    /// Adds or extends the purchases, given the user's tracked purchases of the order's courses (read by the
    /// caller, e.g. with the order in one query); the caller saves, inside its transaction.
    /// </summary>
    public static void Grant(LuffyDbContext db, int userId, Order order, IEnumerable<UserCourse> ownedCourses, BuyType buyType, DateTime now)
    {
        var owned = ownedCourses.ToDictionary(u => u.CourseId);
        foreach (var detail in order.Details)
        {
            var exists = owned.TryGetValue(detail.CourseId, out var purchase);
            if (purchase is null)
            {
                purchase = new UserCourse { UserId = userId, CourseId = detail.CourseId };
                db.UserCourses.Add(purchase);
                owned[detail.CourseId] = purchase;
            }
            // What this line gives, kept on the line: a refund takes exactly that back.
            var before = purchase.OutTime;
            detail.HadPurchase = exists;
            detail.OutTimeBefore = exists ? before : null;
            purchase.OutTime = Purchases.Extend(exists, before, detail.Expire, now);
            detail.GrantedFrom = exists && before is null ? now : exists && before > now ? before : now;
            detail.GrantedUntil = exists && before is null ? now : purchase.OutTime;
            purchase.BuyNumber = order.OrderNumber;
            purchase.BuyType = buyType;
            purchase.PayTime = now;
        }
    }
}
