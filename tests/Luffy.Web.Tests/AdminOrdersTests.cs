using System.Globalization;
using System.Text;
using Luffy.Domain.Orders;
using Luffy.Infrastructure.Alipay;
using Luffy.Infrastructure.Data;
using Luffy.Web.Admin.Orders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

public sealed class AdminOrdersTestsOnSqlite(KestrelSqliteApp app) : AdminOrdersTests(app), IClassFixture<KestrelSqliteApp>;

public sealed class AdminOrdersTestsOnPostgres(KestrelPostgresApp app) : AdminOrdersTests(app), IClassFixture<KestrelPostgresApp>;

/// <summary>
/// The back office's orders: search, detail with the notifications of a real sandbox payment (the app on Kestrel, the
/// sandbox's notify POSTed back), the gateway's view, and the CSV export.
/// </summary>
public abstract class AdminOrdersTests(LuffyApp app)
{
    private static HttpRequestMessage Page(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }

    private async Task<(UserClient User, Course Course, string Number)> OrderAsync(UserClient? user = null)
    {
        user ??= await app.StudentAsync();
        var course = await app.CourseAsync(100m);
        await user.CartAsync(0, course);
        var created = await user.OrderAsync();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (user, course, (await created.JsonAsync()).GetProperty("order").GetString()!);
    }

    private Task PayAsync(UserClient user, string number) => app.PayAsync(user, number);

    private Task<Browser> SignedInAsync(string username) => Browser.SignedInOverHttpAsync(app, username);

    private static string[] Numbers(JsonElement list) =>
        list.GetProperty("results").EnumerateArray().Select(o => o.GetProperty("order_number").GetString()!).ToArray();

