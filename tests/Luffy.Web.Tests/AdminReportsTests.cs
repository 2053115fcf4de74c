using System.Globalization;
using Luffy.Domain.Orders;
using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

public sealed class AdminReportsTestsOnSqlite(SqliteGarnetApp app) : AdminReportsTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class AdminReportsTestsOnPostgres(PostgresRedisApp app) : AdminReportsTests(app), IClassFixture<PostgresRedisApp>;

/// <summary>
/// The sales report on a known data set written straight into the database, in a week of its own long before the fake
/// clock's now (so no other test's orders fall in it): every figure of the API exact, the page's tables and charts.
/// </summary>
public abstract class AdminReportsTests(LuffyApp app)
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>A time on China's clock, <paramref name="day"/> days after the week's first day, in UTC.</summary>
    private static DateTime At(DateOnly first, int day, int hour, int minute = 0, int second = 0) =>
        DateTime.SpecifyKind(first.AddDays(day).ToDateTime(new TimeOnly(hour, minute, second)) - China, DateTimeKind.Utc);

    /// <summary>
    /// The data set, days counted from <paramref name="first"/> (China days; the window is days 0 to 6):
    /// <list type="bullet">
    /// <item>O1 paid day 0 at 23:59:59 (100; A 100).</item>
    /// <item>O2 placed day 0 23:55, paid day 1 at 00:00:00 (total 200, coupon, 100 credits = 10 yuan, cash 170; A 85, B 85).</item>
    /// <item>O3 paid day 1, partly refunded: line A 145 refunded on day 3 at 00:30 (145 and 50 credits back); C 145 kept
    /// (total 300, 100 credits, cash 290).</item>
    /// <item>O4 paid day 2 (50; C 50), its refund failed.</item>
    /// <item>O5 unpaid, O6 cancelled (placed day 2 at 00:00:00), O7 timed out, O8 a late payment refunded (never paid): placed only.</item>
    /// <item>O9 placed day 6 at 23:59, paid the day after the window: placed and paid, but not paid in the window.</item>
    /// <item>O10 placed the day before the window, paid day 0 at 00:00:01 (total 50, coupon, cash 40; B 40), refunded
    /// whole the day after the window.</item>
    /// </list>
    /// </summary>
    internal static async Task SeedAsync(LuffyApp app, DateOnly first)
    {
        var user = await app.StudentAsync();
        var a = await app.CourseAsync(100m);
        var b = await app.CourseAsync(100m);
        var c = await app.CourseAsync(150m);
        await app.WithDbAsync(async db =>
        {
            OrderDetail Line(Course course, decimal policy, decimal real) => new()
            {
                CourseId = course.Id, CourseName = course.Name, ExpireText = "永久有效", DiscountName = "",
                Price = Money.FromYuan(policy), PolicyPrice = Money.FromYuan(policy), RealPrice = Money.FromYuan(real),
            };
            Order Make(OrderStatus status, DateTime created, DateTime? paid, decimal total, decimal real, long credit = 0, int coupon = 0, params OrderDetail[] lines) => new()
            {
                OrderNumber = app.UniqueName("R"), UserId = user.Id, OrderTitle = "报表", OrderStatus = status, CreatedAt = created, PayTime = paid,
                TotalPrice = Money.FromYuan(total), RealPrice = Money.FromYuan(real), Credit = credit, Coupon = coupon, PayType = PayType.Alipay, Details = [.. lines],
            };
            var o1 = Make(OrderStatus.Paid, At(first, 0, 23, 50), At(first, 0, 23, 59, 59), 100, 100, lines: Line(a, 100, 100));
            var o2 = Make(OrderStatus.Paid, At(first, 0, 23, 55), At(first, 1, 0), 200, 170, credit: 100, coupon: 9001, lines: [Line(a, 100, 85), Line(b, 100, 85)]);
            var o3 = Make(OrderStatus.PartlyRefunded, At(first, 1, 10), At(first, 1, 10, 5), 300, 290, credit: 100, lines: [Line(a, 150, 145), Line(c, 150, 145)]);
            var o4 = Make(OrderStatus.Paid, At(first, 2, 9), At(first, 2, 9, 1), 50, 50, lines: Line(c, 50, 50));
            var o5 = Make(OrderStatus.Unpaid, At(first, 2, 11), null, 80, 80, lines: Line(a, 80, 80));
            var o6 = Make(OrderStatus.Cancelled, At(first, 2, 0), null, 80, 80, lines: Line(a, 80, 80));
            var o7 = Make(OrderStatus.TimedOut, At(first, 0, 9), null, 80, 80, lines: Line(b, 80, 80));
            var o8 = Make(OrderStatus.Refunded, At(first, 0, 10), null, 80, 80, lines: Line(b, 80, 80));
            var o9 = Make(OrderStatus.Paid, At(first, 6, 23, 59), At(first, 7, 0), 30, 30, lines: Line(b, 30, 30));
            var o10 = Make(OrderStatus.Refunded, At(first, -1, 23), At(first, 0, 0, 0, 1), 50, 40, coupon: 9002, lines: Line(b, 50, 40));
            db.Orders.AddRange(o1, o2, o3, o4, o5, o6, o7, o8, o9, o10);
            await db.SaveChangesAsync();

            Refund Back(Order order, RefundStatus status, decimal amount, long credit, DateTime? refundedAt) => new()
            {
                OrderId = order.Id, UserId = user.Id, RequestNo = app.UniqueName("RF"), Amount = Money.FromYuan(amount), Credit = credit,
                Status = status, Reason = "测试", CreatedAt = At(first, 0, 12), RefundedAt = refundedAt, WholeOrder = order == o10,
            };
            var r1 = Back(o3, RefundStatus.Succeeded, 145, 50, At(first, 3, 0, 30));
            var r2 = Back(o4, RefundStatus.Failed, 50, 0, null);
            var r3 = Back(o10, RefundStatus.Succeeded, 40, 0, At(first, 7, 0));
            db.Refunds.AddRange(r1, r2, r3);
            await db.SaveChangesAsync();
            o3.Details[0].RefundId = r1.Id;
            o4.Details[0].RefundId = r2.Id;
            o10.Details[0].RefundId = r3.Id;
            await db.SaveChangesAsync();
        });
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_report_adds_up_a_known_week_by_China_day()
    {
        var first = new DateOnly(2025, 6, 1);
        await SeedAsync(app, first);
        var api = app.Bearer(await app.AdminAsync());
        var response = await api.GetAsync($"/admin/api/reports?from={Day(first)}&to={Day(first.AddDays(6))}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.JsonAsync();
        Assert.Equal("2025-06-01", report.GetProperty("from").GetString());
        Assert.Equal("2025-06-07", report.GetProperty("to").GetString());

        var days = report.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(7, days.Count);
        (int Created, int CreatedPaid, int Paid, decimal Revenue, int Refunds, decimal Refunded, decimal Net)[] expected =
        [
            (4, 2, 2, 140m, 0, 0m, 140m),   // O1 (23:59:59), O10 (00:00:01); placed O1, O2, O7, O8
            (1, 1, 2, 460m, 0, 0m, 460m),   // O2 (00:00:00), O3
            (3, 1, 1, 50m, 0, 0m, 50m),     // O4; placed O4, O5, O6 (00:00:00)
            (0, 0, 0, 0m, 1, 145m, -145m),  // O3's refund at 00:30
            (0, 0, 0, 0m, 0, 0m, 0m),
            (0, 0, 0, 0m, 0, 0m, 0m),
            (1, 1, 0, 0m, 0, 0m, 0m),       // O9 placed at 23:59, paid the next day
        ];
        for (var i = 0; i < 7; i++)
        {
            var d = days[i];
            Assert.Equal(Day(first.AddDays(i)), d.GetProperty("day").GetString());
            Assert.Equal(expected[i], (d.GetProperty("orders_created").GetInt32(), d.GetProperty("created_and_paid").GetInt32(), d.GetProperty("paid_orders").GetInt32(),
                d.Decimal("revenue"), d.GetProperty("refunds").GetInt32(), d.Decimal("refunded"), d.Decimal("net")));
        }

        var totals = report.GetProperty("totals");
        Assert.Equal((5, 650m, 1, 145m, 505m), (totals.GetProperty("paid_orders").GetInt32(), totals.Decimal("revenue"), totals.GetProperty("refunds").GetInt32(), totals.Decimal("refunded"), totals.Decimal("net")));
        var conversion = report.GetProperty("conversion");
        Assert.Equal((9, 5, 0.5556m), (conversion.GetProperty("created").GetInt32(), conversion.GetProperty("paid").GetInt32(), conversion.Decimal("rate")));
        // O2: 200 − 170 − 10 (100 credits) = 20; O10: 50 − 40 = 10.
        var coupons = report.GetProperty("coupons");
        Assert.Equal((2, 30m), (coupons.GetProperty("orders").GetInt32(), coupons.Decimal("discount")));
        var credits = report.GetProperty("credits");
        Assert.Equal((2, 200L, 20m, 50L), (credits.GetProperty("orders").GetInt32(), credits.GetProperty("spent").GetInt64(), credits.Decimal("spent_value"), credits.GetProperty("refunded").GetInt64()));

        // C: 145 + 50 (a failed refund keeps the line); A: 100 + 85 (O3's line refunded); B: 85 (O10's line refunded after the window).
        var top = report.GetProperty("top_courses").EnumerateArray()
            .Select(c => (c.GetProperty("rank").GetInt32(), c.GetProperty("lines").GetInt32(), c.GetProperty("refunded_lines").GetInt32(), c.Decimal("revenue"))).ToList();
        Assert.Equal([(1, 2, 0, 195m), (2, 3, 1, 185m), (3, 2, 1, 85m)], top);
    }

    [Fact]
    public async Task The_page_shows_the_tables_and_the_charts_and_refuses_bad_dates()
    {
        var first = new DateOnly(2024, 3, 10);
        await SeedAsync(app, first);
        var admin = await Browser.SignedInAsync(app, (await app.AdminAsync()).Username);
        var page = await admin.Http.GetAsync($"/admin/reports?from={Day(first)}&to={Day(first.AddDays(6))}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("href=\"/admin/reports\"", html);
        Assert.Contains("id=\"report-summary\"", html);
        Assert.Contains("¥650.00", html);
        Assert.Contains("¥505.00", html);
        Assert.Contains("55.56%", html);
        Assert.Contains($"data-day=\"{Day(first.AddDays(3))}\"", html);
        Assert.Contains("¥-145.00", html);
        Assert.Contains("¥195.00", html);
        Assert.Equal(3, html.Split("<svg").Length - 1);
        Assert.Contains("id=\"chart-money\"", html);
        Assert.DoesNotContain("<?xml", html);

        var refused = await admin.Http.GetAsync("/admin/reports?from=2025-02-01&to=2025-01-01");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var text = await refused.Content.ReadAsStringAsync();
        Assert.Contains("结束日期不能早于开始日期", text);
        Assert.DoesNotContain("<svg", text);
        var unreadable = await admin.Http.GetAsync("/admin/reports?days=abc");
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);

        var recent = await admin.Http.GetAsync("/admin/reports");
        Assert.Equal(HttpStatusCode.OK, recent.StatusCode);
        Assert.Equal(30, ReportsWindowDays(await recent.Content.ReadAsStringAsync()));
    }

    private static int ReportsWindowDays(string html) => html.Split("data-day=\"").Length - 1;

    [Fact]
    public async Task The_default_is_the_last_30_China_days_and_bad_windows_are_400_with_a_message()
    {
        var api = app.Bearer(await app.AdminAsync());
        var report = await (await api.GetAsync("/admin/api/reports")).JsonAsync();
        var today = DateOnly.FromDateTime((app.Clock.GetUtcNow() + China).UtcDateTime);
        Assert.Equal(Day(today), report.GetProperty("to").GetString());
        Assert.Equal(Day(today.AddDays(-29)), report.GetProperty("from").GetString());
        Assert.Equal(30, report.GetProperty("days").GetArrayLength());
        var week = await (await api.GetAsync("/admin/api/reports?days=7")).JsonAsync();
        Assert.Equal(Day(today.AddDays(-6)), week.GetProperty("from").GetString());

        foreach (var (query, message) in new[]
        {
            ("days=0", "天数应为 1 到 366"),
            ("days=367", "天数应为 1 到 366"),
            ("from=2025-02-01&to=2025-01-01", "结束日期不能早于开始日期"),
            ("from=2024-01-01&to=2025-01-31", "报表最多跨 366 天"),
            ("from=2025-01-01", "开始日期和结束日期应同时给出"),
            ("days=7&from=2025-01-01&to=2025-01-02", "days 与 from/to 只能选一种"),
            ("from=0001-01-01&to=0001-01-02", "日期应在 2000-01-01 到 2099-12-31 之间"),
        })
        {
            var refused = await api.GetAsync("/admin/api/reports?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal(message, await refused.MessageAsync());
        }
        var unreadable = await api.GetAsync("/admin/api/reports?from=yesterday&to=today");
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.False(string.IsNullOrEmpty(await unreadable.MessageAsync()));

        var document = await app.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var responses = document.GetProperty("paths").GetProperty("/admin/api/reports").GetProperty("get").GetProperty("responses");
        Assert.True(responses.TryGetProperty("200", out _));
        Assert.True(responses.TryGetProperty("400", out _));
    }

    [Fact]
    public async Task Only_admins_get_the_report()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync("/admin/api/reports")).StatusCode);
        var student = await app.StudentAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await student.Http.GetAsync("/admin/api/reports")).StatusCode);
        var browser = await Browser.SignedInAsync(app, student.Username);
        var page = new HttpRequestMessage(HttpMethod.Get, "/admin/reports");
        page.Headers.Accept.ParseAdd("text/html");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.SendAsync(page)).StatusCode);
    }
}

