using System.Globalization;
using System.Text.RegularExpressions;
using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

public sealed class AdminLearnersTestsOnSqlite(SqliteGarnetApp app) : AdminLearnersTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class AdminLearnersTestsOnPostgres(PostgresRedisApp app) : AdminLearnersTests(app), IClassFixture<PostgresRedisApp>;

/// <summary>The learners back office: find a user, read what they hold, adjust credits, give a course, disable the account.</summary>
public abstract class AdminLearnersTests(LuffyApp app)
{
    private static async Task<JsonElement> AuditAsync(HttpClient api, int userId) =>
        (await (await api.GetAsync($"/admin/api/audit?entity=user&entity_id={userId}")).JsonAsync()).GetProperty("results");

    [Fact]
    public async Task Search_finds_a_user_by_name_and_the_detail_shows_order_purchase_coupons_and_ledger()
    {
        var api = app.Bearer(await app.AdminAsync());
        var student = await app.StudentAsync();
        var course = await app.CourseAsync(100m);
        var gift = await app.CourseAsync(50m);
        var held = await app.CouponAsync(student.Id, "-3");
        var free = await app.CouponAsync(student.Id, "-5");
        var expired = await app.CouponAsync(student.Id, "-7", startedAgo: TimeSpan.FromDays(40));
        await student.CartAsync(0, course);
        var placed = await student.OrderAsync(coupon: held);
        Assert.True(placed.IsSuccessStatusCode, await placed.Content.ReadAsStringAsync());
        var number = (await placed.JsonAsync()).GetProperty("order_number").GetString();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/admin/api/users/{student.Id}/credits", new { delta = 80, reason = "活动奖励" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/admin/api/users/{student.Id}/courses", new { course_id = gift.Id, days = 0 })).StatusCode);

        var found = await (await api.GetAsync($"/admin/api/users?q={student.Username[..^2].ToUpperInvariant()}")).JsonAsync();
        var row = Assert.Single(found.GetProperty("results").EnumerateArray());
        Assert.Equal(student.Id, row.GetProperty("id").GetInt32());
        Assert.Equal(80, row.GetProperty("credit").GetInt64());
        Assert.Empty((await (await api.GetAsync("/admin/api/users?q=nobody-like-this")).JsonAsync()).GetProperty("results").EnumerateArray());
        var mobile = "139" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == student.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Mobile, mobile)));
        var byMobile = await (await api.GetAsync($"/admin/api/users?q={mobile[2..]}")).JsonAsync();
        Assert.Contains(byMobile.GetProperty("results").EnumerateArray(), u => u.GetProperty("id").GetInt32() == student.Id);

        var detail = await (await api.GetAsync($"/admin/api/users/{student.Id}")).JsonAsync();
        var order = Assert.Single(detail.GetProperty("orders").EnumerateArray());
        Assert.Equal(number, order.GetProperty("order_number").GetString());
        Assert.Equal("未支付", order.GetProperty("status").GetString());
        var purchase = Assert.Single(detail.GetProperty("courses").EnumerateArray());
        Assert.Equal(gift.Id, purchase.GetProperty("course_id").GetInt32());
        Assert.Equal("系统赠送", purchase.GetProperty("buy_type").GetString());
        Assert.Equal("永久", purchase.GetProperty("validity").GetString());
        var coupons = detail.GetProperty("coupons").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetInt32(), c => c.GetProperty("state").GetString());
        Assert.Equal("被订单占用", coupons[held]);
        Assert.Equal("可用", coupons[free]);
        Assert.Equal("已过期", coupons[expired]);
        var ledger = Assert.Single(detail.GetProperty("credits").EnumerateArray());
        Assert.Equal("活动奖励", ledger.GetProperty("reason").GetString());
        Assert.Equal(80, ledger.GetProperty("balance_after").GetInt64());

        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/admin/api/users/99999999")).StatusCode);
    }

    [Fact]
    public async Task Credits_are_adjusted_with_a_reason_and_never_go_below_zero()
    {
        var api = app.Bearer(await app.AdminAsync());
        var student = await app.StudentAsync();
        var url = $"/admin/api/users/{student.Id}/credits";

        var added = await api.PostAsJsonAsync(url, new { delta = 50, reason = "补偿" });
        Assert.Equal(50, (await added.JsonAsync()).GetProperty("credit").GetInt64());
        var tooMuch = await api.PostAsJsonAsync(url, new { delta = -51, reason = "扣回" });
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.StatusCode);
        Assert.Contains("不能小于 0", await tooMuch.MessageAsync());
        var noReason = await api.PostAsJsonAsync(url, new { delta = -5, reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("请填写调整原因", await noReason.MessageAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync(url, new { delta = 0, reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsJsonAsync("/admin/api/users/99999999/credits", new { delta = 1, reason = "x" })).StatusCode);

        var taken = await api.PostAsJsonAsync(url, new { delta = -20, reason = "扣回" });
        Assert.Equal(30, (await taken.JsonAsync()).GetProperty("credit").GetInt64());
        var entries = await app.WithDbAsync(db => db.CreditEntries.Where(c => c.UserId == student.Id).OrderBy(c => c.Id).ToListAsync());
        Assert.Equal([50L, -20L], entries.Select(e => e.Delta));
        Assert.Equal([50L, 30L], entries.Select(e => e.BalanceAfter));

        var audit = await AuditAsync(api, student.Id);
        Assert.Equal(2, audit.EnumerateArray().Count(e => e.GetProperty("action").GetString() == "user.credit"));
    }

    [Fact]
    public async Task Parallel_debits_never_take_the_balance_below_zero_and_the_ledger_sums_to_it()
    {
        var api = app.Bearer(await app.AdminAsync());
        var student = await app.StudentAsync();
        var url = $"/admin/api/users/{student.Id}/credits";
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync(url, new { delta = 100, reason = "初始" })).StatusCode);

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => api.PostAsJsonAsync(url, new { delta = -30, reason = "并发扣减" })));

        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        var (balance, entries) = await app.WithDbAsync(async db => (
            await db.Users.Where(u => u.Id == student.Id).Select(u => u.Credit).SingleAsync(),
            await db.CreditEntries.Where(c => c.UserId == student.Id).ToListAsync()));
        Assert.Equal(10, balance);
        Assert.Equal(balance, entries.Sum(e => e.Delta));
        Assert.All(entries, e => Assert.True(e.BalanceAfter >= 0));
        Assert.Equal(entries.Select(e => e.BalanceAfter).Order(), new long[] { 10, 40, 70, 100 });
    }

    [Fact]
    public async Task A_granted_course_shows_in_the_students_courses_and_extends_like_a_purchase()
    {
        var admin = await app.AdminAsync();
        var api = app.Bearer(admin);
        var student = await app.StudentAsync();
        var course = await app.CourseAsync();
        var url = $"/admin/api/users/{student.Id}/courses";

        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync(url, new { course_id = course.Id, days = -1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsJsonAsync(url, new { course_id = 99999999, days = 30 })).StatusCode);
        Assert.Empty((await (await student.Http.GetAsync("/users/courses/")).JsonAsync()).EnumerateArray());

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync(url, new { course_id = course.Id, days = 30 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync(url, new { course_id = course.Id, days = 10 })).StatusCode);
        var mine = Assert.Single((await (await student.Http.GetAsync("/users/courses/")).JsonAsync()).EnumerateArray());
        Assert.Equal(course.Id, mine.GetProperty("course_id").GetInt32());
        Assert.Equal(4, mine.GetProperty("buy_type").GetInt32());
        var outTime = mine.GetProperty("out_time").GetDateTime();
        Assert.InRange((outTime - app.Clock.GetUtcNow().UtcDateTime).TotalDays, 39.9, 40.1);

        var audit = await AuditAsync(api, student.Id);
        Assert.Equal(2, audit.EnumerateArray().Count(e => e.GetProperty("action").GetString() == "user.grant_course"));
    }

    [Fact]
    public async Task Parallel_grants_of_a_new_course_make_one_purchase_and_lose_no_days()
    {
        var api = app.Bearer(await app.AdminAsync());
        var student = await app.StudentAsync();
        var course = await app.CourseAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => api.PostAsJsonAsync($"/admin/api/users/{student.Id}/courses", new { course_id = course.Id, days = 10 })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var purchase = Assert.Single(await app.WithDbAsync(db => db.UserCourses.Where(u => u.UserId == student.Id).ToListAsync()));
        Assert.Equal(60, Math.Round((purchase.OutTime!.Value - app.Clock.GetUtcNow().UtcDateTime).TotalDays));
    }

    [Fact]
    public async Task A_disabled_account_loses_its_token_and_cannot_log_in_until_enabled()
    {
        var admin = await app.AdminAsync();
        var api = app.Bearer(admin);
        var student = await app.StudentAsync();
        Assert.Equal(HttpStatusCode.OK, (await student.Http.GetAsync("/users/courses/")).StatusCode);

        var disabled = await api.PostAsync($"/admin/api/users/{student.Id}/disable", null);
        Assert.True((await disabled.JsonAsync()).GetProperty("is_disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await student.Http.GetAsync("/users/courses/")).StatusCode);
        var login = await app.Anonymous().PostAsJsonAsync("/users/login/", new { username = student.Username, password = "secret123" });
        Assert.False(login.IsSuccessStatusCode);
        Assert.Contains("账号已停用", await login.Content.ReadAsStringAsync());

        var self = await api.PostAsync($"/admin/api/users/{admin.Id}/disable", null);
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Users.Where(u => u.Id == admin.Id).Select(u => u.IsDisabled).SingleAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/admin/api/users/99999999/disable", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/admin/api/users/{student.Id}/enable", null)).StatusCode);
        await app.LoginAgainAsync(student);
        Assert.Equal(HttpStatusCode.OK, (await student.Http.GetAsync("/users/courses/")).StatusCode);

        var actions = (await AuditAsync(api, student.Id)).EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("user.disable", actions);
        Assert.Contains("user.enable", actions);
    }

    [Fact]
    public async Task A_student_gets_403_from_the_api_and_the_pages()
    {
        var student = await app.StudentAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await student.Http.GetAsync("/admin/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await student.Http.PostAsJsonAsync($"/admin/api/users/{student.Id}/credits", new { delta = 1000, reason = "x" })).StatusCode);
        var browser = await Browser.SignedInAsync(app, student.Username);
        var page = new HttpRequestMessage(HttpMethod.Get, "/admin/users");
        page.Headers.Accept.ParseAdd("text/html");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.SendAsync(page)).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.Where(u => u.Id == student.Id).Select(u => u.Credit).SingleAsync()));
    }

    [Fact]
    public async Task An_operator_finds_a_user_and_adjusts_credits_through_the_pages()
    {
        var admin = await Browser.SignedInAsync(app, (await app.AdminAsync()).Username);
        var student = await app.StudentAsync();
        var list = await admin.Http.GetStringAsync($"/admin/users?q={student.Username}");
        Assert.Contains($"/admin/users/{student.Id}", list);

        var page = $"/admin/users/{student.Id}";
        var html = await admin.Http.GetStringAsync(page);
        var form = Regex.Match(html, "<form[^>]*id=\"adjust-credit\"[\\s\\S]*?</form>").Value;
        var names = Regex.Matches(form, "<input[^>]*name=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Where(n => !n.StartsWith("__", StringComparison.Ordinal) && n != "_handler").ToList();
        var delta = Assert.Single(names, n => n.EndsWith("Delta", StringComparison.Ordinal));
        var reason = Assert.Single(names, n => n.EndsWith("Reason", StringComparison.Ordinal));

        var refused = await admin.PostFormAsync(page, page, new() { ["_handler"] = "adjust-credit", [delta] = "-5", [reason] = "扣回" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("不能小于 0", await refused.Content.ReadAsStringAsync());

        var done = await admin.PostFormAsync(page, page, new() { ["_handler"] = "adjust-credit", [delta] = "25", [reason] = "页面补偿" });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.StartsWith($"{page}?done=", done.Headers.Location!.PathAndQuery);
        Assert.Equal(25, await app.WithDbAsync(db => db.Users.Where(u => u.Id == student.Id).Select(u => u.Credit).SingleAsync()));
        Assert.Contains("页面补偿", await admin.Http.GetStringAsync(page));
    }

    [Fact]
    public async Task An_operator_grants_a_course_and_disables_and_enables_through_the_pages()
    {
        var admin = await Browser.SignedInAsync(app, (await app.AdminAsync()).Username);
        var student = await app.StudentAsync();
        var course = await app.CourseAsync();
        var page = $"/admin/users/{student.Id}";
        var form = Regex.Match(await admin.Http.GetStringAsync(page), "<form[^>]*id=\"grant-course\"[\\s\\S]*?</form>").Value;
        var names = Regex.Matches(form, "<(?:input|select)[^>]*name=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Where(n => !n.StartsWith("__", StringComparison.Ordinal) && n != "_handler").ToList();
        var courseField = Assert.Single(names, n => n.EndsWith("CourseId", StringComparison.Ordinal));
        var daysField = Assert.Single(names, n => n.EndsWith("Days", StringComparison.Ordinal));
        Assert.Contains($"value=\"{course.Id}\"", form);

        var granted = await admin.PostFormAsync(page, page, new() { ["_handler"] = "grant-course", [courseField] = course.Id.ToString(CultureInfo.InvariantCulture), [daysField] = "0" });
        Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);
        var mine = Assert.Single((await (await student.Http.GetAsync("/users/courses/")).JsonAsync()).EnumerateArray());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("out_time").ValueKind);

        var disabled = await admin.PostFormAsync(page, page, new() { ["_handler"] = "toggle-user" });
        Assert.Equal(HttpStatusCode.Redirect, disabled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await student.Http.GetAsync("/users/courses/")).StatusCode);
        Assert.Contains("已停用", await admin.Http.GetStringAsync(page));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync(page, page, new() { ["_handler"] = "toggle-user" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await student.Http.GetAsync("/users/courses/")).StatusCode);
    }
}
