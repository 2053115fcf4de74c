using System.Security.Claims;
using Luffy.Web.Catalog;

namespace Luffy.Web.Admin.Coupons;

public static class CouponsAdminApi
{
    public static void MapCouponsAdminApi(this RouteGroupBuilder api)
    {
        var coupons = api.MapGroup("/coupons");
        coupons.MapGet("/", async (CouponsAdmin service, int? page) =>
        {
            var number = Math.Max(page ?? 1, 1);
            var (items, count) = await service.ListAsync(number);
            return TypedResults.Ok(new PagedList<CouponSummary>(count, number, CouponsAdmin.PageSize, items));
        }).WithSummary("The coupons, newest first, 20 a page, each with its issued / held / used / expired / revoked counts");
        coupons.MapGet("/{id:int}", async Task<Results<Ok<CouponSummary>, NotFound<ApiMessage>>> (int id, CouponsAdmin service) =>
            await service.GetAsync(id) is { } coupon ? TypedResults.Ok(coupon) : ApiErrors.NotFound("优惠券不存在"))
            .WithSummary("One coupon with its counts");
        coupons.MapPost("/", async Task<Results<Created<CouponDto>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> (CouponRequest request, ClaimsPrincipal user, CouponsAdmin service) =>
            await service.CreateAsync(user, request) switch
            {
                ({ } coupon, _) => TypedResults.Created($"/admin/api/coupons/{coupon.Id}", coupon),
                (_, var refusal) => ApiErrors.BadRequest(refusal!.Message),
            }).WithSummary("Defines a coupon (timer days or a fixed window, optional scope, stock, per-user limit, published)");
        coupons.MapPut("/{id:int}", async (int id, CouponRequest request, ClaimsPrincipal user, CouponsAdmin service) =>
            await service.UpdateAsync(user, id, request) switch
            {
                ({ } coupon, _) => TypedResults.Ok(coupon),
                (_, var refusal) => ApiErrors.Refuse<CouponDto>(refusal!),
            }).WithSummary("Edits a coupon (the whole definition; its copies follow it)");
        coupons.MapPost("/{id:int}/issue", async (int id, HandOutRequest request, ClaimsPrincipal user, CouponsAdmin service) =>
            await service.HandOutAsync(user, id, request) switch
            {
                ({ } result, _) => TypedResults.Ok(result),
                (_, var refusal) => ApiErrors.Refuse<HandOutResult>(refusal!),
            }).WithSummary("Hands a copy to each of {users: [username or mobile …]} or to {all_users: true}, within stock and per-user limit; unknown names are reported, not fatal");
        coupons.MapGet("/{id:int}/copies", async Task<Results<Ok<PagedList<UserCouponRow>>, NotFound<ApiMessage>>> (int id, int? page, CouponsAdmin service) =>
            await service.CopiesAsync(id, Math.Max(page ?? 1, 1)) is var (items, count)
                ? TypedResults.Ok(new PagedList<UserCouponRow>(count, Math.Max(page ?? 1, 1), CouponsAdmin.PageSize, items))
                : ApiErrors.NotFound("优惠券不存在"))
            .WithSummary("A coupon's copies (user coupons), newest first, 20 a page");
        coupons.MapPost("/{id:int}/revoke", async (int id, RevokeRequest request, ClaimsPrincipal user, CouponsAdmin service) =>
            await service.RevokeAsync(user, id, request.UserCouponIds) switch
            {
                ({ } revoked, _) => TypedResults.Ok(revoked),
                (_, var refusal) => ApiErrors.Refuse<List<int>>(refusal!),
            }).WithSummary("Revokes the unused ones of {user_coupon_ids: […]} (not those used or held by an order); answers the ids revoked");
    }
}
