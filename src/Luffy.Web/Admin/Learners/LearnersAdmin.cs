using System.Security.Claims;
using Luffy.Domain.Orders;
using Luffy.Web.Accounts;
using Luffy.Web.Catalog;

namespace Luffy.Web.Admin.Learners;

public sealed record LearnerDto(int Id, string Username, string? Mobile, long Credit, bool IsDisabled, DateTime CreatedAt);
public sealed record LearnerOrderDto(string OrderNumber, string OrderTitle, string Status, Money TotalPrice, Money RealPrice, DateTime CreatedAt);
public sealed record LearnerCourseDto(int CourseId, string CourseName, string BuyType, DateTime? OutTime, string Validity);
public sealed record LearnerCouponDto(int Id, string Name, string State, DateTime ValidUntil);
public sealed record LearnerCreditDto(long Id, long Delta, long BalanceAfter, string Reason, string? OrderNumber, DateTime CreatedAt);
public sealed record LearnerDetail(
    LearnerDto User, int OrderCount, IReadOnlyList<LearnerOrderDto> Orders, IReadOnlyList<LearnerCourseDto> Courses,
    IReadOnlyList<LearnerCouponDto> Coupons, int CreditEntryCount, IReadOnlyList<LearnerCreditDto> Credits);
public sealed record AdjustCreditRequest(long? Delta, string? Reason);
public sealed record GrantCourseRequest(int? CourseId, int? Days);

/// <summary>
/// The back office's view of the students: find them, read what they bought and hold, and act on their account —
/// credits with a reason (never below 0), a course given by the system, disabling and enabling. Every write audited.
/// </summary>
public sealed class LearnersAdmin(LuffyDbContext db, AuditLog audit, UserAccess access, TimeProvider clock)
{
    public const int PageSize = 20;
    /// <summary>How many of a user's newest orders and ledger rows the detail shows (the counts say how many there are).</summary>
    public const int Recent = 50;
    public const int MaxGrantDays = 36500;