public sealed class AdminReportsPaymentTestsOnSqlite(KestrelSqliteApp app) : AdminReportsPaymentTests(app), IClassFixture<KestrelSqliteApp>;

public sealed class AdminReportsPaymentTestsOnPostgres(KestrelPostgresApp app) : AdminReportsPaymentTests(app), IClassFixture<KestrelPostgresApp>;

/// <summary>The report over what the shop itself writes: a payment at the sandbox and an operator's refund of one of its lines.</summary>
public abstract class AdminReportsPaymentTests(LuffyApp app)
{
    [Fact]
    public async Task A_real_payment_and_a_refund_of_one_line_are_in_today_s_report()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var (a, b) = (await app.CourseAsync(100m), await app.CourseAsync(50m));
        // 150 − 5 (coupon) − 30 贝里 (¥3) = 142, spread over the lines by price.
        var (_, number) = await app.PaidOrderAsync([a, b], credit: 30, coupon: "-5");
        var lines = await app.WithDbAsync(db => db.OrderDetails.Where(d => db.Orders.Any(o => o.Id == d.OrderId && o.OrderNumber == number))
            .ToDictionaryAsync(d => d.CourseId, d => d.RealPrice.Yuan));
        var refund = await admin.PostAsJsonAsync($"/admin/api/orders/{number}/refunds", new { reason = "客服退款", courses = new[] { a.Id } });
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        var credit = (await refund.JsonAsync()).GetProperty("credit").GetInt64();

