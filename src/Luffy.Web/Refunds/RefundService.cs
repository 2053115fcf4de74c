using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Luffy.Domain.Coupons;
using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;
using Luffy.Web.Admin;
using Luffy.Web.Orders;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Refunds;

public sealed record RefundLineDto(int CourseId, string CourseName, decimal Amount, long Credit);

public sealed record RefundDto(
    long Id, string OrderNumber, string Username, string RequestNo, int Status, string StatusText, decimal Amount, long Credit, bool WholeOrder,
    string Reason, bool RequestedByStudent, string? OperatorNote, DateTime CreatedAt, DateTime? DecidedAt, DateTime? RefundedAt,
    int Attempts, string? LastError, bool CouponReleased, IReadOnlyList<RefundLineDto> Lines);

public static class RefundTexts
{
    public static string Status(RefundStatus status) => status switch
    {
        RefundStatus.Requested => "待审核",
        RefundStatus.Refused => "已拒绝",
        RefundStatus.Processing => "退款中",
        RefundStatus.Succeeded => "已退款",
        RefundStatus.Failed => "退款失败",
        _ => status.ToString(),
    };
}

/// <summary>
/// Refunds of paid orders, whole or by line: asked by the student (then approved or refused by an operator) or made by
/// an operator. Each step is one guarded update, so double clicks and several instances refund once:
/// <list type="number">
/// <item>opening a refund reserves its lines (<c>refund_id</c> set only where it is null);</item>
/// <item>the money goes back through <c>alipay.trade.refund</c> with the refund's own out_request_no, the same on every
/// retry; fund_change Y, or the refund query, says it went through;</item>
/// <item>then, in one transaction started by the guarded 退款中 → 已退款 update: the purchases lose what the lines gave,
/// the credits come back with a ledger row, the coupon is released when no line is left, the order becomes 部分退款 or
/// 已退款.</item>
/// </list>
/// A refund the gateway refused is 退款失败 (an operator retries it); one whose outcome is unknown (no answer) stays
/// 退款中 and <see cref="RefundJob"/> asks again.
/// </summary>
public sealed partial class RefundService(
    LuffyDbContext db, AlipayClient alipay, AuditLog audit, TimeProvider clock, IOptions<RefundOptions> options, ILogger<RefundService> logger)
{
    public const int MaxText = 200;

    /// <summary>The student asks for a refund of their order (all lines still held, or <paramref name="courses"/>).</summary>
    public async Task<(RefundDto? Refund, Refusal? Refusal)> RequestAsync(int userId, string orderNumber, string? reason, IReadOnlyList<int>? courses)
    {
        var order = await FindOrderAsync(orderNumber, userId);
        if (order is null)
            return (null, Refusal.NotFound(OrderTexts.NoSuchOrder));
        if (order.Status is OrderStatus.Paid or OrderStatus.PartlyRefunded && !(clock.GetUtcNow().UtcDateTime < options.Value.RequestDeadline(order.PayTime)))
            return (null, Refusal.Conflict($"已超过退款期限：支付后 {WindowText(options.Value.RequestWindow)}内可申请退款"));
        var (refund, refusal) = await OpenAsync(order, reason, courses, actor: null);
        if (refund is null)
            return (null, refusal);
        LogRequested(logger, order.OrderNumber, refund.Id);
        return (await ReadAsync(refund.Id), null);
    }

    public static string WindowText(TimeSpan window) =>
        window.TotalDays >= 1 && window.TotalDays == Math.Floor(window.TotalDays) ? $" {window.TotalDays:0} 天" : $" {window.TotalHours:0.#} 小时";

    /// <summary>An operator refunds an order on their own: opened and sent to the gateway at once.</summary>
    public async Task<(RefundDto? Refund, Refusal? Refusal)> RefundByOperatorAsync(ClaimsPrincipal actor, string orderNumber, string? reason, IReadOnlyList<int>? courses)
    {
        var order = await FindOrderAsync(orderNumber, userId: null);
        if (order is null)
            return (null, Refusal.NotFound(OrderTexts.NoSuchOrder));
        var (refund, refusal) = await OpenAsync(order, reason, courses, actor);
        if (refund is null)
            return (null, refusal);
        await ExecuteAsync(refund.Id);
        return (await ReadAsync(refund.Id), null);
    }

    /// <summary>An operator approves a student's request: the refund goes to the gateway at once.</summary>
    public async Task<(RefundDto? Refund, Refusal? Refusal)> ApproveAsync(ClaimsPrincipal actor, long id, string? note)
    {
        if (CheckNote(ref note, required: false) is { } invalid)
            return (null, invalid);
        if (!await DecideAsync(actor, id, RefundStatus.Requested, RefundStatus.Processing, note, "refund.approve"))
            return (null, await WhyNotAsync(id, "审批"));
        await ExecuteAsync(id);
        return (await ReadAsync(id), null);
    }

    /// <summary>An operator refuses a student's request (with a note the student reads); its lines can be asked for again.</summary>
    public async Task<(RefundDto? Refund, Refusal? Refusal)> RefuseAsync(ClaimsPrincipal actor, long id, string? note)
    {
        if (CheckNote(ref note, required: true) is { } invalid)
            return (null, invalid);
        if (!await DecideAsync(actor, id, RefundStatus.Requested, RefundStatus.Refused, note, "refund.refuse"))
            return (null, await WhyNotAsync(id, "拒绝"));
        return (await ReadAsync(id), null);
    }

    /// <summary>An operator retries a failed refund: the same out_request_no, so the money goes back once.</summary>
    public async Task<(RefundDto? Refund, Refusal? Refusal)> RetryAsync(ClaimsPrincipal actor, long id)
    {
        if (!await DecideAsync(actor, id, RefundStatus.Failed, RefundStatus.Processing, null, "refund.retry"))
            return (null, await WhyNotAsync(id, "重试"));
        await ExecuteAsync(id);
        return (await ReadAsync(id), null);
    }

    /// <summary>
    /// Refunds under way for longer than <see cref="RefundOptions.RetryAfter"/> (the gateway did not answer, or the
    /// process stopped in between) are asked again; returns how many went through.
    /// </summary>
    public async Task<int> RetryStalledAsync(CancellationToken cancellationToken = default)
    {
        var before = clock.GetUtcNow().UtcDateTime - options.Value.RetryAfter;
        var stalled = await db.Refunds.AsNoTracking()
            .Where(r => r.Status == RefundStatus.Processing && (r.DecidedAt ?? r.CreatedAt) <= before)
            .OrderBy(r => r.Attempts).ThenBy(r => r.Id).Select(r => r.Id).Take(options.Value.RetryBatch).ToListAsync(cancellationToken);
        var done = 0;
        foreach (var id in stalled)
            if ((await SendAsync(id, cancellationToken)).AppliedHere)
                done++;
        return done;
    }

    /// <summary>A refund notification from the gateway: a refund of ours still under way is confirmed and applied now.</summary>
    public async Task<bool> ConfirmAsync(string requestNo)
    {
        var id = await db.Refunds.AsNoTracking().Where(r => r.RequestNo == requestNo && (r.Status == RefundStatus.Processing || r.Status == RefundStatus.Failed))
            .Select(r => (long?)r.Id).SingleOrDefaultAsync();
        if (id is not { } found)
            return false;
        // A refund marked failed whose money the gateway says went back after all (an answer lost, a query too soon):
        // under way again, then confirmed by the same out_request_no.
        await db.Refunds.Where(r => r.Id == found && r.Status == RefundStatus.Failed).ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, RefundStatus.Processing));
        return (await SendAsync(found)).AppliedHere;
    }

    /// <summary>
    /// Sends a refund under way to the gateway and applies it once the gateway says the money went back; a refusal makes
    /// it 退款失败, no answer leaves it under way. Returns its state after.
    /// </summary>
    public async Task<RefundStatus> ExecuteAsync(long id) => (await SendAsync(id)).Status;

    /// <summary>As <see cref="ExecuteAsync"/>; <c>AppliedHere</c> when this call (not a concurrent one) applied it.</summary>
    private async Task<(RefundStatus Status, bool AppliedHere)> SendAsync(long id, CancellationToken cancellationToken = default)
    {
        var refund = await db.Refunds.AsNoTracking().Where(r => r.Id == id)
            .Select(r => new { r.Status, r.RequestNo, r.Amount, r.Reason, Order = db.Orders.Where(o => o.Id == r.OrderId).Select(o => new { o.OrderNumber, o.TradeNo }).Single() })
            .SingleAsync();
        if (refund.Status != RefundStatus.Processing)
            return (refund.Status, false);
        // Paid entirely with credits and coupon: no money to send back.
        var (refunded, error) = refund.Amount.IsZero
            ? (true, null)
            : await AskGatewayAsync(refund.Order.OrderNumber, refund.Order.TradeNo, refund.Amount, refund.RequestNo, refund.Reason, cancellationToken);
        if (refunded == true)
        {
            try
            {
                return await ApplyAsync(id) ? (RefundStatus.Succeeded, true) : (await db.Refunds.Where(r => r.Id == id).Select(r => r.Status).SingleAsync(), false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The money went back but the database could not record it: the refund stays under way (nothing of it
                // applied, the transaction rolled back) and the job applies it on a later pass (the gateway says
                // fund_change N, the query finds the refund).
                LogApplyFailed(logger, e, refund.Order.OrderNumber, refund.RequestNo);
                db.ChangeTracker.Clear();
                return (RefundStatus.Processing, false);
            }
        }

        var text = error is { Length: > 500 } ? error[..500] : error;
        var to = refunded == false ? RefundStatus.Failed : RefundStatus.Processing;
        await db.Refunds.Where(r => r.Id == id && r.Status == RefundStatus.Processing)
            .ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, to).SetProperty(x => x.Attempts, x => x.Attempts + 1).SetProperty(x => x.LastError, text));
        LogNotRefunded(logger, refund.Order.OrderNumber, refund.RequestNo, RefundTexts.Status(to), error ?? "");
        return (to, false);
    }

    /// <summary>
    /// Asks the gateway to refund; true when the money went back (fund_change Y, or the refund query finds the refund),
    /// false when it did not (a refusal, or the query finds none after an uncertain answer), null when it cannot be known now.
    /// </summary>
    private async Task<(bool? Refunded, string? Error)> AskGatewayAsync(string orderNumber, string? tradeNo, Money amount, string requestNo, string reason,
        CancellationToken cancellationToken)
    {
        string error;
        try
        {
            var answer = await alipay.RefundAsync(orderNumber, amount, requestNo, reason, tradeNo, cancellationToken);
            if (answer.IsSuccess && answer.Get("fund_change") == "Y")
                return (true, null);
            // fund_change N: this call moved no money; an earlier one with the same number may have. A system error: it
            // may or may not have gone through. The refund query decides both.
            // A business refusal (40004) is final until an operator retries; a system error (ACQ.SYSTEM_ERROR, or any
            // 20000 "service unavailable" answer) is not.
            if (!answer.IsSuccess && answer.Code != "20000" && answer.SubCode != "ACQ.SYSTEM_ERROR")
                return (false, $"{answer.SubCode} {answer.SubMsg}".Trim());
            error = answer.IsSuccess ? "fund_change=N" : $"{answer.SubCode} {answer.SubMsg}".Trim();
        }
        catch (AlipayException e)
        {
            error = e.Message;
        }
        try
        {
            var query = await alipay.RefundQueryAsync(orderNumber, requestNo, tradeNo, cancellationToken);
            if (AlipayClient.IsRefunded(query))
                return (true, null);
            // The gateway has no such refund: it did not happen, and retrying with the same number is safe.
            return query.IsSuccess ? (false, $"{error}; 退款查询：未退款") : (null, $"{error}; 退款查询：{query.SubCode} {query.SubMsg}");
        }
        catch (AlipayException e)
        {
            return (null, $"{error}; 退款查询：{e.Message}");
        }
    }

    /// <summary>
    /// Applies a refund the gateway made, exactly once (the guarded 退款中 → 已退款 update opens the transaction): purchases,
    /// credits, coupon, the order. False when another caller applied it (or it is no longer under way).
    /// </summary>
    private async Task<bool> ApplyAsync(long id)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var now = clock.GetUtcNow().UtcDateTime;
            await using var transaction = await db.Database.BeginTransactionAsync();
            if (await db.Refunds.Where(r => r.Id == id && r.Status == RefundStatus.Processing)
                    .ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, RefundStatus.Succeeded).SetProperty(x => x.RefundedAt, now)
                        .SetProperty(x => x.Attempts, x => x.Attempts + 1).SetProperty(x => x.LastError, (string?)null)) != 1)
                return false;
            var refund = await db.Refunds.Include(r => r.Lines).SingleAsync(r => r.Id == id);
            // The order's row is locked before its lines are read (a no-op update; SQLite's one writer already holds
            // it): two refunds of the same order, a 0-yuan one included, apply one after the other, each seeing the
            // lines the other refunded.
            await db.Orders.Where(o => o.Id == refund.OrderId).ExecuteUpdateAsync(o => o.SetProperty(x => x.RefundedCredit, x => x.RefundedCredit));
            var order = await db.Orders.AsNoTracking().Where(o => o.Id == refund.OrderId).Select(o => new
            {
                o.Id, o.OrderNumber, o.UserId, o.Coupon, o.PayTime, o.RefundedAmount,
                Lines = o.Details.Select(d => new
                {
                    d.Id, d.CourseId, d.Expire, d.GrantedFrom, d.GrantedUntil, d.HadPurchase, d.OutTimeBefore,
                    Refunded = d.RefundId == id || db.Refunds.Any(r => r.Id == d.RefundId && r.Status == RefundStatus.Succeeded),
                }).ToList(),
            }).SingleAsync();
            var noLineLeft = order.Lines.All(l => l.Refunded);
            if (!await OrderTransitions.RefundLinesAsync(db, order.Id, noLineLeft, order.RefundedAmount, order.RefundedAmount + refund.Amount, refund.Credit))
            {
                // Another refund of the same order committed in between: read again.
                await transaction.RollbackAsync();
                if (attempt < 5)
                    continue;
                throw new InvalidOperationException($"order {order.OrderNumber} keeps changing under refund {id}");
            }

            // The purchases lose what the refunded lines gave (their rows locked first: a grant at the same moment waits).
            var courseIds = refund.Lines.Select(l => l.CourseId).ToList();
            await db.UserCourses.Where(u => u.UserId == order.UserId && courseIds.Contains(u.CourseId))
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.PayTime, x => x.PayTime));
            var purchases = await db.UserCourses.Where(u => u.UserId == order.UserId && courseIds.Contains(u.CourseId)).ToDictionaryAsync(u => u.CourseId);
            foreach (var refunded in refund.Lines)
            {
                var line = order.Lines.Single(l => l.Id == refunded.OrderDetailId);
                if (!purchases.TryGetValue(line.CourseId, out var purchase))
                    continue;
                var grant = line.GrantedFrom is { } from
                    ? new LineGrant(from, line.GrantedUntil, line.HadPurchase, line.OutTimeBefore)
                    : RefundRules.Legacy(order.PayTime ?? now, line.Expire);
                var after = RefundRules.TakeBack(purchase.OutTime, grant, now);
                if (purchase.OutTime is null)
                    after = await UnderPermanentAsync(order.UserId, line.Id, line.CourseId, grant, after, now);
                if (after.Remove)
                    db.UserCourses.Remove(purchase);
                else
                    purchase.OutTime = after.OutTime;
            }

            if (refund.Credit > 0)
                await OrderHolds.RefundCreditsAsync(db, order.UserId, refund.Credit, "订单退款退还", order.OrderNumber, now);
            refund.WholeOrder = noLineLeft;
            if (noLineLeft && order.Coupon != 0)
            {
                var coupon = await db.UserCoupons.AsNoTracking().Where(u => u.Id == order.Coupon && u.OrderId == order.Id)
                    .Select(u => new { u.StartTime, u.RevokedAt, u.Coupon!.Timer, u.Coupon.EndTime }).SingleOrDefaultAsync();
                if (coupon is not null && coupon.RevokedAt is null && now < (coupon.EndTime ?? CouponRules.EndTime(coupon.StartTime, coupon.Timer)))
                {
                    await OrderHolds.ReleaseCouponAsync(db, order.Coupon, order.Id);
                    refund.CouponReleased = true;
                }
            }
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            LogRefunded(logger, order.OrderNumber, refund.RequestNo, refund.Amount.ToString(), refund.Credit, noLineLeft ? "已退款" : "部分退款");
            return true;
        }
    }

    /// <summary>
    /// A refunded line of a course the student holds permanently, and the student's other paid lines of it (bought
    /// again while owning it): a timed line's days left also leave the end a later permanent line would restore; a
    /// permanent line's refund gives back the days of the timed lines bought while it held, from then on (their recorded
    /// periods become those, for a refund of them later).
    /// </summary>
    private async Task<PurchaseAfterRefund> UnderPermanentAsync(int userId, long lineId, int courseId, LineGrant grant, PurchaseAfterRefund after, DateTime now)
    {
        var others = await (
            from d in db.OrderDetails
            join o in db.Orders on d.OrderId equals o.Id
            where o.UserId == userId && d.CourseId == courseId && d.Id != lineId && d.GrantedFrom != null && d.GrantedFrom >= grant.From
                  && (o.OrderStatus == OrderStatus.Paid || o.OrderStatus == OrderStatus.PartlyRefunded)
                  && (d.RefundId == null || !db.Refunds.Any(r => r.Id == d.RefundId && r.Status == RefundStatus.Succeeded))
            orderby d.GrantedFrom, d.Id
            select d).ToListAsync();
        if (grant.Until is { } until)
        {
            var start = grant.From > now ? grant.From : now;
            var left = until > start ? until - start : TimeSpan.Zero;
            foreach (var later in others.Where(d => d.GrantedUntil is null && d.OutTimeBefore is not null))
                later.OutTimeBefore -= left;
            return after;
        }
        // Timed lines bought while this one held: recorded as giving nothing (GrantedUntil == GrantedFrom).
        foreach (var absorbed in others.Where(d => d.GrantedUntil == d.GrantedFrom && d.Expire > 0))
        {
            var from = after is { Remove: false, OutTime: { } end } && end > now ? end : now;
            absorbed.HadPurchase = !after.Remove;
            absorbed.OutTimeBefore = after.Remove ? null : after.OutTime;
            absorbed.GrantedFrom = from;
            absorbed.GrantedUntil = from.AddDays(absorbed.Expire);
            after = new PurchaseAfterRefund(false, absorbed.GrantedUntil);
        }
        return after;
    }

    /// <summary>An order line; <c>Index</c> is its place among the order's lines (its credit share's).</summary>
    private sealed record LineForRefund(int Index, long Id, int CourseId, string CourseName, Money PolicyPrice, Money RealPrice, long? RefundId);

    private sealed record OrderForRefund(long Id, string OrderNumber, int UserId, OrderStatus Status, DateTime? PayTime, long Credit, IReadOnlyList<LineForRefund> Lines);

    private async Task<OrderForRefund?> FindOrderAsync(string orderNumber, int? userId)
    {
        var query = db.Orders.AsNoTracking().Where(o => o.OrderNumber == orderNumber);
        if (userId is { } owner)
            query = query.Where(o => o.UserId == owner);
        var row = await query.Select(o => new
        {
            o.Id, o.OrderNumber, o.UserId, o.OrderStatus, o.PayTime, o.Credit,
            Lines = o.Details.OrderBy(d => d.Id).Select(d => new { d.Id, d.CourseId, d.CourseName, d.PolicyPrice, d.RealPrice, d.RefundId }).ToList(),
        }).SingleOrDefaultAsync();
        return row is null
            ? null
            : new OrderForRefund(row.Id, row.OrderNumber, row.UserId, row.OrderStatus, row.PayTime, row.Credit,
                row.Lines.Select((l, i) => new LineForRefund(i, l.Id, l.CourseId, l.CourseName, l.PolicyPrice, l.RealPrice, l.RefundId)).ToList());
    }

    /// <summary>
    /// Opens a refund of the chosen lines (all lines no refund holds when none are named): the student's request
    /// (待审核), or an operator's refund (退款中). Its lines are reserved by a guarded update, so two clicks open one.
    /// </summary>
    private async Task<(Refund? Refund, Refusal? Refusal)> OpenAsync(OrderForRefund order, string? reason, IReadOnlyList<int>? courses, ClaimsPrincipal? actor)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason))
            return (null, Refusal.Invalid("请填写退款原因"));
        if (reason.Length > MaxText)
            return (null, Refusal.Invalid($"退款原因最多 {MaxText} 个字"));
        if (order.Status is not (OrderStatus.Paid or OrderStatus.PartlyRefunded))
            return (null, Refusal.Conflict($"订单{OrderTexts.Status(order.Status)}，不能退款"));
        List<LineForRefund> chosen;
        if (courses is null || courses.Count == 0)
        {
            chosen = order.Lines.Where(l => l.RefundId is null).ToList();
            if (chosen.Count == 0)
                return (null, Refusal.Conflict("订单的课程都已申请退款或已退款"));
        }
        else
        {
            chosen = [];
            foreach (var course in courses.Distinct())
            {
                if (order.Lines.FirstOrDefault(l => l.CourseId == course) is not { } line)
                    return (null, Refusal.Invalid($"订单中没有课程 {course}"));
                if (line.RefundId is not null)
                    return (null, Refusal.Conflict($"课程《{line.CourseName}》已申请退款或已退款"));
                chosen.Add(line);
            }
        }

        var shares = RefundRules.CreditShares(order.Credit, order.Lines.Select(l => l.RealPrice).ToList(), order.Lines.Select(l => l.PolicyPrice).ToList());
        var now = clock.GetUtcNow().UtcDateTime;
        var refund = new Refund
        {
            OrderId = order.Id, UserId = order.UserId, RequestNo = NewRequestNo(now), Reason = reason, CreatedAt = now,
            RequestedByStudent = actor is null, Status = actor is null ? RefundStatus.Requested : RefundStatus.Processing,
            OperatorId = actor?.UserId(), DecidedAt = actor is null ? null : now,
            Lines = chosen.Select(l => new RefundLine { OrderDetailId = l.Id, CourseId = l.CourseId, Amount = l.RealPrice, Credit = shares[l.Index] }).ToList(),
        };
        refund.Amount = refund.Lines.Aggregate(Money.Zero, (sum, l) => sum + l.Amount);
        refund.Credit = refund.Lines.Sum(l => l.Credit);

        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Refunds.Add(refund);
        await db.SaveChangesAsync();
        var ids = chosen.Select(l => l.Id).ToList();
        var reserved = await db.OrderDetails.Where(d => d.OrderId == order.Id && ids.Contains(d.Id) && d.RefundId == null)
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.RefundId, refund.Id));
        if (reserved != ids.Count)
        {
            // Another request or refund took some of these lines first (a double click).
            await transaction.RollbackAsync();
            db.ChangeTracker.Clear();
            return (null, Refusal.Conflict("所选课程已申请退款或已退款"));
        }
        if (actor is not null)
        {
            audit.Add(actor, "refund.create", "refund", refund.Id, null, new
            {
                order = order.OrderNumber, refund.RequestNo, amount = refund.Amount.Yuan, credit = refund.Credit, reason, courses = refund.Lines.Select(l => l.CourseId),
            });
            await db.SaveChangesAsync();
        }
        await transaction.CommitAsync();
        return (refund, null);
    }

    /// <summary>Moves a refund from <paramref name="from"/> to <paramref name="to"/> for the operator (guarded), audited; a refusal frees its lines.</summary>
    private async Task<bool> DecideAsync(ClaimsPrincipal actor, long id, RefundStatus from, RefundStatus to, string? note, string action)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var operatorId = actor.UserId();
        await using var transaction = await db.Database.BeginTransactionAsync();
        // A retry stamps its time too, so the refund job (which takes refunds under way since RetryAfter) leaves it to this call.
        var changed = from == RefundStatus.Failed
            ? await db.Refunds.Where(r => r.Id == id && r.Status == from).ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, to).SetProperty(x => x.DecidedAt, now))
            : await db.Refunds.Where(r => r.Id == id && r.Status == from).ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, to)
                .SetProperty(x => x.OperatorId, operatorId).SetProperty(x => x.OperatorNote, note).SetProperty(x => x.DecidedAt, now));
        if (changed != 1)
            return false;
        if (to == RefundStatus.Refused)
            await db.OrderDetails.Where(d => d.RefundId == id).ExecuteUpdateAsync(d => d.SetProperty(x => x.RefundId, (long?)null));
        audit.Add(actor, action, "refund", id, new { status = RefundTexts.Status(from) }, new { status = RefundTexts.Status(to), note });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return true;
    }

    private async Task<Refusal> WhyNotAsync(long id, string what)
    {
        var status = await db.Refunds.AsNoTracking().Where(r => r.Id == id).Select(r => (RefundStatus?)r.Status).SingleOrDefaultAsync();
        return status is { } s ? Refusal.Conflict($"退款{RefundTexts.Status(s)}，不能{what}") : Refusal.NotFound("退款不存在");
    }

    private static Refusal? CheckNote(ref string? note, bool required)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (required && note is null)
            return Refusal.Invalid("请填写拒绝原因");
        return note is { Length: > MaxText } ? Refusal.Invalid($"备注最多 {MaxText} 个字") : null;
    }

    /// <summary>Alipay's out_request_no: unique, at most 64 characters, the same for every retry of this refund.</summary>
    private static string NewRequestNo(DateTime now) =>
        "RF" + now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));

    public async Task<RefundDto?> ReadAsync(long id) => (await ReadAsync(db.Refunds.Where(r => r.Id == id))).SingleOrDefault();

    /// <summary>Refunds with their lines and order, in one query.</summary>
    public async Task<IReadOnlyList<RefundDto>> ReadAsync(IQueryable<Refund> refunds)
    {
        var rows = await refunds.AsNoTracking().Select(r => new
        {
            r.Id, r.RequestNo, r.Status, r.Amount, r.Credit, r.WholeOrder, r.Reason, r.RequestedByStudent, r.OperatorNote, r.CreatedAt,
            r.DecidedAt, r.RefundedAt, r.Attempts, r.LastError, r.CouponReleased,
            OrderNumber = db.Orders.Where(o => o.Id == r.OrderId).Select(o => o.OrderNumber).Single(),
            Username = db.Users.Where(u => u.Id == r.UserId).Select(u => u.Username).Single(),
            Lines = r.Lines.OrderBy(l => l.Id).Select(l => new
            {
                l.CourseId, l.Amount, l.Credit, Name = db.OrderDetails.Where(d => d.Id == l.OrderDetailId).Select(d => d.CourseName).Single(),
            }).ToList(),
        }).ToListAsync();
        return rows.Select(r => new RefundDto(r.Id, r.OrderNumber, r.Username, r.RequestNo, (int)r.Status, RefundTexts.Status(r.Status), r.Amount.Yuan, r.Credit,
            r.WholeOrder, r.Reason, r.RequestedByStudent, r.OperatorNote, r.CreatedAt, r.DecidedAt, r.RefundedAt, r.Attempts, r.LastError, r.CouponReleased,
            r.Lines.Select(l => new RefundLineDto(l.CourseId, l.Name, l.Amount.Yuan, l.Credit)).ToList())).ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderNumber}: refund {RefundId} requested by the student")]
    private static partial void LogRequested(ILogger logger, string orderNumber, long refundId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderNumber}: refund {RequestNo} done, {Amount} and {Credit} credits back; order {Status}")]
    private static partial void LogRefunded(ILogger logger, string orderNumber, string requestNo, string amount, long credit, string status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderNumber}: refund {RequestNo} went through at the gateway but could not be recorded; the refund job applies it later")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string orderNumber, string requestNo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderNumber}: refund {RequestNo} not confirmed ({State}): {Error}")]
    private static partial void LogNotRefunded(ILogger logger, string orderNumber, string requestNo, string state, string error);
}
