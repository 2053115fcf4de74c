using Luffy.Domain.Coupons;
using Luffy.Web.Extensions;

namespace Luffy.Web.Coupons;

/// <summary>A coupon offered in the claim centre, with what is left of it and how many copies the caller has.</summary>
public sealed record OfferedCoupon(
    int Id, string Name, CouponType CouponType, string Sale, Money Condition, int Timer, DateTime? StartTime, DateTime? EndTime,
    int? Remaining, int PerUserLimit, int Mine, bool Scoped)
{
    public bool CanClaim => Remaining is not 0 && (PerUserLimit == 0 || Mine < PerUserLimit);
}

public sealed record ClaimRequest(int? CouponId);

/// <summary>The claim centre (领券中心): published coupons students take themselves, within stock and per-user limits.</summary>
public static class CouponCentre
{
    /// <summary>The published coupons inside their window (when they have one) with stock left, newest first.</summary>
    public static Task<List<OfferedCoupon>> ListAsync(LuffyDbContext db, int? userId, DateTime now) =>
        db.Coupons.AsNoTracking()
            .Where(c => c.IsPublished && (c.EndTime == null || (c.StartTime <= now && now < c.EndTime))
                && (c.TotalStock == null || c.IssuedCount < c.TotalStock))
            .OrderByDescending(c => c.Id)
            .Select(c => new OfferedCoupon(
                c.Id, c.Name, c.CouponType, c.Sale, c.Condition, c.Timer, c.StartTime, c.EndTime,
                c.TotalStock - c.IssuedCount, c.PerUserLimit,
                db.UserCoupons.Count(u => u.CouponId == c.Id && u.UserId == userId), c.Scopes.Any()))
            .ToListAsync();

    /// <summary>One copy of a published coupon for the caller; see <see cref="CouponIssuing"/>.</summary>
    public static async Task<(UserCouponDto? Copy, Refusal? Refusal)> ClaimAsync(LuffyDbContext db, int couponId, int userId, DateTime now)
    {
        var (copy, problem) = await CouponIssuing.IssueAsync(db, couponId, userId, now, claim: true);
        if (copy is null)
            return (null, problem == IssueProblem.UnknownCoupon
                ? Refusal.NotFound(CouponIssuing.Message(problem.Value))
                : Refusal.Invalid(CouponIssuing.Message(problem!.Value)));
        var held = (await Orders.HeldCoupons.LoadAsync(db, copy.Id))!;
        return (new UserCouponDto(copy.Id, held.Holding.ValidFrom, held.Holding.ValidUntil,
            new CouponInfo(held.Name, (int)held.CouponType, held.Timer, held.Holding.Condition.Yuan, held.Sale)), null);
    }

    public static IEndpointRouteBuilder MapCouponCentre(this IEndpointRouteBuilder app)
    {
        app.MapPost("/coupon/claim/", Claim).WithTags("Coupons").RequireAuthorization()
            .WithSummary("Claims one copy of a published coupon: body {coupon_id}; 201 with the user coupon, 400 out of stock, "
                + "over the per-user limit, not published or outside its window, 404 unknown");
        // The claim centre page's form (antiforgery, the sign-in cookie).
        app.MapPost("/web/coupon/claim", async (HttpContext http, LuffyDbContext db, TimeProvider clock, [FromForm(Name = "coupon_id")] int couponId) =>
        {
            var (_, refusal) = await ClaimAsync(db, couponId, http.User.UserId(), clock.GetUtcNow().UtcDateTime);
            return Results.Redirect(refusal is null ? "/coupon?done=1" : $"/coupon?error={Uri.EscapeDataString(refusal.Message)}");
        }).RequireAuthorization().ExcludeFromDescription().ForStorefront();
        return app;
    }

    public static async Task<Results<Created<UserCouponDto>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> Claim(
        ClaimRequest request, HttpContext http, LuffyDbContext db, TimeProvider clock)
    {
        if (request.CouponId is not { } couponId)
            return ApiErrors.BadRequest("请指定要领取的优惠券（coupon_id）");
        return await ClaimAsync(db, couponId, http.User.UserId(), clock.GetUtcNow().UtcDateTime) switch
        {
            ({ } copy, _) => TypedResults.Created("/coupon/list/", copy),
            (_, { Kind: RefusalKind.NotFound } refusal) => ApiErrors.NotFound(refusal.Message),
            (_, var refusal) => ApiErrors.BadRequest(refusal!.Message),
        };
    }
}
