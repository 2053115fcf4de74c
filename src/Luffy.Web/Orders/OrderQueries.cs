using Luffy.Domain.Orders;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Orders;

/// <summary>
/// Reads orders with their lines: one SQL query for any number of orders and lines.
/// <c>course_img</c> stays site-relative here: the tutorial's order pages put the host in front themselves.
/// </summary>
public sealed class OrderQueries(LuffyDbContext db, IOptions<OrderOptions> options, IOptions<Refunds.RefundOptions> refundOptions, TimeProvider clock)
{
    public async Task<IReadOnlyList<OrderDto>> ReadAsync(IQueryable<Order> orders)
    {
        var rows = await orders.AsNoTracking()
            .Select(o => new
            {
                o.OrderNumber, o.OrderTitle, o.OrderStatus, o.PayType, o.TotalPrice, o.RealPrice, o.Credit, o.Coupon, o.CreatedAt, o.PayTime,
                o.RefundedAmount, o.RefundedCredit,
                Lines = o.Details.OrderBy(d => d.Id).Select(d => new
                {
                    d.CourseId, d.CourseImg, d.CourseName, d.DiscountName, d.Expire, d.ExpireText, d.Price, d.RealPrice,
                    RefundStatus = db.Refunds.Where(r => r.Id == d.RefundId).Select(r => (RefundStatus?)r.Status).FirstOrDefault(),
                }).ToList(),
                Refunds = db.Refunds.Where(r => r.OrderId == o.Id).OrderBy(r => r.Id).Select(r => new
                {
                    r.Status, r.Amount, r.Credit, r.Reason, r.OperatorNote, r.CreatedAt, r.RefundedAt, Courses = r.Lines.OrderBy(l => l.Id).Select(l => l.CourseId).ToList(),
                }).ToList(),
            })
            .ToListAsync();
        var cancelAfter = options.Value.CancelAfter;
        var window = refundOptions.Value.RequestWindow;
        var now = clock.GetUtcNow().UtcDateTime;
        return rows.Select(o => new OrderDto(
            o.OrderNumber, o.OrderTitle, (int)o.OrderStatus, OrderTexts.Status(o.OrderStatus), (int)o.PayType,
            o.TotalPrice.Yuan, o.RealPrice.Yuan, o.Credit, o.Coupon, o.CreatedAt, o.PayTime,
            o.OrderStatus == OrderStatus.Unpaid ? o.CreatedAt + cancelAfter : null,
            o.Lines.Select(l => new OrderCourseDto(l.CourseId, l.CourseImg, l.CourseName, l.DiscountName, l.Expire, l.ExpireText,
                l.Price.Yuan, l.RealPrice.Yuan, (int?)l.RefundStatus, l.RefundStatus is { } rs ? Refunds.RefundTexts.Status(rs) : null)).ToList(),
            o.RefundedAmount.Yuan, o.RefundedCredit,
            o.OrderStatus is OrderStatus.Paid or OrderStatus.PartlyRefunded && o.PayTime is { } paid && now < paid + window && o.Lines.Any(l => l.RefundStatus is null or RefundStatus.Refused)
                ? paid + window : null,
            o.Refunds.Select(r => new OrderRefundDto((int)r.Status, Refunds.RefundTexts.Status(r.Status), r.Amount.Yuan, r.Credit, r.Reason, r.OperatorNote,
                r.CreatedAt, r.RefundedAt, r.Courses)).ToList())).ToList();
    }

    public IQueryable<Order> OfUser(int userId) => db.Orders.Where(o => o.UserId == userId);
}
