using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

public sealed class AdminPromotionsTestsOnSqlite(SqliteGarnetApp app) : AdminPromotionsTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class AdminPromotionsTestsOnPostgres(PostgresRedisApp app) : AdminPromotionsTests(app), IClassFixture<PostgresRedisApp>;

/// <summary>Promotions in the back office: activities and their courses' discounts change the storefront's prices at once.</summary>
public abstract class AdminPromotionsTests(LuffyApp app)
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private static async Task<int> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetInt32();
    }

    // Times as an operator in China sends them: ISO with the +08:00 offset.
    private static Task<HttpResponseMessage> CreateActivityAsync(HttpClient api, string name, DateTimeOffset start, DateTimeOffset end) =>
        api.PostAsJsonAsync("/admin/api/activities", new { name, start_time = start.ToOffset(China), end_time = end.ToOffset(China) });

    private async Task<int> ActivityAsync(HttpClient api, TimeSpan from, TimeSpan to) =>
        await CreatedIdAsync(await CreateActivityAsync(api, app.UniqueName("活动"), Now + from, Now + to));

    private static Task<HttpResponseMessage> AddCourseAsync(HttpClient api, int activity, int course, string type, string sale, decimal condition = 0) =>
        api.PostAsJsonAsync($"/admin/api/activities/{activity}/courses", new { course_id = course, discount_type = type, sale, condition });

    private async Task<List<(int ExpireTime, decimal Price, decimal RealPrice)>> StorefrontAsync(Course course) =>
        (await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{course.Id}/")).GetProperty("expire_list").EnumerateArray()
            .Select(o => (o.GetProperty("expire_time").GetInt32(), o.Decimal("price"), o.Decimal("real_price"))).ToList();

    private async Task<decimal> PermanentRealPriceAsync(Course course) =>
        (await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{course.Id}/")).Decimal("real_price");

    private static async Task<JsonElement> AuditAsync(HttpClient api, string entity, int id) =>
        (await (await api.GetAsync($"/admin/api/audit?entity={entity}&entity_id={id}")).JsonAsync()).GetProperty("results");

    [Fact]
    public async Task A_discount_added_to_a_running_activity_reprices_the_storefront_and_the_checkout_at_once_and_is_audited()
    {
        var admin = await app.AdminAsync();
        var api = app.Bearer(admin);
        var course = await app.CourseAsync(200m);
        var student = await app.StudentAsync();
        await student.CartAsync(90, course);
        // The catalog cache now holds the course at its own prices.
        Assert.Equal(140m, Assert.Single((await (await student.Http.GetAsync("/cart/order/")).JsonAsync()).EnumerateArray()).Decimal("real_price"));
        Assert.Equal(200m, await PermanentRealPriceAsync(course));

        var activity = await ActivityAsync(api, TimeSpan.FromHours(-1), TimeSpan.FromDays(1));
        var policy = await CreatedIdAsync(await AddCourseAsync(api, activity, course.Id, "限时折扣", "*0.8"));

        Assert.Equal([(30, 80m, 64m), (90, 140m, 112m), (180, 170m, 136m), (0, 200m, 160m)], await StorefrontAsync(course));
        var line = Assert.Single((await (await student.Http.GetAsync("/cart/order/")).JsonAsync()).EnumerateArray());
        Assert.Equal(112m, line.Decimal("real_price"));
        Assert.Equal("限时折扣", line.GetProperty("discount_name").GetString());
        Assert.Equal(112m, Assert.Single((await student.Http.GetFromJsonAsync<JsonElement>("/cart/")).EnumerateArray()).Decimal("real_price"));

        var changed = await api.PutAsJsonAsync($"/admin/api/activities/{activity}/courses/{course.Id}", new { discount_type = "限时减免", sale = "-50" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(150m, await PermanentRealPriceAsync(course));
        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync($"/admin/api/activities/{activity}/courses/{course.Id}")).StatusCode);
        Assert.Equal(200m, await PermanentRealPriceAsync(course));

        var created = Assert.Single((await AuditAsync(api, "activity", activity)).EnumerateArray());
        Assert.Equal("activity.create", created.GetProperty("action").GetString());
        Assert.Equal(admin.Username, created.GetProperty("actor_name").GetString());
        var entries = (await AuditAsync(api, "price_policy", policy)).EnumerateArray().ToList();
        Assert.Equal(["price_policy.delete", "price_policy.update", "price_policy.create"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Contains("*0.8", entries[1].GetProperty("before").GetString());
        Assert.Contains("-50", entries[1].GetProperty("after").GetString());
        Assert.Equal(JsonValueKind.Null, entries[0].GetProperty("after").ValueKind);
    }

    [Fact]
    public async Task An_upcoming_activity_changes_the_price_only_from_its_start_and_deleting_it_ends_its_discount()
    {
        var api = app.Bearer(await app.AdminAsync());
        var course = await app.CourseAsync(100m);
        var activity = await ActivityAsync(api, TimeSpan.FromHours(2), TimeSpan.FromDays(1));
        await CreatedIdAsync(await AddCourseAsync(api, activity, course.Id, "限时免费", ""));

        Assert.Equal(100m, await PermanentRealPriceAsync(course));
        var upcoming = await api.GetFromJsonAsync<JsonElement>("/admin/api/activities?state=upcoming&size=100");
        Assert.Contains(upcoming.GetProperty("results").EnumerateArray(), a => a.GetProperty("id").GetInt32() == activity);

        app.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0m, await PermanentRealPriceAsync(course));
        var running = await api.GetFromJsonAsync<JsonElement>("/admin/api/activities?state=running&size=100");
        var listed = Assert.Single(running.GetProperty("results").EnumerateArray(), a => a.GetProperty("id").GetInt32() == activity);
        Assert.Equal(1, listed.GetProperty("courses").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync($"/admin/api/activities/{activity}")).StatusCode);
        Assert.Equal(100m, await PermanentRealPriceAsync(course));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/admin/api/activities/{activity}")).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.CoursePriceDiscounts.AnyAsync(p => p.ActivityId == activity)));
        Assert.True(await app.WithDbAsync(db => db.Courses.AnyAsync(c => c.Id == course.Id)));
        Assert.Equal("activity.delete", (await AuditAsync(api, "activity", activity))[0].GetProperty("action").GetString());
    }

    [Fact]
    public async Task Bad_input_is_refused_with_its_reason_and_changes_nothing()
    {
        var api = app.Bearer(await app.AdminAsync());
        var course = await app.CourseAsync(100m);
        var name = app.UniqueName("活动");

        var backwards = await CreateActivityAsync(api, name, Now + TimeSpan.FromDays(1), Now);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Equal("结束时间必须晚于开始时间", await backwards.MessageAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync("/admin/api/activities", new { start_time = Now, end_time = Now.AddDays(1) })).StatusCode);
        var ancient = await CreateActivityAsync(api, name, new DateTimeOffset(1, 1, 2, 0, 0, 0, TimeSpan.Zero), Now);
        Assert.Equal("时间应在 2000 年至 2099 年之间", await ancient.MessageAsync());
        Assert.False(await app.WithDbAsync(db => db.Activities.AnyAsync(a => a.Name == name)));

        var activity = await ActivityAsync(api, TimeSpan.FromHours(-1), TimeSpan.FromDays(1));
        var moved = await api.PutAsJsonAsync($"/admin/api/activities/{activity}", new { name = "改名", start_time = Now, end_time = Now });
        Assert.Equal("结束时间必须晚于开始时间", await moved.MessageAsync());

        (string Type, string Sale, decimal Condition, string Message)[] refused =
        [
            ("限时折扣", "*1.5", 0, "折扣公式 \"*1.5\" 无效：* 后应为 0 到 1 之间的折扣率，例如 *0.8"),
            ("满减", "满abc-10", 0, "满减公式 \"满abc-10\" 无效：应为 满金额-减免金额，例如 满100-10"),
            ("限时折扣", "-20", 0, "限时折扣的公式应为 * 加 0 到 1 之间的折扣率，例如 *0.8"),
            ("限时减免", "*0.8", 0, "限时减免的公式应为 - 加减免金额，例如 -20"),
            ("限时免费", "*0.5", 0, "限时免费的公式应留空"),
            ("满减", "", 0, "满减的公式应为一行或多行 满金额-减免金额，例如 满150-15"),
            ("买一送一", "", 0, "优惠类型应为 限时免费、限时折扣、限时减免 或 满减"),
            ("限时减免", "-20", -1, "价格条件应为 0 到 1000000 元之间的金额，最多两位小数"),
            ("限时减免", "-20", 0.001m, "价格条件应为 0 到 1000000 元之间的金额，最多两位小数"),
        ];
        foreach (var (type, sale, condition, message) in refused)
        {
            var response = await AddCourseAsync(api, activity, course.Id, type, sale, condition);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(message, await response.MessageAsync());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await AddCourseAsync(api, activity, int.MaxValue, "限时折扣", "*0.8")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AddCourseAsync(api, int.MaxValue, course.Id, "限时折扣", "*0.8")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PutAsJsonAsync($"/admin/api/activities/{activity}/courses/{course.Id}", new { discount_type = "限时折扣", sale = "*0.8" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/admin/api/activities/{int.MaxValue}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/admin/api/activities/{int.MaxValue}/preview")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/admin/api/activities?state=soon")).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.CoursePriceDiscounts.AnyAsync(p => p.ActivityId == activity)));
        Assert.Equal(100m, await PermanentRealPriceAsync(course));

        // A valid policy, then refused changes and a second one for the same course: the first stays as it was.
        await CreatedIdAsync(await AddCourseAsync(api, activity, course.Id, "满减", "满150-15\n满250-30"));
        Assert.Equal(HttpStatusCode.Conflict, (await AddCourseAsync(api, activity, course.Id, "限时折扣", "*0.5")).StatusCode);
        var mismatch = await api.PutAsJsonAsync($"/admin/api/activities/{activity}/courses/{course.Id}", new { discount_type = "满减", sale = "*0.5" });
        Assert.Equal("满减的公式应为一行或多行 满金额-减免金额，例如 满150-15", await mismatch.MessageAsync());
        var detail = await api.GetFromJsonAsync<JsonElement>($"/admin/api/activities/{activity}");
        var policy = Assert.Single(detail.GetProperty("policies").EnumerateArray());
        Assert.Equal("满150-15\n满250-30", policy.GetProperty("sale").GetString());
        Assert.NotEqual("改名", detail.GetProperty("activity").GetProperty("name").GetString());
        // Only the two writes that were accepted are in the log.
        Assert.Single((await AuditAsync(api, "activity", activity)).EnumerateArray());
        Assert.Single((await AuditAsync(api, "price_policy", policy.GetProperty("id").GetInt32())).EnumerateArray());
    }

    [Fact]
    public async Task The_preview_prices_every_option_and_shows_the_overlapping_activity_whose_lower_price_wins()
    {
        var api = app.Bearer(await app.AdminAsync());
        var course = await app.CourseAsync(200m);
        var activity = await ActivityAsync(api, TimeSpan.FromHours(-1), TimeSpan.FromDays(1));
        var other = await ActivityAsync(api, TimeSpan.FromHours(-2), TimeSpan.FromDays(2));
        await CreatedIdAsync(await AddCourseAsync(api, activity, course.Id, "限时折扣", "*0.8"));
        await CreatedIdAsync(await AddCourseAsync(api, other, course.Id, "满减", "满150-45"));

        var preview = await api.GetFromJsonAsync<JsonElement>($"/admin/api/activities/{activity}/preview");
        var rows = preview.GetProperty("rows").EnumerateArray().ToList();
        decimal? Own(JsonElement r) => r.GetProperty("activity_price").ValueKind == JsonValueKind.Null ? null : r.Decimal("activity_price");
        Assert.Equal(
        [
            (30, 80m, 64m, 64m, activity),      // 满150 not reached: this activity's 20 % off
            (90, 140m, 112m, 112m, activity),
            (180, 170m, 136m, 125m, other),     // 满150-45 is lower
            (0, 200m, 160m, 155m, other),
        ], rows.Select(r => (r.GetProperty("expire_time").GetInt32(), r.Decimal("price"), Own(r)!.Value, r.Decimal("real_price"), r.GetProperty("winner_id").GetInt32())));
        foreach (var row in rows)
            Assert.Equal(other, Assert.Single(row.GetProperty("overlaps").EnumerateArray()).GetProperty("activity_id").GetInt32());
        // The storefront charges what the preview says.
        Assert.Equal([(30, 80m, 64m), (90, 140m, 112m), (180, 170m, 125m), (0, 200m, 155m)], await StorefrontAsync(course));

        // Before both windows: the option prices, no overlap.
        var before = await api.GetFromJsonAsync<JsonElement>($"/admin/api/activities/{activity}/preview?at={(Now - TimeSpan.FromDays(1)).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        foreach (var row in before.GetProperty("rows").EnumerateArray())
        {
            Assert.Equal(row.Decimal("price"), row.Decimal("real_price"));
            Assert.Equal(JsonValueKind.Null, row.GetProperty("activity_price").ValueKind);
            Assert.Empty(row.GetProperty("overlaps").EnumerateArray());
        }
        // After this one ends, only the other is left.
        var later = await api.GetFromJsonAsync<JsonElement>($"/admin/api/activities/{activity}/preview?at={(Now + TimeSpan.FromDays(1.5)).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        Assert.Equal(155m, later.GetProperty("rows")[3].Decimal("real_price"));
    }

    [Fact]
    public async Task The_preview_reads_the_same_few_queries_for_one_course_or_many()
    {
        var api = app.Bearer(await app.AdminAsync());
        var small = await ActivityAsync(api, TimeSpan.FromHours(-1), TimeSpan.FromDays(1));
        var large = await ActivityAsync(api, TimeSpan.FromHours(-1), TimeSpan.FromDays(1));
        var other = await ActivityAsync(api, TimeSpan.FromHours(-1), TimeSpan.FromDays(1));
        await CreatedIdAsync(await AddCourseAsync(api, small, (await app.CourseAsync()).Id, "限时折扣", "*0.9"));
        for (var i = 0; i < 6; i++)
        {
            var course = await app.CourseAsync(50m + i);
            await CreatedIdAsync(await AddCourseAsync(api, large, course.Id, "限时减免", "-5"));
            await CreatedIdAsync(await AddCourseAsync(api, other, course.Id, "限时折扣", "*0.5"));
        }

        var one = await api.GetAsync($"/admin/api/activities/{small}/preview");
        var many = await api.GetAsync($"/admin/api/activities/{large}/preview");
        Assert.Equal(24, (await many.JsonAsync()).GetProperty("rows").GetArrayLength());
        Assert.Equal(one.SqlCommands(), many.SqlCommands());
        Assert.True(many.SqlCommands() <= 6, $"{many.SqlCommands()} SQL commands");
    }

    [Fact]
    public async Task A_student_gets_403_from_the_promotions_api_and_pages()
    {
        var student = await app.StudentAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await student.Http.GetAsync("/admin/api/activities")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await CreateActivityAsync(student.Http, "学生的活动", Now, Now.AddDays(1))).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Activities.AnyAsync(a => a.Name == "学生的活动")));
        var browser = await Browser.SignedInAsync(app, student.Username);
        var page = new HttpRequestMessage(HttpMethod.Get, "/admin/activities");
        page.Headers.Accept.ParseAdd("text/html");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.SendAsync(page)).StatusCode);
    }

    [Fact]
    public async Task The_pages_create_an_activity_in_china_time_add_a_course_refuse_a_bad_formula_and_preview_it()
    {
        var browser = await Browser.SignedInAsync(app, (await app.AdminAsync()).Username);
        var course = await app.CourseAsync(100m);
        var name = app.UniqueName("活动");
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "create-activity", ["Create.Name"] = name, ["Create.Start"] = "2026-12-01T12:00", ["Create.End"] = "2026-11-30T12:00",
        };

        fields["Create.End"] = "0001-01-01T00:00";
        var ancient = await browser.PostFormAsync("/admin/activities", "/admin/activities", fields);
        Assert.Equal(HttpStatusCode.OK, ancient.StatusCode);
        Assert.Contains("时间应在 2000 年至 2099 年之间", await ancient.Content.ReadAsStringAsync());
        fields["Create.End"] = "2026-11-30T12:00";
        var backwards = await browser.PostFormAsync("/admin/activities", "/admin/activities", fields);
        Assert.Equal(HttpStatusCode.OK, backwards.StatusCode);
        Assert.Contains("结束时间必须晚于开始时间", await backwards.Content.ReadAsStringAsync());
        Assert.False(await app.WithDbAsync(db => db.Activities.AnyAsync(a => a.Name == name)));

        fields["Create.End"] = "2026-12-31T12:00";
        var created = await browser.PostFormAsync("/admin/activities", "/admin/activities", fields);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var activity = await app.WithDbAsync(db => db.Activities.SingleAsync(a => a.Name == name));
        Assert.Equal(new DateTime(2026, 12, 1, 4, 0, 0, DateTimeKind.Utc), activity.StartTime);
        Assert.Equal(new DateTime(2026, 12, 31, 4, 0, 0, DateTimeKind.Utc), activity.EndTime);
        var url = $"/admin/activities/{activity.Id}";
        Assert.StartsWith(url + "?done=", created.Headers.Location!.PathAndQuery);

        var policy = new Dictionary<string, string>
        {
            ["_handler"] = "policy", ["Policy.CourseId"] = course.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Policy.DiscountType"] = "限时折扣", ["Policy.Sale"] = "*8",
        };
        var bad = await browser.PostFormAsync(url, url, policy);
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("折扣公式 &quot;*8&quot; 无效", await bad.Content.ReadAsStringAsync());
        Assert.False(await app.WithDbAsync(db => db.CoursePriceDiscounts.AnyAsync(p => p.ActivityId == activity.Id)));

        policy["Policy.Sale"] = "*0.5";
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync(url, url, policy)).StatusCode);
        Assert.Equal(50m, await PermanentRealPriceAsync(course));

        var preview = await browser.Http.GetStringAsync($"{url}/preview?at=2026-12-02T08:00");
        Assert.Contains(course.Name, preview);
        Assert.Contains("¥50.00", preview);
        Assert.Contains("value=\"2026-12-02T08:00\"", preview);
        Assert.Contains("时刻格式不正确", await browser.Http.GetStringAsync($"{url}/preview?at=0001-01-01T00:00"));
    }

    [Fact]
    public async Task The_activity_page_edits_and_removes_a_course_renames_the_activity_and_deletes_it()
    {
        var admin = await app.AdminAsync();
        var api = app.Bearer(admin);
        var browser = await Browser.SignedInAsync(app, admin.Username);
        var course = await app.CourseAsync(100m);
        var activity = await ActivityAsync(api, TimeSpan.FromHours(-1), TimeSpan.FromDays(1));
        await CreatedIdAsync(await AddCourseAsync(api, activity, course.Id, "限时折扣", "*0.8"));
        var url = $"/admin/activities/{activity}";

        var editing = $"{url}?course={course.Id}";
        Assert.Contains("修改课程", await browser.Http.GetStringAsync(editing));
        var edited = await browser.PostFormAsync(editing, editing, new() { ["_handler"] = "policy", ["Policy.DiscountType"] = "满减", ["Policy.Sale"] = "满50-30\r\n满90-45" });
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Equal(55m, await PermanentRealPriceAsync(course));

        var renamed = await browser.PostFormAsync(url, url, new()
        {
            ["_handler"] = "edit-activity", ["Edit.Name"] = "新名字", ["Edit.Start"] = "2026-12-01T08:00", ["Edit.End"] = "2026-12-03T08:00",
        });
        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        var saved = await app.WithDbAsync(db => db.Activities.SingleAsync(a => a.Id == activity));
        Assert.Equal(("新名字", new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc)), (saved.Name, saved.StartTime));

        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync(url, url, new() { ["_handler"] = $"remove-{course.Id}" })).StatusCode);
        Assert.Equal(100m, await PermanentRealPriceAsync(course));
        var deleted = await browser.PostFormAsync(url, url, new() { ["_handler"] = "delete-activity" });
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Activities.AnyAsync(a => a.Id == activity)));

        var gone = new HttpRequestMessage(HttpMethod.Get, url);
        gone.Headers.Accept.ParseAdd("text/html");
        var response = await browser.Http.SendAsync(gone);
        Assert.Contains("活动不存在", await response.Content.ReadAsStringAsync());
        var actions = (await AuditAsync(api, "activity", activity)).EnumerateArray().Select(e => e.GetProperty("action").GetString());
        Assert.Equal(["activity.delete", "activity.update", "activity.create"], actions);
    }

    [Theory]
    [InlineData("/admin/api/activities", "post", "201,400")]
    [InlineData("/admin/api/activities/{id}", "put", "200,400,404")]
    [InlineData("/admin/api/activities/{id}/courses", "post", "201,400,404,409")]
    [InlineData("/admin/api/activities/{id}/preview", "get", "200,404")]
    public async Task The_api_document_shows_the_promotions_endpoints_and_their_answers(string path, string method, string statuses)
    {
        var document = await app.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()));
        var responses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.All(statuses.Split(','), s => Assert.Contains(s, responses));
    }
}
