using Luffy.Domain.Coupons;
using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;
using Luffy.Web.Extensions;
using Luffy.Web.Orders;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Payments;

/// <summary>A pay URL issued, or none when the coupon just made the order free: <see cref="Message"/> says which.</summary>
public sealed record PayUrlIssued(string Message, string? Url);

/// <summary>
/// The pay URL of an order: the price frozen and the signed <c>alipay.trade.page.pay</c> URL issued in one guarded step,
/// and the tutorial's coupon change before the first URL.
/// </summary>
public sealed partial class PayUrlService(
    LuffyDbContext db, AlipayClient alipay, SelfUrl self, PaymentUrls urls, TimeProvider clock, ProxyOptions proxy, IHttpContextAccessor http,
    IOptions<OrderOptions> orderOptions, IOptions<LuffyOptions> luffy, ILogger<PayUrlService> logger)
{
    public string NotifyUrl => urls.Notify ?? PublicBase + PaymentUrls.ResultPath;
    public string ReturnUrl => urls.Return ?? PublicBase + PaymentUrls.ResultPage;

    /// <summary>
    /// Where the outside world reaches this app: behind a configured reverse proxy the scheme and host the client used
    /// (forwarded headers), otherwise the address the server listens on.
    /// </summary>
    private string PublicBase => proxy.Enabled && http.HttpContext?.Request is { Host.HasValue: true } request
        ? $"{request.Scheme}://{request.Host}{request.PathBase}"
        : self.Value;

    /// <summary>
    /// The signed page.pay URL for the caller's own unpaid, unexpired order. <paramref name="couponId"/> (the tutorial's
    /// client) may change the coupon only before the first pay URL; from then on the pricing is frozen.
    /// </summary>
    public async Task<(PayUrlIssued? Issued, Refusal? Refusal)> PayUrlAsync(int userId, string orderNumber, int? couponId)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.OrderNumber == orderNumber && o.UserId == userId);
        if (order is null)
            return (null, Refusal.NotFound(OrderTexts.NoSuchOrder));
        var now = clock.GetUtcNow().UtcDateTime;
        var deadline = order.CreatedAt + orderOptions.Value.CancelAfter;
        if (order.OrderStatus != OrderStatus.Unpaid)
            return (null, Refusal.Conflict($"订单{OrderTexts.Status(order.OrderStatus)}，不能支付"));
        if (now >= deadline)
            return (null, Refusal.Conflict("订单已超过支付期限"));

        if (couponId is { } wanted && wanted != order.Coupon)
        {
            if (order.PayUrlIssuedAt is not null)
                return (null, Refusal.Conflict("已发起过支付，订单价格不能再修改"));
            if (await ChangeCouponAsync(order, wanted, now) is { } refusal)
                return (null, refusal);
            if (order.OrderStatus == OrderStatus.Paid)
                return (new("优惠后无需支付，课程已开通", null), null);
        }

        // Freezing the price and issuing the URL are one guarded step: the price is frozen only if it is still the
        // one read above (a coupon change in between makes this a conflict, never a URL at the old price), and once
        // frozen no coupon change passes its own guard (pay_url_issued_at IS NULL).
        if (order.PayUrlIssuedAt is null
            && !await OrderTransitions.FreezePriceAsync(db, order.Id, order.RealPrice, order.Coupon, now)
            && !await db.Orders.AnyAsync(o => o.Id == order.Id && o.OrderStatus == OrderStatus.Unpaid && o.PayUrlIssuedAt != null
                && o.RealPrice == order.RealPrice))
            return (null, Refusal.Conflict("订单已变化，请刷新后重试"));
        var url = alipay.PagePayUrl(order.OrderNumber, order.RealPrice, $"路飞学城：{order.OrderTitle}", deadline, NotifyUrl, ReturnUrl);
        LogPayUrl(logger, order.OrderNumber);
        return (new("发起支付成功", url), null);
    }

    /// <summary>Re-prices an order that has no pay URL yet with another coupon (0 = none), in one transaction.</summary>
    private async Task<Refusal?> ChangeCouponAsync(Order order, int couponId, DateTime now)
    {
        // Tracked with the order (its Details fill in): re-priced below and granted if the order becomes free.
        // With each course's category (a scoped coupon looks at it), in the same query.
        var rows = await db.OrderDetails.Where(d => d.OrderId == order.Id).OrderBy(d => d.Id)
            .Select(d => new { Detail = d, CategoryId = db.Courses.Where(c => c.Id == d.CourseId).Select(c => c.CategoryId).FirstOrDefault() })
            .ToListAsync();
        var lines = rows.Select(r => r.Detail).ToList();
        var priced = rows.Select(r => new PricedLine(r.Detail.Price, r.Detail.PolicyPrice, r.Detail.CourseId, r.CategoryId)).ToList();
        var (coupon, refusal) = await HeldCoupons.ApplyAsync(db, couponId, order.UserId, priced, now);
        if (refusal is not null)
            return Refusal.Invalid(refusal);
        var rate = luffy.Value.CreditsPerYuan;
        var max = Credits.MaxFor(OrderPricing.AfterCoupon(priced, coupon), rate, long.MaxValue);
        if (order.Credit > max)
            return Refusal.Invalid($"使用该优惠券后本单最多可使用 {max} 贝里，请重新下单");
        var quote = OrderPricing.Quote(priced, coupon, order.Credit, rate);

        await using var transaction = await db.Database.BeginTransactionAsync();
        if (!await OrderTransitions.RepriceAsync(db, order.Id, order.Coupon, couponId, quote.RealPrice))
            return Refusal.Conflict("订单已变化，请刷新后重试");
        if (order.Coupon != 0)
            await OrderHolds.ReleaseCouponAsync(db, order.Coupon, order.Id);
        if (couponId != 0 && !await OrderHolds.HoldCouponAsync(db, order.UserId, couponId, order.Id))
            return Refusal.Invalid($"{CouponRules.Unusable}：已被另一个订单使用");
        order.Coupon = couponId;
        order.RealPrice = quote.RealPrice;
        for (var i = 0; i < lines.Count; i++)
            lines[i].RealPrice = quote.LineRealPrices[i];
        if (quote.RealPrice.IsZero)
        {
            order.OrderStatus = OrderStatus.Paid;
            order.PayTime = now;
            await Fulfilment.GrantAsync(db, order.UserId, order, BuyType.Free, now);
        }
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pay URL issued for order {OrderNumber}")]
    private static partial void LogPayUrl(ILogger logger, string orderNumber);
}
