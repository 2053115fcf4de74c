using Luffy.Web.Components;
using System.Security.Claims;
using Luffy.Domain.Accounts;
using Luffy.Domain.Coupons;
using Luffy.Domain.Orders;
using Luffy.Web.Coupons;

namespace Luffy.Web.Admin.Coupons;

/// <summary>
/// A coupon as defined by an operator. <c>timer</c> days count from each copy's start, unless the coupon has a fixed
/// window (<c>start_time</c> and <c>end_time</c>, both or neither). No <c>course_ids</c> and no <c>category_ids</c>: the whole
/// order. <c>total_stock</c> null: no limit; <c>per_user_limit</c> 0: no limit.
/// </summary>
public sealed record CouponRequest(
    string? Name, int? CouponType, string? Sale, decimal? Condition, int? Timer, DateTime? StartTime, DateTime? EndTime,
    int[]? CourseIds, int[]? CategoryIds, int? TotalStock, int? PerUserLimit, bool? IsPublished);

public sealed record CouponDto(
    int Id, string Name, int CouponType, string Sale, decimal Condition, int Timer, DateTime? StartTime, DateTime? EndTime,
    IReadOnlyList<int> CourseIds, IReadOnlyList<int> CategoryIds, int? TotalStock, int IssuedCount, int PerUserLimit, bool IsPublished, DateTime CreatedAt);

/// <summary>What became of a coupon's copies: issued (all of them), held by an unpaid order, used, expired unused, revoked.</summary>
public sealed record CouponCounts(int Issued, int Held, int Used, int Expired, int Revoked)
{
    public static readonly CouponCounts None = new(0, 0, 0, 0, 0);
}

public sealed record CouponSummary(CouponDto Coupon, CouponCounts Counts);

/// <summary>
/// Who gets a copy: <c>users</c> (usernames or mobiles) or <c>all_users</c> (every account not disabled).
/// </summary>
public sealed record HandOutRequest(string[]? Users, bool? AllUsers);

/// <summary>
/// A hand-out's outcome: copies given, names that match no account (not fatal: the others still get theirs), users
/// skipped at their per-user limit, and whether the stock ran out before everyone had one.
/// </summary>
public sealed record HandOutResult(int Issued, IReadOnlyList<string> Unknown, IReadOnlyList<string> OverLimit, bool OutOfStock);

public sealed record UserCouponRow(int Id, int UserId, string Username, DateTime StartTime, bool IsUse, long? OrderId, DateTime? RevokedAt);

public sealed record RevokeRequest(int[]? UserCouponIds);

/// <summary>
/// The back office's coupons: define and edit them, hand them out, count what became of them and revoke unused copies.
/// Every write is audited in the same unit of work; bad input changes nothing.
/// </summary>
public sealed class CouponsAdmin(LuffyDbContext db, AuditLog audit, TimeProvider clock)
{
    public const int PageSize = 20;
    public const string TimeRange = "时间应在 2000 年至 2099 年之间";
    private const int MaxScopes = 200;
    private const int MaxHandOutNames = 1000;

    /// <summary>A page of coupons, newest first, with their counts (one GROUP BY query for the page).</summary>
    public async Task<(List<CouponSummary> Items, int Count)> ListAsync(int page)
    {
        page = Math.Max(page, 1);
        var count = await db.Coupons.CountAsync();
        var coupons = await db.Coupons.AsNoTracking().Include(c => c.Scopes).OrderByDescending(c => c.Id)
            .Skip((page - 1) * PageSize).Take(PageSize).ToListAsync();
        var counts = await CountsAsync(coupons.Select(c => c.Id).ToArray());
        return (coupons.Select(c => new CouponSummary(Dto(c), counts.GetValueOrDefault(c.Id, CouponCounts.None))).ToList(), count);
    }

    public async Task<CouponSummary?> GetAsync(int id)
    {
        var coupon = await db.Coupons.AsNoTracking().Include(c => c.Scopes).SingleOrDefaultAsync(c => c.Id == id);
        if (coupon is null)
            return null;
        var counts = await CountsAsync([id]);
        return new CouponSummary(Dto(coupon), counts.GetValueOrDefault(id, CouponCounts.None));
    }