    [Fact]
    public async Task Orders_are_found_by_number_user_status_date_and_course_and_bad_filters_are_refused()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var (user, course, first) = await OrderAsync();
        var (_, other, second) = await OrderAsync(user);
        await PayAsync(user, first);
        var created = await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == first).Select(o => o.CreatedAt).SingleAsync());

        async Task<string[]> SearchAsync(string query)
        {
            var response = await admin.GetAsync("/admin/api/orders/?" + query);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return Numbers(await response.JsonAsync());
        }

        Assert.Equal([first], await SearchAsync($"number={first}"));
        Assert.Equal([second, first], await SearchAsync($"user={user.Username}"));
        Assert.Equal([first], await SearchAsync($"user={user.Username}&status=1"));
        Assert.Equal([second], await SearchAsync($"user={user.Username}&status=0"));
        Assert.Equal([first], await SearchAsync($"course={course.Id}"));
        Assert.Equal([second], await SearchAsync($"course={other.Id}"));
        var iso = (DateTime t) => Uri.EscapeDataString(t.ToString("O", CultureInfo.InvariantCulture));
        Assert.Contains(first, await SearchAsync($"user={user.Username}&from={iso(created.AddMinutes(-1))}&to={iso(created.AddMinutes(1))}"));
        Assert.Empty(await SearchAsync($"user={user.Username}&from={iso(created.AddDays(1))}"));
        Assert.Empty(await SearchAsync($"user={user.Username}&to={iso(created.AddDays(-1))}"));
        Assert.Empty(await SearchAsync("user=nobody-at-all"));

        foreach (var bad in new[] { "status=9", "from=2026-02-01&to=2026-01-01", "course=0", "page=0" })
        {
            var refused = await admin.GetAsync("/admin/api/orders/?" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.False(string.IsNullOrEmpty((await refused.JsonAsync()).GetProperty("message").GetString()));
        }
    }

    [Fact]
    public async Task The_detail_shows_lines_notifications_exceptions_and_the_gateways_view()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var (user, course, number) = await OrderAsync();
        var before = await admin.GetFromJsonAsync<JsonElement>($"/admin/api/orders/{number}/gateway");
        Assert.True(before.GetProperty("answered").GetBoolean());
        await PayAsync(user, number);

        var order = await admin.GetFromJsonAsync<JsonElement>($"/admin/api/orders/{number}");
        Assert.Equal("已支付", order.GetProperty("status_text").GetString());
        Assert.Equal(user.Username, order.GetProperty("username").GetString());
        var line = Assert.Single(order.GetProperty("lines").EnumerateArray());
        Assert.Equal(course.Name, line.GetProperty("course_name").GetString());
        Assert.Equal(100m, line.Decimal("price"));
        var notification = Assert.Single(order.GetProperty("notifications").EnumerateArray());
        Assert.True(notification.GetProperty("verified").GetBoolean());
        Assert.Equal("TRADE_SUCCESS", notification.GetProperty("trade_status").GetString());
        Assert.Equal(order.GetProperty("trade_no").GetString(), notification.GetProperty("trade_no").GetString());
        Assert.Empty(order.GetProperty("exceptions").EnumerateArray());

        var gateway = await admin.GetFromJsonAsync<JsonElement>($"/admin/api/orders/{number}/gateway");
        Assert.True(gateway.GetProperty("answered").GetBoolean());
        Assert.Equal("TRADE_SUCCESS", gateway.GetProperty("trade_status").GetString());
        Assert.Equal(order.GetProperty("trade_no").GetString(), gateway.GetProperty("trade_no").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/api/orders/000000/gateway")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/api/orders/000000")).StatusCode);

        var browser = await SignedInAsync((await app.AdminAsync()).Username);
        var page = await (await browser.Http.SendAsync(Page($"/admin/orders/{number}?gateway=1"))).Content.ReadAsStringAsync();
        Assert.Contains(course.Name, page);
        Assert.Contains("支付通知", page);
        Assert.Contains("TRADE_SUCCESS", page);
        Assert.Contains("id=\"order-gateway\"", page);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_gateway_that_cannot_be_asked_is_a_message_not_an_error(bool unreachable)
    {
        var (_, _, number) = await OrderAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var gateway = new HttpClient(new StubGateway(unreachable));
        var alipay = new AlipayClient(gateway, scope.ServiceProvider.GetRequiredService<AlipayMerchant>(), TimeProvider.System);
        var service = new OrdersAdmin(scope.ServiceProvider.GetRequiredService<LuffyDbContext>(), alipay, scope.ServiceProvider.GetRequiredService<Luffy.Web.Refunds.RefundService>(), NullLogger<OrdersAdmin>.Instance);

        var view = await service.GatewayAsync(number);

        Assert.NotNull(view);
        Assert.False(view.Answered);
        Assert.Equal("支付网关暂时无法查询，请稍后再试", view.Message);
    }

    /// <summary>A gateway that is down (the connection refused) or answers what is not Alipay's signed JSON.</summary>
    private sealed class StubGateway(bool unreachable) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            unreachable
                ? throw new HttpRequestException("Connection refused")
                : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>502 Bad Gateway</html>") });
    }

    [Fact]
    public async Task The_csv_export_has_a_bom_the_columns_and_the_filtered_rows_in_readable_chinese()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var (user, course, first) = await OrderAsync();
        var (_, other, second) = await OrderAsync(user);
        await PayAsync(user, first);

        var response = await admin.GetAsync($"/admin/api/orders/export.csv?user={user.Username}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("订单号,用户,状态,商品总额,实付,已退款,优惠券,贝里,下单时间,支付时间,课程", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{second},{user.Username},未支付,100.00,", lines[1]);
        Assert.EndsWith("," + other.Name, lines[1]);
        Assert.StartsWith($"{first},{user.Username},已支付,100.00,", lines[2]);
        Assert.EndsWith("," + course.Name, lines[2]);

        var paid = await admin.GetStringAsync($"/admin/api/orders/export.csv?user={user.Username}&status=1");
        Assert.Equal(2, paid.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

        var refused = await admin.GetAsync("/admin/api/orders/export.csv?status=7");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(string.IsNullOrEmpty((await refused.JsonAsync()).GetProperty("message").GetString()));

        // The page's link: the admin's cookie, China days.
        var browser = await SignedInAsync((await app.AdminAsync()).Username);
        var day = await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == first).Select(o => o.CreatedAt).SingleAsync());
        var chinaDay = day.AddHours(8).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var linked = await browser.Http.GetAsync($"/admin/orders/export.csv?user={user.Username}&from={chinaDay}&to={chinaDay}");
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.Equal(3, Encoding.UTF8.GetString(await linked.Content.ReadAsByteArrayAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task The_csv_is_one_query_and_joins_an_orders_course_names_in_line_order()
    {
        var user = await app.StudentAsync();
        var (a, b) = (await app.CourseAsync(10m), await app.CourseAsync(20m));
        await user.CartAsync(0, a, b);
        Assert.Equal(HttpStatusCode.Created, (await user.OrderAsync()).StatusCode);
        await OrderAsync(user);
        await OrderAsync(user);

        await using var scope = app.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<OrdersAdmin>();
        using var output = new MemoryStream();
        var commands = app.Services.GetRequiredService<SqlCommandCounter>().BeginScope();
        await service.WriteCsvAsync(new OrderFilter(null, user.Username, null, null, null, null), output, CancellationToken.None);

        Assert.Equal(1, commands.Count);
        var lines = Encoding.UTF8.GetString(output.ToArray()[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.EndsWith($",{a.Name}、{b.Name}", lines[3]);
    }

    [Fact]
    public async Task The_api_document_shows_the_orders_endpoints_and_the_csv()
    {
        var document = await app.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/admin/api/orders", "/admin/api/orders/{number}", "/admin/api/orders/{number}/gateway" })
            Assert.True(paths.TryGetProperty(path, out _), path);
        var export = paths.GetProperty("/admin/api/orders/export.csv").GetProperty("get").GetProperty("responses");
        Assert.True(export.GetProperty("200").GetProperty("content").TryGetProperty("text/csv", out _));
        Assert.True(export.TryGetProperty("400", out _));
    }

    [Fact]
    public async Task A_student_gets_403_from_the_api_the_export_and_the_pages()
    {
        var student = await app.StudentAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await student.Http.GetAsync("/admin/api/orders/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await student.Http.GetAsync("/admin/api/orders/export.csv")).StatusCode);
        var browser = await SignedInAsync(student.Username);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.SendAsync(Page("/admin/orders"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.GetAsync("/admin/orders/export.csv")).StatusCode);
    }

    [Fact]
    public async Task The_page_filters_with_a_get_form_and_shows_a_bad_filters_message()
    {
        var (user, _, number) = await OrderAsync();
        var browser = await SignedInAsync((await app.AdminAsync()).Username);
        var page = await browser.Http.SendAsync(Page($"/admin/orders?user={user.Username}"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"order-filters\"", html);
        Assert.Contains($"data-order=\"{number}\"", html);
        Assert.Contains($"/admin/orders/export.csv?user={user.Username}", html);
        Assert.Contains("订单", html);

        var refused = await (await browser.Http.SendAsync(Page("/admin/orders?from=2026-02-01&to=2026-01-01"))).Content.ReadAsStringAsync();
        Assert.Contains("结束时间不能早于开始时间", refused);
        Assert.DoesNotContain("/admin/orders/export.csv", refused);

        var unreadable = await browser.Http.SendAsync(Page("/admin/orders?status=abc&from=yesterday"));
        Assert.True((int)unreadable.StatusCode < 500, $"{unreadable.StatusCode}");
        var api = app.Bearer(await app.AdminAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/admin/api/orders/?from=yesterday")).StatusCode);
    }
}
