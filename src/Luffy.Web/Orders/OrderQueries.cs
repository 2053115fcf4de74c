using Luffy.Domain.Orders;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Orders;

/// <summary>
/// Reads orders with their lines: one SQL query for any number of orders and lines.
/// <c>course_img</c> stays site-relative here: the tutorial's order pages put the host in front themselves.
/// </summary>
public sealed class OrderQueries(LuffyDbContext db, IOptions<OrderOptions> options)
{
    public async Task<IReadOnlyList<OrderDto>> ReadAsync(IQueryable<Order> orders)
    {
        var rows = await orders.AsNoTracking()
            .Select(o => new
            {
                o.OrderNumber, o.OrderTitle, o.OrderStatus, o.PayType, o.TotalPrice, o.RealPrice, o.Credit, o.Coupon, o.CreatedAt, o.PayTime,
                Lines = o.Details.OrderBy(d => d.Id).Select(d => new { d.CourseId, d.CourseImg, d.CourseName, d.DiscountName, d.Expire, d.ExpireText, d.Price, d.RealPrice }).ToList(),
            })
            .ToListAsync();
        var cancelAfter = options.Value.CancelAfter;
        return rows.Select(o => new OrderDto(
            o.OrderNumber, o.OrderTitle, (int)o.OrderStatus, OrderTexts.Status(o.OrderStatus), (int)o.PayType,
            o.TotalPrice.Yuan, o.RealPrice.Yuan, o.Credit, o.Coupon, o.CreatedAt, o.PayTime,
            o.OrderStatus == OrderStatus.Unpaid ? o.CreatedAt + cancelAfter : null,
            o.Lines.Select(l => new OrderCourseDto(l.CourseId, l.CourseImg, l.CourseName, l.DiscountName, l.Expire, l.ExpireText,
                l.Price.Yuan, l.RealPrice.Yuan)).ToList())).ToList();
    }

    public IQueryable<Order> OfUser(int userId) => db.Orders.Where(o => o.UserId == userId);
}
