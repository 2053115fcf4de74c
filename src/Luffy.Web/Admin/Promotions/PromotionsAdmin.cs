using System.Security.Claims;
using Luffy.Domain.Pricing;
using Luffy.Infrastructure.Catalog;
using Luffy.Web.Catalog;

namespace Luffy.Web.Admin.Promotions;

/// <summary>
/// The promotions of the back office: activities (活动) and the price policies of their courses, for the pages and the
/// admin API alike. Every write is audited in the same transaction and, once committed, empties the catalog cache of
/// every instance, so the storefront, carts and open checkouts price with it at once.
/// </summary>
public sealed class PromotionsAdmin(LuffyDbContext db, AuditLog audit, CatalogCache catalog, TimeProvider clock)
{
    /// <summary>The discount types and what each formula looks like.</summary>
    public static readonly IReadOnlyList<(string Name, string Example)> DiscountTypes =
    [
        ("限时免费", "（留空）"),
        ("限时折扣", "*0.8"),
        ("限时减免", "-20"),
        ("满减", "满150-15 换行 满250-30"),
    ];

    public static readonly IReadOnlyList<string> States = ["running", "upcoming", "ended"];

    /// <summary>The times an activity may have (also what the pages accept, so China's clock converts without overflow).</summary>
    public const string TimeRange = "时间应在 2000 年至 2099 年之间";

    public static bool InRange(DateTime time) => time.Year is >= 2000 and <= 2099;

    private const int MaxName = 100;
    private const int MaxSale = 256;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The activities, latest start first; <paramref name="state"/> (running, upcoming, ended) optional.</summary>
    public async Task<(PagedList<ActivityDto>? List, Refusal? Refusal)> ListAsync(string? state, int? page, int? size)
    {
        var (p, error) = ListPage.From(page, size, defaultSize: 20, maxSize: 100);
        if (error is not null)
            return (null, Refusal.Invalid(error));
        if (!string.IsNullOrEmpty(state) && !States.Contains(state))
            return (null, Refusal.Invalid("state 应为 running（进行中）、upcoming（未开始）或 ended（已结束）"));
        var now = Now;
        var query = state switch
        {
            "running" => db.Activities.AsNoTracking().Where(a => a.StartTime <= now && now < a.EndTime),
            "upcoming" => db.Activities.AsNoTracking().Where(a => now < a.StartTime),
            "ended" => db.Activities.AsNoTracking().Where(a => a.EndTime <= now),
            _ => db.Activities.AsNoTracking(),
        };
        var count = await query.CountAsync();
        var rows = await query.OrderByDescending(a => a.StartTime).ThenByDescending(a => a.Id).Skip(p.Offset).Take(p.Size)
            .Select(a => new { a.Id, a.Name, a.StartTime, a.EndTime, Courses = db.CoursePriceDiscounts.Count(x => x.ActivityId == a.Id) })
            .ToListAsync();
        return (new PagedList<ActivityDto>(count, p.Number, p.Size, rows.Select(a => Dto(a.Id, a.Name, a.StartTime, a.EndTime, a.Courses, now)).ToList()), null);
    }

