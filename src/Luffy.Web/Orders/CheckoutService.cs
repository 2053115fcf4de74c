using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Luffy.Domain.Coupons;
using Luffy.Domain.Orders;
using Luffy.Infrastructure.Cart;
using Luffy.Infrastructure.Catalog;
using Luffy.Web.Cart;
using Luffy.Web.Extensions;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Orders;

/// <summary>A selected course as it will be ordered: the course, the option and its price under the policies.</summary>
public sealed record OrderLineDraft(CourseOffer Course, ExpireOption Option, Domain.Pricing.PriceQuote Quote);

/// <summary>
/// A priced checkout: its lines and totals, the credit balance and the most credits this order may use
/// (both null when they were not asked for: an order placed without credits does not read the balance).
/// </summary>
public sealed record CheckoutDraft(IReadOnlyList<OrderLineDraft> Lines, OrderQuote Quote, long? CreditBalance, long? MaxCredits);

/// <summary>
/// The outcome of placing an order: <see cref="Placed"/> (also what a retry with the same Idempotency-Key gets again),
/// <see cref="Refusal"/> (with the reason), or <see cref="KeyReused"/> (the key came with another body).
/// </summary>
public sealed record CheckoutResult(OrderCreated? Placed, string? Refusal = null, bool KeyReused = false)
{
    public static CheckoutResult Refused(string message) => new(null, message);
}

