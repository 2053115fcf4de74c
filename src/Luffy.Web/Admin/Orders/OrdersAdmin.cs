using System.Globalization;
using CsvHelper;
using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;
using Luffy.Web.Catalog;

namespace Luffy.Web.Admin.Orders;

/// <summary>The search of the back office's orders; times are UTC, <c>To</c> exclusive.</summary>
public sealed record OrderFilter(string? Number, string? User, int? Status, DateTime? From, DateTime? To, int? Course);

public sealed record OrderRow(string OrderNumber, string Username, int Status, string StatusText, decimal TotalPrice, decimal RealPrice, long Credit, string OrderTitle, DateTime CreatedAt, DateTime? PayTime);

/// <summary>A line; <c>RefundId</c>/<c>RefundStatusText</c>: the refund that holds it (asked, under way, failed or done).</summary>
public sealed record OrderLineDto(int CourseId, string CourseName, string ExpireText, decimal Price, decimal RealPrice, string DiscountName, long? RefundId = null, string? RefundStatusText = null);

public sealed record NotificationDto(DateTime ReceivedAt, string? TradeNo, string? TradeStatus, bool Verified, string Outcome);

public sealed record PaymentExceptionDto(string TradeNo, decimal Amount, string Problem, DateTime CreatedAt, DateTime? RefundedAt, int RefundAttempts, string? LastError);

public sealed record OrderDetailDto(
    string OrderNumber, int UserId, string Username, int Status, string StatusText, decimal TotalPrice, decimal RealPrice,
    int CouponId, string? CouponName, long Credit, DateTime CreatedAt, DateTime? PayTime, string? TradeNo,
    IReadOnlyList<OrderLineDto> Lines, IReadOnlyList<NotificationDto> Notifications, IReadOnlyList<PaymentExceptionDto> Exceptions,
    decimal RefundedAmount, long RefundedCredit, IReadOnlyList<Web.Refunds.RefundDto> Refunds);

/// <summary>The gateway's answer to <c>alipay.trade.query</c>, or why it could not be had (<c>Message</c>).</summary>
public sealed record GatewayView(bool Answered, string? Message, string? Code, string? SubCode, string? SubMsg, string? TradeStatus, string? TradeNo, string? TotalAmount, string? SendPayDate);

/// <summary>The back office's orders: search, detail, the gateway's view of a trade and the CSV export, all read-only.</summary>
public sealed partial class OrdersAdmin(LuffyDbContext db, AlipayClient alipay, Web.Refunds.RefundService refunds, ILogger<OrdersAdmin> logger)
{
    public const int PageSize = 20;
    public static readonly string[] CsvHeader = ["订单号", "用户", "状态", "商品总额", "实付", "已退款", "优惠券", "贝里", "下单时间", "支付时间", "课程"];
    private const int FlushEvery = 1000;

    /// <summary>Why the filter is refused, or null.</summary>
    public static string? Check(OrderFilter filter)
    {
        if (filter.Status is { } s && !Enum.IsDefined((OrderStatus)s))
            return "订单状态应为 0（未支付）、1（已支付）、2（已取消）、3（超时取消）、4（已退款）或 5（部分退款）";
        if (filter.From is { } from && filter.To is { } to && to < from)
            return "结束时间不能早于开始时间";
        if (filter.Course is <= 0)
            return "课程 ID 应为正整数";
        return null;
    }