        var report = await (await admin.GetAsync("/admin/api/reports?days=1")).JsonAsync();
        var totals = report.GetProperty("totals");
        Assert.Equal((1, 142m, 1, lines[a.Id], 142m - lines[a.Id]),
            (totals.GetProperty("paid_orders").GetInt32(), totals.Decimal("revenue"), totals.GetProperty("refunds").GetInt32(), totals.Decimal("refunded"), totals.Decimal("net")));
        var conversion = report.GetProperty("conversion");
        Assert.Equal((1, 1, 1m), (conversion.GetProperty("created").GetInt32(), conversion.GetProperty("paid").GetInt32(), conversion.Decimal("rate")));
        var coupons = report.GetProperty("coupons");
        Assert.Equal((1, 5m), (coupons.GetProperty("orders").GetInt32(), coupons.Decimal("discount")));
        var credits = report.GetProperty("credits");
        Assert.Equal((1, 30L, 3m, credit), (credits.GetProperty("orders").GetInt32(), credits.GetProperty("spent").GetInt64(), credits.Decimal("spent_value"), credits.GetProperty("refunded").GetInt64()));
        var top = report.GetProperty("top_courses").EnumerateArray()
            .Select(c => (c.GetProperty("course_id").GetInt32(), c.GetProperty("lines").GetInt32(), c.GetProperty("refunded_lines").GetInt32(), c.Decimal("revenue"))).ToList();
        Assert.Equal([(b.Id, 1, 0, lines[b.Id]), (a.Id, 1, 1, 0m)], top);
    }
}