    /// <summary>The counts of the given coupons' copies: SQL aggregates grouped by coupon, no copy loaded.</summary>
    public async Task<Dictionary<int, CouponCounts>> CountsAsync(int[] couponIds)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await (
                from u in db.UserCoupons
                where couponIds.Contains(u.CouponId)
                join c in db.Coupons on u.CouponId equals c.Id
                join o in db.Orders on u.OrderId equals (long?)o.Id into orders
                from o in orders.DefaultIfEmpty()
                select new
                {
                    u.CouponId,
                    Revoked = u.RevokedAt != null,
                    Held = u.IsUse && o != null && o.OrderStatus == OrderStatus.Unpaid,
                    Used = u.IsUse && (o == null || o.OrderStatus != OrderStatus.Unpaid),
                    Expired = !u.IsUse && u.RevokedAt == null
                        && (c.EndTime != null ? c.EndTime <= now : u.StartTime.AddDays(c.Timer) <= now),
                })
            .GroupBy(x => x.CouponId)
            .Select(g => new
            {
                CouponId = g.Key,
                Issued = g.Count(),
                Held = g.Count(x => x.Held),
                Used = g.Count(x => x.Used),
                Expired = g.Count(x => x.Expired),
                Revoked = g.Count(x => x.Revoked),
            })
            .ToListAsync();
        return rows.ToDictionary(r => r.CouponId, r => new CouponCounts(r.Issued, r.Held, r.Used, r.Expired, r.Revoked));
    }

    public async Task<(CouponDto? Coupon, Refusal? Refusal)> CreateAsync(ClaimsPrincipal actor, CouponRequest request)
    {
        var coupon = new Coupon { Name = "", Sale = "", CreatedAt = clock.GetUtcNow().UtcDateTime };
        if (await ApplyAsync(coupon, request, issuedCount: 0) is { } refusal)
            return (null, refusal);
        // The id is known after the first save; the entry is written in the same transaction.
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Coupons.Add(coupon);
        await db.SaveChangesAsync();
        audit.Add(actor, "coupon.create", "coupon", coupon.Id, null, Dto(coupon));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return (Dto(coupon), null);
    }

    public async Task<(CouponDto? Coupon, Refusal? Refusal)> UpdateAsync(ClaimsPrincipal actor, int id, CouponRequest request)
    {
        var coupon = await db.Coupons.Include(c => c.Scopes).SingleOrDefaultAsync(c => c.Id == id);
        if (coupon is null)
            return (null, Refusal.NotFound("优惠券不存在"));
        var before = Dto(coupon);
        if (await ApplyAsync(coupon, request, coupon.IssuedCount) is { } refusal)
            return (null, refusal);
        audit.Add(actor, "coupon.update", "coupon", coupon.Id, before, Dto(coupon));
        await db.SaveChangesAsync();
        return (Dto(coupon), null);
    }

    /// <summary>Checks the request and copies it into <paramref name="coupon"/>; nothing is changed when it refuses.</summary>
    private async Task<Refusal?> ApplyAsync(Coupon coupon, CouponRequest r, int issuedCount)
    {
        var name = r.Name?.Trim() ?? "";
        if (name.Length is 0 or > 64)
            return Refusal.Invalid("优惠券名称不能为空，最多 64 个字");
        if (r.CouponType is not ((int)CouponType.Discount or (int)CouponType.Reduction))
            return Refusal.Invalid("优惠券类型应为 0（折扣）或 1（减免）");
        var type = (CouponType)r.CouponType.Value;
        if (!CouponSale.TryParse(type, r.Sale, out _, out var saleError))
            return Refusal.Invalid(saleError);
        var condition = r.Condition ?? 0m;
        if (condition < 0m || condition > 1_000_000m || decimal.Round(condition, 2) != condition)
            return Refusal.Invalid("使用条件应为 0 到 1000000 元之间、最多两位小数的金额");
        if (r.StartTime is { Year: < 2000 or > 2099 } || r.EndTime is { Year: < 2000 or > 2099 })
            return Refusal.Invalid(TimeRange);
        if ((r.StartTime is null) != (r.EndTime is null))
            return Refusal.Invalid("固定有效期需要同时填写开始时间和结束时间");
        if (r.StartTime is { } start && r.EndTime is { } end && end <= start)
            return Refusal.Invalid("结束时间应晚于开始时间");
        var timer = r.Timer ?? coupon.Timer;
        if (timer is < 1 or > 3650)
            return Refusal.Invalid("有效天数应在 1 到 3650 之间");
        var courseIds = (r.CourseIds ?? []).Distinct().ToArray();
        var categoryIds = (r.CategoryIds ?? []).Distinct().ToArray();
        if (courseIds.Length + categoryIds.Length > MaxScopes)
            return Refusal.Invalid($"适用范围最多 {MaxScopes} 项");
        var knownCourses = await db.Courses.Where(c => courseIds.Contains(c.Id)).Select(c => c.Id).ToListAsync();
        if (courseIds.Except(knownCourses).ToList() is [var unknownCourse, ..])
            return Refusal.Invalid($"课程 {unknownCourse} 不存在");
        var knownCategories = await db.CourseCategories.Where(c => categoryIds.Contains(c.Id)).Select(c => c.Id).ToListAsync();
        if (categoryIds.Except(knownCategories).ToList() is [var unknownCategory, ..])
            return Refusal.Invalid($"课程分类 {unknownCategory} 不存在");
        if (r.TotalStock is < 0)
            return Refusal.Invalid("总库存不能为负数");
        if (r.TotalStock is { } stock && stock < issuedCount)
            return Refusal.Invalid($"总库存不能少于已发放的 {issuedCount} 张");
        if (r.PerUserLimit is < 0)
            return Refusal.Invalid("每人限领数量不能为负数（0 表示不限）");

        coupon.Name = name;
        coupon.CouponType = type;
        coupon.Sale = r.Sale!.Trim();
        coupon.Condition = Money.FromYuan(condition);
        coupon.Timer = timer;
        coupon.StartTime = Format.AsUtc(r.StartTime);
        coupon.EndTime = Format.AsUtc(r.EndTime);
        coupon.TotalStock = r.TotalStock;
        coupon.PerUserLimit = r.PerUserLimit ?? 1;
        coupon.IsPublished = r.IsPublished ?? false;
        coupon.Scopes.Clear();
        coupon.Scopes.AddRange(courseIds.Select(id => new CouponScope { CourseId = id }));
        coupon.Scopes.AddRange(categoryIds.Select(id => new CouponScope { CategoryId = id }));
        return null;
    }

    /// <summary>
    /// Gives one copy to each named user (username or mobile) or to every account, each within the stock and the
    /// per-user limit, each copy with its audit entry (<c>user_coupon.issue</c>).
    /// </summary>
    public async Task<(HandOutResult? Result, Refusal? Refusal)> HandOutAsync(ClaimsPrincipal actor, int couponId, HandOutRequest request)
    {
        if (!await db.Coupons.AnyAsync(c => c.Id == couponId))
            return (null, Refusal.NotFound("优惠券不存在"));
        List<(int Id, string Name)> users;
        var unknown = new List<string>();
        if (request.AllUsers == true)
            users = (await db.Users.AsNoTracking().Where(u => !u.IsDisabled).OrderBy(u => u.Id).Select(u => new { u.Id, u.Username }).ToListAsync())
                .Select(u => (u.Id, u.Username)).ToList();
        else
        {
            var names = (request.Users ?? []).Select(n => n?.Trim() ?? "").Where(n => n.Length > 0).Distinct().ToList();
            if (names.Count == 0)
                return (null, Refusal.Invalid("请填写要发放的用户名或手机号，或选择发给所有用户"));
            if (names.Count > MaxHandOutNames)
                return (null, Refusal.Invalid($"一次最多发给 {MaxHandOutNames} 个用户"));
            var normalized = names.Select(AccountRules.Normalize).ToList();
            var found = await db.Users.AsNoTracking()
                .Where(u => normalized.Contains(u.NormalizedUsername) || (u.Mobile != null && names.Contains(u.Mobile)))
                .Select(u => new { u.Id, u.Username, u.NormalizedUsername, u.Mobile }).ToListAsync();
            users = [];
            foreach (var name in names)
            {
                var user = found.FirstOrDefault(u => u.NormalizedUsername == AccountRules.Normalize(name))
                    ?? found.FirstOrDefault(u => u.Mobile == name);
                if (user is null)
                    unknown.Add(name);
                else if (users.All(u => u.Id != user.Id))
                    users.Add((user.Id, user.Username));
            }
            if (users.Count == 0)
                return (null, Refusal.Invalid($"没有找到这些用户：{string.Join("、", unknown)}"));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var issued = 0;
        var overLimit = new List<string>();
        foreach (var (userId, name) in users)
        {
            var (_, problem) = await CouponIssuing.IssueAsync(db, couponId, userId, now, claim: false,
                copy => audit.Add(actor, "user_coupon.issue", "user_coupon", copy.Id, null, new { copy.CouponId, copy.UserId, Username = name, copy.StartTime }));
            db.ChangeTracker.Clear();
            if (problem == IssueProblem.OutOfStock)
                return (new HandOutResult(issued, unknown, overLimit, OutOfStock: true), null);
            if (problem == IssueProblem.OverUserLimit)
                overLimit.Add(name);
            else if (problem is null)
                issued++;
        }
        return (new HandOutResult(issued, unknown, overLimit, OutOfStock: false), null);
    }

    /// <summary>A page of a coupon's copies, newest first; null for an unknown coupon.</summary>
    public async Task<(List<UserCouponRow> Items, int Count)?> CopiesAsync(int couponId, int page)
    {
        if (!await db.Coupons.AnyAsync(c => c.Id == couponId))
            return null;
        page = Math.Max(page, 1);
        var copies = db.UserCoupons.AsNoTracking().Where(u => u.CouponId == couponId);
        var items = await copies.OrderByDescending(u => u.Id).Skip((page - 1) * PageSize).Take(PageSize)
            .Join(db.Users, u => u.UserId, user => user.Id, (u, user) => new UserCouponRow(u.Id, u.UserId, user.Username, u.StartTime, u.IsUse, u.OrderId, u.RevokedAt))
            .ToListAsync();
        return (items, await copies.CountAsync());
    }

    /// <summary>
    /// Revokes the given copies of the coupon that are unused (not held by an order, not used, not revoked yet); the
    /// others are left alone. Returns the ids revoked, each with its audit entry (<c>user_coupon.revoke</c>).
    /// </summary>
    public async Task<(List<int>? Revoked, Refusal? Refusal)> RevokeAsync(ClaimsPrincipal actor, int couponId, int[]? userCouponIds)
    {
        if (!await db.Coupons.AnyAsync(c => c.Id == couponId))
            return (null, Refusal.NotFound("优惠券不存在"));
        var ids = (userCouponIds ?? []).Distinct().ToArray();
        if (ids.Length is 0 or > MaxHandOutNames)
            return (null, Refusal.Invalid($"请选择要收回的优惠券（一次最多 {MaxHandOutNames} 张）"));
        var now = clock.GetUtcNow().UtcDateTime;
        var revoked = new List<int>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        foreach (var id in ids)
        {
            // Guarded like the hold (!is_use AND revoked_at IS NULL): an order that takes the copy first keeps it.
            if (await db.UserCoupons.Where(u => u.Id == id && u.CouponId == couponId && !u.IsUse && u.RevokedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.RevokedAt, now)) != 1)
                continue;
            audit.Add(actor, "user_coupon.revoke", "user_coupon", id, new { RevokedAt = (DateTime?)null }, new { RevokedAt = now });
            revoked.Add(id);
        }
        if (revoked.Count == 0)
            return (null, Refusal.Invalid("所选的优惠券都已使用、被订单占用或已收回，没有可收回的"));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return (revoked, null);
    }

    private static CouponDto Dto(Coupon c) => new(
        c.Id, c.Name, (int)c.CouponType, c.Sale, c.Condition.Yuan, c.Timer, c.StartTime, c.EndTime,
        c.Scopes.Where(s => s.CourseId is not null).Select(s => s.CourseId!.Value).ToList(),
        c.Scopes.Where(s => s.CategoryId is not null).Select(s => s.CategoryId!.Value).ToList(),
        c.TotalStock, c.IssuedCount, c.PerUserLimit, c.IsPublished, c.CreatedAt);
}