    public async Task<PagedList<LearnerDto>> SearchAsync(string? q, int page)
    {
        page = Math.Max(1, page);
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim();
            var name = Luffy.Domain.Accounts.AccountRules.Normalize(text);
            users = users.Where(u => u.NormalizedUsername.Contains(name) || (u.Mobile != null && u.Mobile.Contains(text)));
        }
        var count = await users.CountAsync();
        var results = await users.OrderByDescending(u => u.Id).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(u => new LearnerDto(u.Id, u.Username, u.Mobile, u.Credit, u.IsDisabled, u.CreatedAt)).ToListAsync();
        return new PagedList<LearnerDto>(count, page, PageSize, results);
    }

    /// <summary>The user with their newest orders, every purchase, every coupon and the newest ledger rows (one query each).</summary>
    public async Task<LearnerDetail?> DetailAsync(int id)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new LearnerDto(u.Id, u.Username, u.Mobile, u.Credit, u.IsDisabled, u.CreatedAt)).FirstOrDefaultAsync();
        if (user is null)
            return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var orderCount = await db.Orders.CountAsync(o => o.UserId == id);
        var orders = (await db.Orders.AsNoTracking().Where(o => o.UserId == id).OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Take(Recent)
                .Select(o => new { o.OrderNumber, o.OrderTitle, o.OrderStatus, o.TotalPrice, o.RealPrice, o.CreatedAt }).ToListAsync())
            .Select(o => new LearnerOrderDto(o.OrderNumber, o.OrderTitle, OrderTexts.Status(o.OrderStatus), o.TotalPrice, o.RealPrice, o.CreatedAt)).ToList();
        var courses = (await (from uc in db.UserCourses.AsNoTracking()
                              join c in db.Courses on uc.CourseId equals c.Id
                              where uc.UserId == id
                              orderby uc.Id
                              select new { uc.CourseId, c.Name, uc.BuyType, uc.OutTime }).ToListAsync())
            .Select(c => new LearnerCourseDto(c.CourseId, c.Name, BuyTypeText(c.BuyType), c.OutTime,
                c.OutTime is null ? "永久" : c.OutTime > now ? $"至 {Components.Format.Time(c.OutTime)}" : "已过期")).ToList();
        var coupons = (await db.UserCoupons.AsNoTracking().Where(u => u.UserId == id).OrderByDescending(u => u.Id)
                .Select(u => new
                {
                    u.Id, u.Coupon!.Name, u.StartTime, u.Coupon.Timer, u.Coupon.EndTime, u.IsUse, u.RevokedAt,
                    Paid = db.Orders.Any(o => o.Id == u.OrderId && o.OrderStatus == OrderStatus.Paid),
                }).ToListAsync())
            .Select(u =>
            {
                var until = u.EndTime ?? Luffy.Domain.Coupons.CouponRules.EndTime(u.StartTime, u.Timer);
                var state = u.RevokedAt is not null ? "已收回" : u.IsUse ? (u.Paid ? "已使用" : "被订单占用") : now >= until ? "已过期" : "可用";
                return new LearnerCouponDto(u.Id, u.Name, state, until);
            }).ToList();
        var creditCount = await db.CreditEntries.CountAsync(c => c.UserId == id);
        var credits = await db.CreditEntries.AsNoTracking().Where(c => c.UserId == id).OrderByDescending(c => c.Id).Take(Recent)
            .Select(c => new LearnerCreditDto(c.Id, c.Delta, c.BalanceAfter, c.Reason, c.OrderNumber, c.CreatedAt)).ToListAsync();
        return new LearnerDetail(user, orderCount, orders, courses, coupons, creditCount, credits);
    }

    public static string BuyTypeText(BuyType type) => type switch
    {
        BuyType.Alipay => "支付宝购买",
        BuyType.WeChat => "微信购买",
        BuyType.Free => "免费",
        BuyType.Gift => "赠送",
        BuyType.System => "系统赠送",
        _ => type.ToString(),
    };

    /// <summary>
    /// Adds <paramref name="delta"/> (may be negative) to the balance with a ledger row: one guarded update, so that
    /// concurrent debits never take it below 0.
    /// </summary>
    public async Task<(LearnerDto? User, Refusal? Refusal)> AdjustCreditAsync(ClaimsPrincipal actor, int id, long? delta, string? reason)
    {
        reason = reason?.Trim();
        if (delta is null or 0)
            return (null, Refusal.Invalid("请输入非零的调整数量"));
        if (Math.Abs(delta.Value) > 100_000_000)
            return (null, Refusal.Invalid("调整数量过大"));
        if (string.IsNullOrEmpty(reason))
            return (null, Refusal.Invalid("请填写调整原因"));
        if (reason.Length > 200)
            return (null, Refusal.Invalid("调整原因最多 200 个字"));
        var d = delta.Value;
        await using var transaction = await db.Database.BeginTransactionAsync();
        var before = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => (long?)u.Credit).FirstOrDefaultAsync();
        if (before is null)
            return (null, Refusal.NotFound("用户不存在"));
        if (await db.Users.Where(u => u.Id == id && u.Credit + d >= 0)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Credit, x => x.Credit + d)) != 1)
            return (null, Refusal.Invalid("贝里余额不足，调整后不能小于 0"));
        // Read after the update, inside the transaction: the row is ours until the commit.
        var user = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new LearnerDto(u.Id, u.Username, u.Mobile, u.Credit, u.IsDisabled, u.CreatedAt)).SingleAsync();
        var now = clock.GetUtcNow().UtcDateTime;
        db.CreditEntries.Add(new CreditEntry { UserId = id, Delta = d, BalanceAfter = user.Credit, Reason = reason, CreatedAt = now });
        audit.Add(actor, "user.credit", "user", id, new { credit = user.Credit - d }, new { credit = user.Credit, delta = d, reason });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return (user, null);
    }

    /// <summary>Gives the user a course (系统赠送) for <paramref name="days"/> more days (0 = permanent), extended like a purchase.</summary>
    public async Task<(LearnerCourseDto? Course, Refusal? Refusal)> GrantCourseAsync(ClaimsPrincipal actor, int id, int? courseId, int? days)
    {
        if (courseId is null)
            return (null, Refusal.Invalid("请选择课程"));
        if (days is null or < 0 or > MaxGrantDays)
            return (null, Refusal.Invalid($"有效期应为 0（永久）到 {MaxGrantDays} 天"));
        if (!await db.Users.AnyAsync(u => u.Id == id))
            return (null, Refusal.NotFound("用户不存在"));
        var course = await db.Courses.AsNoTracking().Where(c => c.Id == courseId).Select(c => new { c.Id, c.Name }).FirstOrDefaultAsync();
        if (course is null)
            return (null, Refusal.NotFound("课程不存在"));
        // Concurrent grants must not lose an extension: the purchase row is locked (a no-op update) before its end is
        // read; two first grants meet the unique (user, course) key, and the loser tries again over the winner's row.
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var now = clock.GetUtcNow().UtcDateTime;
            await using var transaction = await db.Database.BeginTransactionAsync();
            var locked = await db.UserCourses.Where(u => u.UserId == id && u.CourseId == course.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.PayTime, x => x.PayTime));
            var purchase = await db.UserCourses.AsNoTracking().Where(u => u.UserId == id && u.CourseId == course.Id)
                .Select(u => new { u.Id, u.OutTime, u.BuyType }).FirstOrDefaultAsync();
            // The row appeared between the lock and the read (another first grant committed): it is not locked, so
            // this read may be overtaken; again, locking it this time.
            if (purchase is not null && locked == 0 && attempt < 5)
                continue;
            var outTime = Purchases.Extend(purchase is not null, purchase?.OutTime, days.Value, now);
            if (purchase is null)
                db.UserCourses.Add(new UserCourse { UserId = id, CourseId = course.Id, BuyType = BuyType.System, PayTime = now, OutTime = outTime });
            else
                await db.UserCourses.Where(u => u.Id == purchase.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.OutTime, outTime).SetProperty(x => x.BuyType, BuyType.System).SetProperty(x => x.PayTime, now));
            audit.Add(actor, "user.grant_course", "user", id, purchase is null ? null : new { course_id = course.Id, out_time = purchase.OutTime, buy_type = purchase.BuyType },
                new { course_id = course.Id, course = course.Name, days, out_time = outTime });
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException) when (purchase is null && attempt < 5)
            {
                continue;
            }
            await transaction.CommitAsync();
            return (new LearnerCourseDto(course.Id, course.Name, BuyTypeText(BuyType.System), outTime,
                outTime is null ? "永久" : $"至 {Components.Format.Time(outTime)}"), null);
        }
    }

    /// <summary>Disables (or enables) the account; a disabled account's tokens and cookies stop working at once.</summary>
    public async Task<(LearnerDto? User, Refusal? Refusal)> SetDisabledAsync(ClaimsPrincipal actor, int id, bool disabled)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id);
        if (user is null)
            return (null, Refusal.NotFound("用户不存在"));
        if (disabled && user.Id == actor.UserId())
            return (null, Refusal.Invalid("不能停用自己的账号"));
        var before = Dto(user);
        if (user.IsDisabled == disabled)
            return (before, null);
        user.IsDisabled = disabled;
        audit.Add(actor, disabled ? "user.disable" : "user.enable", "user", id, before, Dto(user));
        await db.SaveChangesAsync();
        await access.ForgetAsync(id);
        return (Dto(user), null);
    }

    private static LearnerDto Dto(User u) => new(u.Id, u.Username, u.Mobile, u.Credit, u.IsDisabled, u.CreatedAt);
}
