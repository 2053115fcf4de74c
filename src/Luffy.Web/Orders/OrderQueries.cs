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
                Lines = o.Details.OrderBy(d => d.Id).Select(d => new { d.CourseId, d.CourseImg, d.CourseName, d.DiscountName, d.Expire, d.ExpireText, d.Price, d.RealPrice }).ToList(),
                Refunds = db.Refunds.Where(r => r.OrderId == o.Id).OrderBy(r => r.Id).Select(r => new
                {
                    r.Status, r.Amount, r.Credit, r.Reason, r.OperatorNote, r.CreatedAt, r.RefundedAt, Courses = r.Lines.OrderBy(l => l.Id).Select(l => l.CourseId).ToList(),
                }).ToList(),
            })
            .ToListAsync();
        var cancelAfter = options.Value.CancelAfter;
        var now = clock.GetUtcNow().UtcDateTime;
        return rows.Select(o =>
        {
            // A line is held by the one refund of it that was not refused (a refusal frees it): derived, not read per line.
            var holding = new Dictionary<int, RefundStatus>();
            foreach (var refund in o.Refunds.Where(r => r.Status != RefundStatus.Refused))
                foreach (var course in refund.Courses)
                    holding[course] = refund.Status;
            var deadline = refundOptions.Value.RequestDeadline(o.PayTime);
            return new OrderDto(
                o.OrderNumber, o.OrderTitle, (int)o.OrderStatus, OrderTexts.Status(o.OrderStatus), (int)o.PayType,
                o.TotalPrice.Yuan, o.RealPrice.Yuan, o.Credit, o.Coupon, o.CreatedAt, o.PayTime,
                o.OrderStatus == OrderStatus.Unpaid ? o.CreatedAt + cancelAfter : null,
                o.Lines.Select(l => holding.TryGetValue(l.CourseId, out var held)
                    ? new OrderCourseDto(l.CourseId, l.CourseImg, l.CourseName, l.DiscountName, l.Expire, l.ExpireText, l.Price.Yuan, l.RealPrice.Yuan,
                        (int)held, Refunds.RefundTexts.Status(held))
                    : new OrderCourseDto(l.CourseId, l.CourseImg, l.CourseName, l.DiscountName, l.Expire, l.ExpireText, l.Price.Yuan, l.RealPrice.Yuan)).ToList(),
                o.RefundedAmount.Yuan, o.RefundedCredit,
                o.OrderStatus is OrderStatus.Paid or OrderStatus.PartlyRefunded && now < deadline && o.Lines.Any(l => !holding.ContainsKey(l.CourseId)) ? deadline : null,
                o.Refunds.Select(r => new OrderRefundDto((int)r.Status, Refunds.RefundTexts.Status(r.Status), r.Amount.Yuan, r.Credit, r.Reason, r.OperatorNote,
                    r.CreatedAt, r.RefundedAt, r.Courses)).ToList());
        }).ToList();
    }

    public IQueryable<Order> OfUser(int userId) => db.Orders.Where(o => o.UserId == userId);
}