    /// <summary>An activity and its courses' policies.</summary>
    public async Task<(ActivityDetailDto? Detail, Refusal? Refusal)> GetAsync(int id)
    {
        var activity = await db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id);
        if (activity is null)
            return (null, NoActivity);
        var policies = await PoliciesAsync(id);
        return (new ActivityDetailDto(Dto(activity, policies.Count), policies), null);
    }

    public async Task<(ActivityDto? Activity, Refusal? Refusal)> CreateAsync(ClaimsPrincipal actor, string? name, DateTime? start, DateTime? end)
    {
        if (CheckWindow(ref name, start, end) is { } refusal)
            return (null, refusal);
        var activity = new Activity { Name = name!, StartTime = start!.Value, EndTime = end!.Value };
        // The entry names the new id: both saves in one transaction.
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Activities.Add(activity);
            await db.SaveChangesAsync();
            audit.Add(actor, "activity.create", "activity", activity.Id, null, ActivityRecord.Of(activity));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        catalog.Changed();
        return (Dto(activity, 0), null);
    }

    /// <summary>Renames an activity and moves its window (start before end, both in UTC).</summary>
    public async Task<(ActivityDto? Activity, Refusal? Refusal)> UpdateAsync(ClaimsPrincipal actor, int id, string? name, DateTime? start, DateTime? end)
    {
        if (CheckWindow(ref name, start, end) is { } refusal)
            return (null, refusal);
        var activity = await db.Activities.FirstOrDefaultAsync(a => a.Id == id);
        if (activity is null)
            return (null, NoActivity);
        var before = ActivityRecord.Of(activity);
        (activity.Name, activity.StartTime, activity.EndTime) = (name!, start!.Value, end!.Value);
        audit.Add(actor, "activity.update", "activity", id, before, ActivityRecord.Of(activity));
        await db.SaveChangesAsync();
        catalog.Changed();
        return (Dto(activity, await db.CoursePriceDiscounts.CountAsync(p => p.ActivityId == id)), null);
    }

    /// <summary>Deletes an activity with its courses' policies (each recorded in the audit log); the courses stay.</summary>
    public async Task<(ActivityDto? Activity, Refusal? Refusal)> DeleteAsync(ClaimsPrincipal actor, int id)
    {
        var activity = await db.Activities.FirstOrDefaultAsync(a => a.Id == id);
        if (activity is null)
            return (null, NoActivity);
        var policies = await db.CoursePriceDiscounts.Include(p => p.Discount!.DiscountType).Where(p => p.ActivityId == id).ToListAsync();
        var names = await CourseNamesAsync(policies.Select(p => p.CourseId));
        foreach (var policy in policies)
        {
            audit.Add(actor, "price_policy.delete", "price_policy", policy.Id, PolicyRecord.Of(policy, names), null);
            await RemoveAsync(policy);
        }
        var dto = Dto(activity, policies.Count);
        audit.Add(actor, "activity.delete", "activity", id, ActivityRecord.Of(activity), null);
        db.Activities.Remove(activity);
        await db.SaveChangesAsync();
        catalog.Changed();
        return (dto, null);
    }

    /// <summary>Puts a course under a discount in an activity (once per activity).</summary>
    public async Task<(PolicyDto? Policy, Refusal? Refusal)> AddCourseAsync(ClaimsPrincipal actor, int activityId, int? courseId, string? type, string? sale, decimal? condition)
    {
        if (courseId is null)
            return (null, Refusal.Invalid("请输入课程 ID"));
        if (CheckPolicy(type, ref sale, condition, out var money) is { } refusal)
            return (null, refusal);
        if (!await db.Activities.AnyAsync(a => a.Id == activityId))
            return (null, NoActivity);
        var course = await db.Courses.AsNoTracking().Where(c => c.Id == courseId).Select(c => new { c.Id, c.Name }).FirstOrDefaultAsync();
        if (course is null)
            return (null, Refusal.NotFound("课程不存在"));
        if (await db.CoursePriceDiscounts.AnyAsync(p => p.ActivityId == activityId && p.CourseId == courseId))
            return (null, Refusal.Conflict("该课程已在此活动中，请修改它的优惠"));
        var policy = new CoursePriceDiscount
        {
            CourseId = course.Id,
            ActivityId = activityId,
            Discount = new Discount { DiscountType = await DiscountTypeAsync(type!), Sale = sale!, Condition = money },
        };
        var names = new Dictionary<int, string> { [course.Id] = course.Name };
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.CoursePriceDiscounts.Add(policy);
            await db.SaveChangesAsync();
            audit.Add(actor, "price_policy.create", "price_policy", policy.Id, null, PolicyRecord.Of(policy, names));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        catalog.Changed();
        return (PolicyDto(policy, names), null);
    }

    /// <summary>Changes the discount of a course in an activity.</summary>
    public async Task<(PolicyDto? Policy, Refusal? Refusal)> UpdateCourseAsync(ClaimsPrincipal actor, int activityId, int courseId, string? type, string? sale, decimal? condition)
    {
        if (CheckPolicy(type, ref sale, condition, out var money) is { } refusal)
            return (null, refusal);
        var (policy, missing) = await PolicyAsync(activityId, courseId);
        if (policy is null)
            return (null, missing);
        var names = await CourseNamesAsync([courseId]);
        var before = PolicyRecord.Of(policy, names);
        // A discount shared with another policy (data written outside the back office) is left to that policy.
        if (await db.CoursePriceDiscounts.CountAsync(p => p.DiscountId == policy.DiscountId) > 1)
            policy.Discount = new Discount { DiscountType = policy.Discount!.DiscountType, Sale = "" };
        var discount = policy.Discount!;
        if (discount.DiscountType!.Name != type)
            discount.DiscountType = await DiscountTypeAsync(type!);
        (discount.Sale, discount.Condition) = (sale!, money);
        audit.Add(actor, "price_policy.update", "price_policy", policy.Id, before, PolicyRecord.Of(policy, names));
        await db.SaveChangesAsync();
        catalog.Changed();
        return (PolicyDto(policy, names), null);
    }

    /// <summary>Takes a course out of an activity (the course and the activity stay).</summary>
    public async Task<(PolicyDto? Policy, Refusal? Refusal)> RemoveCourseAsync(ClaimsPrincipal actor, int activityId, int courseId)
    {
        var (policy, missing) = await PolicyAsync(activityId, courseId);
        if (policy is null)
            return (null, missing);
        var names = await CourseNamesAsync([courseId]);
        var dto = PolicyDto(policy, names);
        audit.Add(actor, "price_policy.delete", "price_policy", policy.Id, PolicyRecord.Of(policy, names), null);
        await RemoveAsync(policy);
        await db.SaveChangesAsync();
        catalog.Changed();
        return (dto, null);
    }

    /// <summary>
    /// Every option of every course in the activity priced at <paramref name="at"/> (UTC), with the other activities on
    /// each course then. Four queries whatever the number of courses: the activity, its courses, their offers
    /// (<see cref="CourseOffers.LoadAsync"/>, what the storefront prices with), and the policies active on them at that moment.
    /// </summary>
    public async Task<(PreviewDto? Preview, Refusal? Refusal)> PreviewAsync(int id, DateTime? at)
    {
        var moment = at ?? Now;
        var activity = await db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id);
        if (activity is null)
            return (null, NoActivity);
        var courseIds = await db.CoursePriceDiscounts.AsNoTracking().Where(p => p.ActivityId == id).Select(p => p.CourseId).Distinct().ToListAsync();
        var offers = await CourseOffers.LoadAsync(db, courseIds, moment);
        var active = await db.CoursePriceDiscounts.AsNoTracking()
            .Where(p => courseIds.Contains(p.CourseId) && p.Activity!.StartTime <= moment && moment < p.Activity.EndTime)
            .Select(p => new ActivePolicy(p.CourseId, p.ActivityId, p.Activity!.Name, p.Discount!.DiscountType!.Name, p.Discount.Sale, p.Discount.Condition, p.Activity.StartTime, p.Activity.EndTime))
            .ToListAsync();
        var byCourse = active.ToLookup(p => p.CourseId);
        var rows = new List<PreviewRow>();
        foreach (var offer in offers.Values.OrderBy(o => o.Id))
        {
            // Each active policy as its own offer, to tell which activity the storefront's lowest price comes from.
            var own = byCourse[offer.Id].Select(p => (Policy: p, Offer: new PriceOffer(p.DiscountType, CourseOffers.Formula(p.Sale), p.Condition, p.Start, p.End))).ToList();
            foreach (var option in offer.Options)
            {
                var quote = offer.Quote(option, moment);
                var alone = own.Select(o => (o.Policy, Quote: CoursePricing.Quote(option.Price, [o.Offer], moment))).ToList();
                var winner = quote.Offer is null ? default : alone.Where(a => a.Quote.Offer is not null && a.Quote.RealPrice == quote.RealPrice).Select(a => a.Policy).FirstOrDefault();
                rows.Add(new PreviewRow(
                    offer.Id, offer.Name, option.ExpireTime, option.ExpireText, option.Price.Yuan,
                    alone.Where(a => a.Policy.ActivityId == id).Select(a => Price(a.Quote)).FirstOrDefault(),
                    quote.RealPrice.Yuan, quote.DiscountName, winner?.ActivityId, winner?.ActivityName,
                    alone.Where(a => a.Policy.ActivityId != id)
                        .Select(a => new OverlapDto(a.Policy.ActivityId, a.Policy.ActivityName, a.Policy.DiscountType, a.Policy.Sale, Price(a.Quote))).ToList()));
            }
        }
        return (new PreviewDto(Dto(activity, courseIds.Count), moment, rows), null);
    }

    // What an offer alone gives, or null when it does not apply (condition or 满减 tier not reached).
    private static decimal? Price(PriceQuote quote) => quote.Offer is null ? null : quote.RealPrice.Yuan;

    private sealed record ActivePolicy(int CourseId, int ActivityId, string ActivityName, string DiscountType, string Sale, Money Condition, DateTime Start, DateTime End);

    /// <summary>Why a formula does not fit its type, or null when it does (the formula's own rules come first).</summary>
    public static string? FormulaError(string type, string? sale)
    {
        if (!PriceFormula.TryParse(sale, out var formula, out var error))
            return error;
        return (type, formula) switch
        {
            ("限时免费", PriceFormula.Free) => null,
            ("限时免费", _) => "限时免费的公式应留空",
            ("限时折扣", PriceFormula.Rate) => null,
            ("限时折扣", _) => "限时折扣的公式应为 * 加 0 到 1 之间的折扣率，例如 *0.8",
            ("限时减免", PriceFormula.Reduce) => null,
            ("限时减免", _) => "限时减免的公式应为 - 加减免金额，例如 -20",
            ("满减", PriceFormula.Tiered { Tiers.Count: > 0 }) => null,
            ("满减", _) => "满减的公式应为一行或多行 满金额-减免金额，例如 满150-15",
            _ => "优惠类型应为 限时免费、限时折扣、限时减免 或 满减",
        };
    }

    private static Refusal? CheckWindow(ref string? name, DateTime? start, DateTime? end)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name))
            return Refusal.Invalid("请输入活动名称");
        if (name.Length > MaxName)
            return Refusal.Invalid($"活动名称最多 {MaxName} 个字");
        if (start is null || end is null)
            return Refusal.Invalid("请输入活动的开始时间和结束时间");
        if (!InRange(start.Value) || !InRange(end.Value))
            return Refusal.Invalid(TimeRange);
        if (end <= start)
            return Refusal.Invalid("结束时间必须晚于开始时间");
        return null;
    }

    private static Refusal? CheckPolicy(string? type, ref string? sale, decimal? condition, out Money money)
    {
        money = Money.Zero;
        sale = (sale ?? "").Trim().Replace("\r\n", "\n", StringComparison.Ordinal);
        if (string.IsNullOrWhiteSpace(type))
            return Refusal.Invalid("请选择优惠类型");
        if (sale.Length > MaxSale)
            return Refusal.Invalid($"优惠公式最多 {MaxSale} 个字符");
        if (FormulaError(type, sale) is { } error)
            return Refusal.Invalid(error);
        var yuan = condition ?? 0m;
        if (yuan < 0m || yuan > 1_000_000m || yuan * 100m != decimal.Truncate(yuan * 100m))
            return Refusal.Invalid("价格条件应为 0 到 1000000 元之间的金额，最多两位小数");
        money = Money.FromYuan(yuan);
        return null;
    }

    private static readonly Refusal NoActivity = Refusal.NotFound("活动不存在");

    private async Task<(CoursePriceDiscount? Policy, Refusal? Refusal)> PolicyAsync(int activityId, int courseId)
    {
        if (!await db.Activities.AnyAsync(a => a.Id == activityId))
            return (null, NoActivity);
        var policy = await db.CoursePriceDiscounts.Include(p => p.Discount!.DiscountType)
            .Where(p => p.ActivityId == activityId && p.CourseId == courseId).OrderBy(p => p.Id).FirstOrDefaultAsync();
        return policy is null ? (null, Refusal.NotFound("该课程不在此活动中")) : (policy, null);
    }

    // The policy and, unless another policy shares it, its discount.
    private async Task RemoveAsync(CoursePriceDiscount policy)
    {
        db.CoursePriceDiscounts.Remove(policy);
        if (!await db.CoursePriceDiscounts.AnyAsync(p => p.DiscountId == policy.DiscountId && p.Id != policy.Id))
            db.Discounts.Remove(policy.Discount!);
    }

    // The tutorial's data has a row per policy with the same names; any row of the name will do.
    private async Task<DiscountType> DiscountTypeAsync(string name) =>
        await db.DiscountTypes.Where(t => t.Name == name).OrderBy(t => t.Id).FirstOrDefaultAsync() ?? new DiscountType { Name = name };

    private Task<Dictionary<int, string>> CourseNamesAsync(IEnumerable<int> ids)
    {
        var list = ids.Distinct().ToList();
        return db.Courses.AsNoTracking().Where(c => list.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name);
    }

    private async Task<List<PolicyDto>> PoliciesAsync(int activityId)
    {
        var rows = await (
            from p in db.CoursePriceDiscounts.AsNoTracking()
            join c in db.Courses on p.CourseId equals c.Id
            where p.ActivityId == activityId
            orderby p.Id
            select new { p.Id, p.CourseId, c.Name, Type = p.Discount!.DiscountType!.Name, p.Discount.Sale, p.Discount.Condition }).ToListAsync();
        return rows.Select(r => new PolicyDto(r.Id, activityId, r.CourseId, r.Name, r.Type, r.Sale, r.Condition.Yuan)).ToList();
    }

    private static PolicyDto PolicyDto(CoursePriceDiscount p, Dictionary<int, string> names) =>
        new(p.Id, p.ActivityId, p.CourseId, names.GetValueOrDefault(p.CourseId, ""), p.Discount!.DiscountType!.Name, p.Discount.Sale, p.Discount.Condition.Yuan);

    private ActivityDto Dto(Activity a, int courses) => Dto(a.Id, a.Name, a.StartTime, a.EndTime, courses, Now);

    private static ActivityDto Dto(int id, string name, DateTime start, DateTime end, int courses, DateTime now) =>
        new(id, name, start, end, now < start ? "upcoming" : now < end ? "running" : "ended", courses);

    /// <summary>An activity as the audit log keeps it.</summary>
    private sealed record ActivityRecord(string Name, DateTime StartTime, DateTime EndTime)
    {
        public static ActivityRecord Of(Activity a) => new(a.Name, a.StartTime, a.EndTime);
    }

    /// <summary>A price policy as the audit log keeps it.</summary>
    private sealed record PolicyRecord(int ActivityId, int CourseId, string CourseName, string DiscountType, string Sale, decimal Condition)
    {
        public static PolicyRecord Of(CoursePriceDiscount p, Dictionary<int, string> names) =>
            new(p.ActivityId, p.CourseId, names.GetValueOrDefault(p.CourseId, ""), p.Discount!.DiscountType!.Name, p.Discount.Sale, p.Discount.Condition.Yuan);
    }
}
