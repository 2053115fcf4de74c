using Luffy.Domain.Coupons;
using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;
using Luffy.Web.Extensions;
using Luffy.Web.Orders;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Payments;

/// <summary>What became of a verified payment.</summary>
public enum FulfilOutcome
{
    /// <summary>This call marked the order paid and granted its courses.</summary>
    Fulfilled,
    /// <summary>The same trade again (a repeated notify, the return racing the notify): nothing to do.</summary>
    AlreadyApplied,
    /// <summary>Not applicable to its order (<see cref="PaymentProblem"/>): recorded as a payment exception and refunded.</summary>
    Unapplied,
}

public sealed record PayUrlResult(int StatusCode, string Message, string? Url = null);

public sealed record PaymentResult(string? PayTime, decimal RealPrice, IReadOnlyList<string> CourseList);

/// <summary>
/// Payments of orders: the pay URL, fulfilment exactly once (notify, return and reconciliation may race),
/// and the refund of money that arrives for an order already cancelled.
/// </summary>
public sealed partial class PaymentService(
    LuffyDbContext db, AlipayClient alipay, SelfUrl self, PaymentUrls urls, TimeProvider clock, UnappliedPayments unapplied,
    OrderCancellation cancellation, ProxyOptions proxy, IHttpContextAccessor http, PaymentMetrics metrics,
    IOptions<OrderOptions> orderOptions, IOptions<LuffyOptions> luffy, ILogger<PaymentService> logger)
{
    public static readonly string[] PaidStatuses = ["TRADE_SUCCESS", "TRADE_FINISHED"];

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
    public async Task<PayUrlResult> PayUrlAsync(int userId, string orderNumber, int? couponId)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.OrderNumber == orderNumber && o.UserId == userId);
        if (order is null)
            return new(StatusCodes.Status404NotFound, "订单不存在");
        var now = clock.GetUtcNow().UtcDateTime;
        var deadline = order.CreatedAt + orderOptions.Value.CancelAfter;
        if (order.OrderStatus != OrderStatus.Unpaid)
            return new(StatusCodes.Status409Conflict, $"订单{OrderTexts.Status(order.OrderStatus)}，不能支付");
        if (now >= deadline)
            return new(StatusCodes.Status409Conflict, "订单已超过支付期限");

        if (couponId is { } wanted && wanted != order.Coupon)
        {
            if (order.PayUrlIssuedAt is not null)
                return new(StatusCodes.Status409Conflict, "已发起过支付，订单价格不能再修改");
            if (await ChangeCouponAsync(order, wanted, now) is { } refusal)
                return refusal;
            if (order.OrderStatus == OrderStatus.Paid)
                return new(StatusCodes.Status200OK, "优惠后无需支付，课程已开通");
        }

        // Freezing the price and issuing the URL are one guarded step: the price is frozen only if it is still the
        // one read above (a coupon change in between makes this a conflict, never a URL at the old price), and once
        // frozen no coupon change passes its own guard (pay_url_issued_at IS NULL).
        if (order.PayUrlIssuedAt is null
            && await db.Orders.Where(o => o.Id == order.Id && o.OrderStatus == OrderStatus.Unpaid && o.PayUrlIssuedAt == null
                    && o.RealPrice == order.RealPrice && o.Coupon == order.Coupon)
                .ExecuteUpdateAsync(o => o.SetProperty(x => x.PayUrlIssuedAt, now)) != 1
            && !await db.Orders.AnyAsync(o => o.Id == order.Id && o.OrderStatus == OrderStatus.Unpaid && o.PayUrlIssuedAt != null
                && o.RealPrice == order.RealPrice))
            return new(StatusCodes.Status409Conflict, "订单已变化，请刷新后重试");
        var url = alipay.PagePayUrl(order.OrderNumber, new Money(order.RealPrice), $"路飞学城：{order.OrderTitle}", deadline, NotifyUrl, ReturnUrl);
        LogPayUrl(logger, order.OrderNumber);
        return new(StatusCodes.Status200OK, "发起支付成功", url);
    }

    /// <summary>Re-prices an order that has no pay URL yet with another coupon (0 = none), in one transaction.</summary>
    private async Task<PayUrlResult?> ChangeCouponAsync(Order order, int couponId, DateTime now)
    {
        CouponSale? sale = null;
        // Tracked with the order (its Details fill in): re-priced below and granted if the order becomes free.
        var lines = await db.OrderDetails.Where(d => d.OrderId == order.Id).OrderBy(d => d.Id).ToListAsync();
        var total = new Money(order.TotalPrice);
        if (couponId != 0)
        {
            if (await HeldCoupons.LoadAsync(db, couponId) is not { } coupon)
                return new(StatusCodes.Status400BadRequest, CouponRules.Unusable);
            if (CouponRules.WhyUnusable(coupon.Holding, order.UserId, total, now) is { } reason)
                return new(StatusCodes.Status400BadRequest, reason);
            sale = coupon.Sale;
        }
        var rate = luffy.Value.CreditsPerYuan;
        var max = Credits.MaxFor(sale?.Apply(total) ?? total, rate, long.MaxValue);
        if (order.Credit > max)
            return new(StatusCodes.Status400BadRequest, $"使用该优惠券后本单最多可使用 {max} 贝里，请重新下单");
        var quote = OrderPricing.Quote(lines.Select(d => new PricedLine(new Money(d.Price), new Money(d.PolicyPrice))).ToList(), sale, order.Credit, rate);

        await using var transaction = await db.Database.BeginTransactionAsync();
        if (await db.Orders.Where(o => o.Id == order.Id && o.OrderStatus == OrderStatus.Unpaid && o.PayUrlIssuedAt == null && o.Coupon == order.Coupon)
                .ExecuteUpdateAsync(o => o.SetProperty(x => x.Coupon, couponId).SetProperty(x => x.RealPrice, quote.RealPrice.Fen)) != 1)
            return new(StatusCodes.Status409Conflict, "订单已变化，请刷新后重试");
        if (order.Coupon != 0)
            await OrderHolds.ReleaseCouponAsync(db, order.Coupon, order.Id);
        if (couponId != 0 && !await OrderHolds.HoldCouponAsync(db, order.UserId, couponId, order.Id))
            return new(StatusCodes.Status400BadRequest, $"{CouponRules.Unusable}：已被另一个订单使用");
        order.Coupon = couponId;
        order.RealPrice = quote.RealPrice.Fen;
        for (var i = 0; i < lines.Count; i++)
            lines[i].RealPrice = quote.LineRealPrices[i].Fen;
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

    /// <summary>
    /// Applies a verified payment: marks the order paid and grants its courses, exactly once (the update is guarded by
    /// <c>status = 0</c> and the amount). A payment that cannot be applied — unknown order, another amount, an order
    /// cancelled or timed out meanwhile, an order already paid by another trade — is recorded and refunded
    /// (<see cref="UnappliedPayments"/>); an order whose amount did not match is cancelled, its coupon and credits
    /// given back. <paramref name="fulfilledRecord"/>, when given, is written in the same transaction if this call
    /// fulfils the order.
    /// </summary>
    public async Task<FulfilOutcome> FulfilAsync(string orderNumber, string tradeNo, DateTime payTime, Money amount, PaymentNotification? fulfilledRecord = null)
    {
        // The usual case first, without a read before it: the unpaid order with this amount becomes paid.
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            if (await db.Orders.Where(o => o.OrderNumber == orderNumber && o.OrderStatus == OrderStatus.Unpaid && o.RealPrice == amount.Fen)
                    .ExecuteUpdateAsync(o => o.SetProperty(x => x.OrderStatus, OrderStatus.Paid).SetProperty(x => x.PayTime, payTime).SetProperty(x => x.TradeNo, tradeNo)) == 1)
            {
                // The order's lines, each with the purchase of its course the user already has, in one query
                // (tracked: the purchases are extended).
                var lines = await (
                    from o in db.Orders
                    where o.OrderNumber == orderNumber
                    join d in db.OrderDetails on o.Id equals d.OrderId
                    from u in db.UserCourses.Where(u => u.UserId == o.UserId && u.CourseId == d.CourseId).DefaultIfEmpty()
                    select new { Order = o, Detail = d, Owned = u }).ToListAsync();
                var paid = lines[0].Order;
                paid.Details = lines.Select(l => l.Detail).ToList();
                Fulfilment.Grant(db, paid.UserId, paid, lines.Where(l => l.Owned is not null).Select(l => l.Owned!), BuyType.Alipay, payTime);
                if (fulfilledRecord is not null)
                    db.PaymentNotifications.Add(fulfilledRecord);
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
                LogFulfilled(logger, orderNumber, tradeNo);
                return FulfilOutcome.Fulfilled;
            }
        }

        // Nothing changed: find out why.
        var order = await db.Orders.AsNoTracking().Where(o => o.OrderNumber == orderNumber)
            .Select(o => new { o.Id, o.RealPrice, o.OrderStatus, o.TradeNo }).SingleOrDefaultAsync();
        PaymentProblem problem;
        if (order is null)
            problem = PaymentProblem.UnknownOrder;
        else if (order.OrderStatus is OrderStatus.Paid or OrderStatus.Refunded)
        {
            // The trade that paid (or was refunded for) this order, again: a duplicate. Another trade: paid twice.
            if (order.TradeNo == tradeNo && !string.IsNullOrEmpty(tradeNo))
                return FulfilOutcome.AlreadyApplied;
            problem = order.OrderStatus == OrderStatus.Refunded && await db.PaymentExceptions.AnyAsync(p => p.TradeNo == tradeNo)
                ? PaymentProblem.OrderClosed
                : PaymentProblem.DoublePayment;
        }
        // The amount first: the same payment is classed the same whether the order was cancelled before it came or
        // because of it (two passes of the job may race).
        else if (order.RealPrice != amount.Fen)
            problem = PaymentProblem.AmountMismatch;
        else if (order.OrderStatus is OrderStatus.Cancelled or OrderStatus.TimedOut)
            problem = PaymentProblem.OrderClosed;
        else
            // An order never goes back to unpaid: read after the guarded update, it can only have changed state.
            throw new InvalidOperationException($"order {orderNumber} is {order.OrderStatus} after its payment was refused");

        // The trade of that order can no longer pay it: give the order's coupon and credits back, then the money.
        if (problem == PaymentProblem.AmountMismatch && order!.OrderStatus == OrderStatus.Unpaid)
            await cancellation.CancelAsync(order.Id, OrderStatus.Cancelled);
        await unapplied.RecordAndRefundAsync(orderNumber, tradeNo, amount, problem);
        return FulfilOutcome.Unapplied;
    }

    /// <summary>
    /// The asynchronous notification: <c>success</c> once handled (applied, recorded as a payment to refund, or nothing to
    /// do), <c>failure</c> when refused. Only verified notifies are stored; forged ones are logged and counted.
    /// </summary>
    public async Task<string> HandleNotifyAsync(IReadOnlyDictionary<string, string?> form, string raw)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var outTradeNo = form.GetValueOrDefault("out_trade_no");
        var status = form.GetValueOrDefault("trade_status");
        if (!alipay.IsAuthentic(form))
        {
            metrics.NotifyRejected();
            LogForged(logger, outTradeNo is { Length: <= 64 } n ? n : "?");
            return "failure";
        }
        var record = new PaymentNotification
        {
            OutTradeNo = outTradeNo, TradeNo = form.GetValueOrDefault("trade_no"), TradeStatus = status, Verified = true,
            Outcome = "fulfilled", RawForm = raw.Length > 8000 ? raw[..8000] : raw, ReceivedAt = now,
        };
        string outcome;
        string answer;
        // Alipay notifies refunds too: partial ones as TRADE_SUCCESS, full ones as TRADE_CLOSED, each with refund
        // fields. Never a payment.
        if (IsRefundNotification(form))
            (outcome, answer) = ($"refund notification: {form.GetValueOrDefault("refund_fee")} refunded ({status})", "success");
        else if (status == "WAIT_BUYER_PAY")
            (outcome, answer) = ("ignored: WAIT_BUYER_PAY", "success");
        else if (!PaidStatuses.Contains(status))
            (outcome, answer) = ($"ignored: {status}", "success");
        else if (!AlipayFormats.TryParseAmount(form.GetValueOrDefault("total_amount"), out var amount) || string.IsNullOrEmpty(outTradeNo)
                 || string.IsNullOrEmpty(form.GetValueOrDefault("trade_no")))
            // Without its trade_no a payment cannot be told from a second one, nor refunded precisely.
            (outcome, answer) = ("refused: total_amount, out_trade_no or trade_no missing", "failure");
        else
        {
            var payTime = AlipayFormats.TryParseTime(form.GetValueOrDefault("gmt_payment"), out var gmt) ? gmt : now;
            // Fulfilled: the record is written with the purchases, in their transaction (one commit, not two).
            var result = await FulfilAsync(outTradeNo, form.GetValueOrDefault("trade_no") ?? "", payTime, amount, record);
            if (result == FulfilOutcome.Fulfilled)
            {
                LogNotify(logger, outTradeNo, record.Outcome);
                return "success";
            }
            // A payment that could not be applied is recorded (and its refund under way): Alipay may stop notifying.
            (outcome, answer) = result == FulfilOutcome.AlreadyApplied
                ? ("duplicate: already applied", "success")
                : ("not applied: recorded as a payment exception, refunded", "success");
        }

        db.ChangeTracker.Clear();
        record.Outcome = outcome.Length > 500 ? outcome[..500] : outcome;
        db.PaymentNotifications.Add(record);
        await db.SaveChangesAsync();
        LogNotify(logger, outTradeNo ?? "?", outcome);
        return answer;
    }

    /// <summary>A refund's notification carries what was refunded: refund_fee, gmt_refund, out_biz_no.</summary>
    public static bool IsRefundNotification(IReadOnlyDictionary<string, string?> form) =>
        !string.IsNullOrEmpty(form.GetValueOrDefault("refund_fee")) || !string.IsNullOrEmpty(form.GetValueOrDefault("gmt_refund"))
        || !string.IsNullOrEmpty(form.GetValueOrDefault("out_biz_no"));

    /// <summary>
    /// The browser's return: verified, and when the notification has not come yet the gateway is asked.
    /// Null with a message when the payment cannot be confirmed.
    /// </summary>
    public async Task<(PaymentResult? Result, int Status, string? Message)> HandleReturnAsync(IReadOnlyDictionary<string, string?> parameters)
    {
        if (!alipay.IsAuthentic(parameters))
            return (null, StatusCodes.Status400BadRequest, "支付结果验签失败");
        var orderNumber = parameters.GetValueOrDefault("out_trade_no") ?? "";
        var order = await db.Orders.AsNoTracking().Where(o => o.OrderNumber == orderNumber).Select(o => new { o.OrderStatus }).SingleOrDefaultAsync();
        if (order is null)
            return (null, StatusCodes.Status404NotFound, "订单不存在");
        if (order.OrderStatus == OrderStatus.Unpaid)
        {
            var query = await alipay.QueryAsync(orderNumber);
            if (!query.IsSuccess || !PaidStatuses.Contains(query.Get("trade_status")) || !AlipayFormats.TryParseAmount(query.Get("total_amount"), out var amount)
                || string.IsNullOrEmpty(query.Get("trade_no")))
                return (null, StatusCodes.Status409Conflict, "支付结果尚未确认，请稍后刷新");
            var payTime = AlipayFormats.TryParseTime(query.Get("send_pay_date"), out var t) ? t : clock.GetUtcNow().UtcDateTime;
            await FulfilAsync(orderNumber, query.Get("trade_no") ?? "", payTime, amount);
        }
        var paid = await db.Orders.AsNoTracking().Where(o => o.OrderNumber == orderNumber)
            .Select(o => new { o.OrderStatus, o.PayTime, o.RealPrice, Courses = o.Details.OrderBy(d => d.Id).Select(d => d.CourseName).ToList() })
            .SingleAsync();
        if (paid.OrderStatus != OrderStatus.Paid)
            return (null, StatusCodes.Status409Conflict, $"订单{OrderTexts.Status(paid.OrderStatus)}");
        return (new PaymentResult(paid.PayTime is { } p ? AlipayFormats.Time(p) : null, new Money(paid.RealPrice).Yuan, paid.Courses), StatusCodes.Status200OK, null);
    }

    /// <summary>
    /// Before the auto-cancel cancels an order that has a pay URL: asks the gateway. Paid → applied (true: handled), or,
    /// when the payment cannot be applied (another amount), recorded and refunded (false: go on cancelling); no trade
    /// or a closed one → false; waiting for payment → the trade is closed there (false). A gateway that cannot be
    /// asked throws <see cref="AlipayException"/>: the next pass tries again.
    /// </summary>
    public async Task<bool> ReconcileBeforeCancelAsync(string orderNumber)
    {
        var query = await alipay.QueryAsync(orderNumber);
        if (query.IsSuccess && PaidStatuses.Contains(query.Get("trade_status")) && AlipayFormats.TryParseAmount(query.Get("total_amount"), out var amount)
            && !string.IsNullOrEmpty(query.Get("trade_no")))
        {
            var payTime = AlipayFormats.TryParseTime(query.Get("send_pay_date"), out var t) ? t : clock.GetUtcNow().UtcDateTime;
            var outcome = await FulfilAsync(orderNumber, query.Get("trade_no") ?? "", payTime, amount);
            if (outcome == FulfilOutcome.Unapplied)
                return false;
            LogReconciled(logger, orderNumber);
            return true;
        }
        // No trade (the buyer never reached the cashier), or one the gateway closed (its time_expire is the order's
        // deadline, so a trade left unpaid is closed by now): nothing can be paid any more.
        if ((!query.IsSuccess && query.SubCode == "ACQ.TRADE_NOT_EXIST") || (query.IsSuccess && query.Get("trade_status") == "TRADE_CLOSED"))
            return false;
        if (!query.IsSuccess)
            throw new AlipayException($"alipay.trade.query for {orderNumber}: {query.SubCode} {query.SubMsg}");
        var close = await alipay.CloseAsync(orderNumber);
        if (close.IsSuccess || close.SubCode == "ACQ.TRADE_NOT_EXIST")
            return false;
        // Paid (or closed) between the query and the close: the next pass looks again.
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pay URL issued for order {OrderNumber}")]
    private static partial void LogPayUrl(ILogger logger, string orderNumber);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderNumber} paid, trade {TradeNo}: courses granted")]
    private static partial void LogFulfilled(ILogger logger, string orderNumber, string tradeNo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notify for order {OrderNumber} refused: signature or app_id does not verify")]
    private static partial void LogForged(ILogger logger, string orderNumber);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notify for order {OrderNumber}: {Outcome}")]
    private static partial void LogNotify(ILogger logger, string orderNumber, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderNumber} was paid but its notify never came: fulfilled by reconciliation")]
    private static partial void LogReconciled(ILogger logger, string orderNumber);
}