/// <summary>
/// Creates an order from the selected cart items: validates everything first, then writes the order, its lines,
/// the coupon hold, the credit debit with its ledger row (and, for 0 yuan, the purchases) in ONE transaction,
/// and only after the commit takes the items out of the cart.
/// </summary>
public sealed partial class CheckoutService(
    LuffyDbContext db, CartStore cart, OrderNumberSource numbers, TimeProvider clock, IOptions<LuffyOptions> luffy,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, ILogger<CheckoutService> logger)
{
    private const int NumberAttempts = 5;

    public async Task<CheckoutResult> CreateAsync(int userId, CreateOrderRequest request, string? idempotencyKey)
    {
        // The tutorial's client posts {}: pay_type defaults to 支付宝 (the API's validation let only 1 or 2 through).
        if (request.PayType == (int)PayType.WeChat)
            return CheckoutResult.Refused("暂不支持微信支付");
        var couponId = request.Coupon ?? 0;
        var credits = request.Credit ?? 0;

        var requestHash = Hash(request);
        if (idempotencyKey is not null)
        {
            if (idempotencyKey.Length is 0 or > 128 || idempotencyKey.Any(c => c is < ' ' or > '~'))
                return CheckoutResult.Refused("Idempotency-Key 应为 1 到 128 个可打印的 ASCII 字符");
            if (await ReplayAsync(userId, idempotencyKey, requestHash) is { } replay)
                return replay;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var (draft, refusal) = await PrepareAsync(userId, couponId, credits, now, withBalance: false);
        if (draft is null)
            return CheckoutResult.Refused(refusal!);
        var created = await WriteAsync(userId, draft.Lines, draft.Quote, couponId, credits, idempotencyKey, requestHash, now);
        if (created.Placed is not null)
            await RemoveFromCartAsync(userId, draft.Lines.Select(l => l.Course.Id).ToList());
        return created;
    }

    /// <summary>
    /// Prices the selected cart items with a coupon and credits, checking every rule, and writes nothing:
    /// the order creation and the checkout page both stand on it. The credit balance is read when credits are
    /// used or <paramref name="withBalance"/> asks for it (the page shows it).
    /// </summary>
    public async Task<(CheckoutDraft? Draft, string? Refusal)> PrepareAsync(int userId, int couponId, long credits, DateTime now, bool withBalance = true)
    {
        if (couponId < 0)
            return (null, CouponRules.Unusable);
        if (credits < 0)
            return (null, "贝里数量不能为负数");
        var items = await cart.GetSelectedAsync(userId);
        if (items.Count == 0)
            return (null, "请先在购物车中勾选要购买的课程");

        var courses = await CourseOffers.LoadAsync(db, items.Select(i => i.CourseId).ToList(), now);
        var lines = new List<OrderLineDraft>(items.Count);
        foreach (var item in items)
        {
            if (!CartLineCheck.CanBuy(courses, item.CourseId, item.ExpireTime, out var course, out var option, out var problem))
                return (null, CartLineCheck.Refusal(problem, item.CourseId, course));
            lines.Add(new OrderLineDraft(course, option, course.Quote(option, now)));
        }
        var priced = lines.Select(l => new PricedLine(l.Quote.Price, l.Quote.RealPrice, l.Course.Id, l.Course.CategoryId)).ToList();

        var (coupon, refusal) = await HeldCoupons.ApplyAsync(db, couponId, userId, priced, now);
        if (refusal is not null)
            return (null, refusal);

        var rate = luffy.Value.CreditsPerYuan;
        long? balance = null, max = null;
        if (credits > 0 || withBalance)
        {
            balance = await db.Users.Where(u => u.Id == userId).Select(u => (long?)u.Credit).SingleOrDefaultAsync()
                ?? throw new AccountGoneException();
            max = Credits.MaxFor(OrderPricing.AfterCoupon(priced, coupon), rate, balance.Value);
            if (credits > max)
                return (null, credits > balance
                    ? $"贝里余额不足：当前余额 {balance}，本单最多可使用 {max} 贝里"
                    : $"本单最多可使用 {max} 贝里");
        }

        return (new CheckoutDraft(lines, OrderPricing.Quote(priced, coupon, credits, rate), balance, max), null);
    }

    private async Task<CheckoutResult> WriteAsync(
        int userId, IReadOnlyList<OrderLineDraft> lines, OrderQuote quote,
        int couponId, long credits, string? idempotencyKey, string requestHash, DateTime now)
    {
        var title = string.Join("、", lines.Select(l => l.Course.Name));
        if (title.Length > 150)
            title = title[..149] + "…";
        var free = quote.RealPrice.IsZero;

        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var order = new Order
            {
                OrderNumber = numbers.Next(now, userId),
                UserId = userId,
                OrderTitle = title,
                TotalPrice = quote.TotalPrice,
                RealPrice = quote.RealPrice,
                Coupon = couponId,
                Credit = credits,
                PayType = PayType.Alipay,
                OrderStatus = free ? OrderStatus.Paid : OrderStatus.Unpaid,
                CreatedAt = now,
                PayTime = free ? now : null,
                Details = lines.Select((l, i) => new OrderDetail
                {
                    CourseId = l.Course.Id,
                    CourseName = l.Course.Name,
                    CourseImg = l.Course.CourseImg,
                    Expire = l.Option.ExpireTime,
                    ExpireText = l.Option.ExpireText,
                    Price = l.Quote.Price,
                    PolicyPrice = l.Quote.RealPrice,
                    RealPrice = quote.LineRealPrices[i],
                    DiscountName = l.Quote.DiscountName,
                }).ToList(),
            };
            var body = new OrderCreated(free ? "下单成功，课程已开通" : "下单成功", order.OrderNumber, order.OrderNumber,
                quote.TotalPrice.Yuan, quote.RealPrice.Yuan, credits, couponId, (int)order.OrderStatus);

            await using var transaction = await db.Database.BeginTransactionAsync();
            try
            {
                db.Orders.Add(order);
                await db.SaveChangesAsync();

                if (couponId != 0 && !await OrderHolds.HoldCouponAsync(db, userId, couponId, order.Id))
                    return CheckoutResult.Refused($"{CouponRules.Unusable}：已被另一个订单使用");
                if (credits > 0 && !await OrderHolds.DebitCreditsAsync(db, userId, credits, order.OrderNumber, now))
                    return CheckoutResult.Refused("贝里余额不足");

                if (free)
                    await Fulfilment.GrantAsync(db, userId, order, BuyType.Free, now);

                if (idempotencyKey is not null)
                    db.IdempotencyRecords.Add(new IdempotencyRecord
                    {
                        UserId = userId, Key = idempotencyKey, RequestHash = requestHash, StatusCode = StatusCodes.Status201Created,
                        ResponseBody = JsonSerializer.Serialize(body, json.Value.SerializerOptions), CreatedAt = now,
                    });
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
                LogCreated(logger, order.OrderNumber, userId, quote.RealPrice.ToString());
                return new CheckoutResult(body);
            }
            catch (DbUpdateException) when (attempt < NumberAttempts)
            {
                await transaction.RollbackAsync();
                db.ChangeTracker.Clear();
                // A concurrent request with the same Idempotency-Key committed first: answer as it did.
                if (idempotencyKey is not null && await ReplayAsync(userId, idempotencyKey, requestHash) is { } replay)
                    return replay;
                // The account was deleted while its token was still good: no order for nobody.
                if (!await db.Users.AnyAsync(u => u.Id == userId))
                    throw new AccountGoneException();
                // The order number collided with another order's: try a new one. Anything else is a real failure.
                if (!await db.Orders.AnyAsync(o => o.OrderNumber == order.OrderNumber))
                    throw;
                LogRetry(logger, order.OrderNumber, attempt);
            }
        }
    }

    private async Task<CheckoutResult?> ReplayAsync(int userId, string key, string requestHash)
    {
        var record = await db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.UserId == userId && r.Key == key);
        if (record is null)
            return null;
        if (record.RequestHash != requestHash)
            return new CheckoutResult(null, "这个 Idempotency-Key 已用于另一个请求", KeyReused: true);
        return new CheckoutResult(JsonSerializer.Deserialize<OrderCreated>(record.ResponseBody, json.Value.SerializerOptions));
    }

    private async Task RemoveFromCartAsync(int userId, IReadOnlyCollection<int> courseIds)
    {
        try
        {
            await cart.RemoveManyAsync(userId, courseIds);
        }
        catch (StackExchange.Redis.RedisException e)
        {
            // The order is committed; items left in the cart are harmless and the user can remove them.
            LogCartCleanupFailed(logger, e, userId);
        }
    }

    private static string Hash(CreateOrderRequest request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.PayType ?? (int)PayType.Alipay}|{request.Coupon ?? 0}|{request.Credit ?? 0}")));

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderNumber} created by user {UserId}, real price {RealPrice}")]
    private static partial void LogCreated(ILogger logger, string orderNumber, int userId, string realPrice);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order number {OrderNumber} is taken (attempt {Attempt}); retrying with a new number")]
    private static partial void LogRetry(ILogger logger, string orderNumber, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order created but the cart of user {UserId} could not be cleared")]
    private static partial void LogCartCleanupFailed(ILogger logger, Exception exception, int userId);
}