    private IQueryable<Order> Filtered(OrderFilter f)
    {
        var query = db.Orders.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(f.Number))
            query = query.Where(o => o.OrderNumber == f.Number.Trim());
        if (!string.IsNullOrWhiteSpace(f.User))
        {
            var name = Domain.Accounts.AccountRules.Normalize(f.User.Trim());
            query = query.Where(o => db.Users.Any(u => u.Id == o.UserId && u.NormalizedUsername == name));
        }
        if (f.Status is { } s)
            query = query.Where(o => o.OrderStatus == (OrderStatus)s);
        if (f.From is { } from)
            query = query.Where(o => o.CreatedAt >= from);
        if (f.To is { } to)
            query = query.Where(o => o.CreatedAt < to);
        if (f.Course is { } course)
            query = query.Where(o => o.Details.Any(d => d.CourseId == course));
        return query;
    }

    /// <summary>A page of the orders the filter finds, newest first.</summary>
    public async Task<(PagedList<OrderRow>? Page, string? Error)> SearchAsync(OrderFilter filter, int? page, int? size)
    {
        var (p, error) = ListPage.From(page, size, PageSize, maxSize: 100);
        if ((error ?? Check(filter)) is { } refused)
            return (null, refused);
        var query = Filtered(filter);
        var count = await query.CountAsync();
        var rows = await (from o in query
                          join u in db.Users on o.UserId equals u.Id
                          // Newest first by the key: ids grow with time, and the primary key needs no sort of its own.
                          orderby o.Id descending
                          select new { o.OrderNumber, u.Username, o.OrderStatus, o.TotalPrice, o.RealPrice, o.Credit, o.OrderTitle, o.CreatedAt, o.PayTime })
            .Skip(p.Offset).Take(p.Size).ToListAsync();
        var items = rows.Select(r => new OrderRow(r.OrderNumber, r.Username, (int)r.OrderStatus, OrderTexts.Status(r.OrderStatus),
            r.TotalPrice.Yuan, r.RealPrice.Yuan, r.Credit, r.OrderTitle, r.CreatedAt, r.PayTime)).ToList();
        return (new PagedList<OrderRow>(count, p.Number, p.Size, items), null);
    }

    public async Task<OrderDetailDto?> GetAsync(string number)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.Details.OrderBy(d => d.Id)).SingleOrDefaultAsync(o => o.OrderNumber == number);
        if (order is null)
            return null;
        var username = await db.Users.Where(u => u.Id == order.UserId).Select(u => u.Username).SingleOrDefaultAsync() ?? "";
        var couponName = order.Coupon == 0 ? null : await (
            from uc in db.UserCoupons where uc.Id == order.Coupon
            join c in db.Coupons on uc.CouponId equals c.Id
            select c.Name).SingleOrDefaultAsync();
        var notifications = await db.PaymentNotifications.AsNoTracking().Where(n => n.OutTradeNo == number).OrderBy(n => n.Id)
            .Select(n => new NotificationDto(n.ReceivedAt, n.TradeNo, n.TradeStatus, n.Verified, n.Outcome)).ToListAsync();
        var exceptions = (await db.PaymentExceptions.AsNoTracking().Where(e => e.OutTradeNo == number).OrderBy(e => e.Id).ToListAsync())
            .Select(e => new PaymentExceptionDto(e.TradeNo, e.Amount.Yuan, e.Problem.ToString(), e.CreatedAt, e.RefundedAt, e.RefundAttempts, e.LastError)).ToList();
        var orderRefunds = await refunds.ReadAsync(db.Refunds.Where(r => r.OrderId == order.Id).OrderBy(r => r.Id));
        var holding = orderRefunds.ToDictionary(r => r.Id, r => r.StatusText);
        return new OrderDetailDto(order.OrderNumber, order.UserId, username, (int)order.OrderStatus, OrderTexts.Status(order.OrderStatus),
            order.TotalPrice.Yuan, order.RealPrice.Yuan, order.Coupon, couponName, order.Credit, order.CreatedAt, order.PayTime, order.TradeNo,
            order.Details.Select(d => new OrderLineDto(d.CourseId, d.CourseName, d.ExpireText, d.Price.Yuan, d.RealPrice.Yuan, d.DiscountName,
                d.RefundId, d.RefundId is { } held ? holding.GetValueOrDefault(held) : null)).ToList(),
            notifications, exceptions, order.RefundedAmount.Yuan, order.RefundedCredit, orderRefunds);
    }

    /// <summary>Asks the gateway about the order's trade; a gateway that cannot be asked is a message, not an error.</summary>
    public async Task<GatewayView?> GatewayAsync(string number, CancellationToken cancellationToken = default)
    {
        if (!await db.Orders.AnyAsync(o => o.OrderNumber == number, cancellationToken))
            return null;
        try
        {
            var r = await alipay.QueryAsync(number, cancellationToken);
            return new GatewayView(true, null, r.Code, r.SubCode, r.SubMsg ?? r.Msg, r.Get("trade_status"), r.Get("trade_no"), r.Get("total_amount"), r.Get("send_pay_date"));
        }
        catch (AlipayException e)
        {
            LogGatewayFailed(logger, number, e);
            return new GatewayView(false, "支付网关暂时无法查询，请稍后再试", null, null, null, null, null, null, null);
        }
    }

    /// <summary>
    /// Writes the filtered orders as CSV (UTF-8 with BOM, for spreadsheet programs), newest first, row by row as one
    /// query streams them: each order's lines come right after it, so the course names are joined without a query per order.
    /// </summary>
    public async Task WriteCsvAsync(OrderFilter filter, Stream output, CancellationToken cancellationToken)
    {
        // Escape: a user name or a course name starting with = + - @ must not run as a spreadsheet formula.
        await using var csv = CsvWriter.Create(output, CsvWriterOptions.Default with { WriteByteOrderMark = true, Injection = CsvInjection.Escape }, leaveOpen: true);
        await csv.WriteRecordAsync(CsvHeader, cancellationToken);
        var rows = from o in Filtered(filter)
                   join u in db.Users on o.UserId equals u.Id
                   join uc in db.UserCoupons on o.Coupon equals uc.Id into ucs
                   from uc in ucs.DefaultIfEmpty()
                   join c in db.Coupons on uc.CouponId equals c.Id into cs
                   from c in cs.DefaultIfEmpty()
                   join d in db.OrderDetails on o.Id equals d.OrderId into ds
                   from d in ds.DefaultIfEmpty()
                   orderby o.Id descending, d.Id
                   select new { o.Id, o.OrderNumber, u.Username, o.OrderStatus, o.TotalPrice, o.RealPrice, o.RefundedAmount, Coupon = c.Name, o.Credit, o.CreatedAt, o.PayTime, Course = d.CourseName };
        long? current = null;
        string[]? pending = null;
        var courses = new List<string>();
        var written = 0;
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (r.Id != current)
            {
                if (pending is not null && await WriteAsync(pending) % FlushEvery == 0)
                    await csv.FlushAsync(cancellationToken);
                current = r.Id;
                courses.Clear();
                pending = [r.OrderNumber, r.Username, OrderTexts.Status(r.OrderStatus), Yuan(r.TotalPrice), Yuan(r.RealPrice), Yuan(r.RefundedAmount), r.Coupon ?? "", r.Credit.ToString(CultureInfo.InvariantCulture),
                    Components.Format.Time(r.CreatedAt), Components.Format.Time(r.PayTime), ""];
            }
            if (r.Course is not null)
                courses.Add(r.Course);
        }
        if (pending is not null)
            await WriteAsync(pending);
        await csv.FlushAsync(cancellationToken);

        async Task<int> WriteAsync(string[] fields)
        {
            fields[^1] = string.Join("、", courses);
            await csv.WriteRecordAsync(fields, cancellationToken);
            return ++written;
        }
    }

    private static string Yuan(Money m) => m.Yuan.ToString("0.00", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "alipay.trade.query for order {OrderNumber} failed")]
    private static partial void LogGatewayFailed(ILogger logger, string orderNumber, Exception exception);
}
