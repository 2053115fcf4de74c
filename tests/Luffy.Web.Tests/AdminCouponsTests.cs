using System.Globalization;
using System.Net.Http.Headers;
using Luffy.Domain.Orders;
using Luffy.Web.Accounts;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Luffy.Web.Tests;

public sealed class AdminCouponsTestsOnSqlite(SqliteGarnetApp app) : AdminCouponsTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class AdminCouponsTestsOnPostgres(PostgresRedisApp app) : AdminCouponsTests(app), IClassFixture<PostgresRedisApp>;

/// <summary>Coupons from the back office to the checkout: scope, window, stock, per-user limit, hand-outs, counts, revocation, the claim centre.</summary>
public abstract class AdminCouponsTests(LuffyApp app)
{
    private DateTime Now => app.Clock.GetUtcNow().UtcDateTime;

    private static async Task<int> CreateAsync(HttpClient api, object coupon)
    {
        var created = await api.PostAsJsonAsync("/admin/api/coupons", coupon);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.JsonAsync()).GetProperty("id").GetInt32();
    }

    private static async Task<JsonElement> HandOutAsync(HttpClient api, int couponId, params string[] users)
    {
        var response = await api.PostAsJsonAsync($"/admin/api/coupons/{couponId}/issue", new { users });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private Task<int> CopyOfAsync(int couponId, int userId) =>
        app.WithDbAsync(db => db.UserCoupons.Where(u => u.CouponId == couponId && u.UserId == userId).Select(u => u.Id).SingleAsync());

    /// <summary>Accounts made in the database with a token each (registering fifty through the API would meet its limits).</summary>
    private async Task<List<HttpClient>> StudentsAsync(int count)
    {
        var users = await app.WithDbAsync(async db =>
        {
            var made = Enumerable.Range(0, count).Select(_ => new User { Username = app.UniqueName("c"), PasswordHash = "-", CreatedAt = Now }).ToList();
            db.Users.AddRange(made);
            await db.SaveChangesAsync();
            return made;
        });
        var tokens = app.Services.GetRequiredService<TokenService>();
        return users.Select(u =>
        {
            var client = app.Anonymous();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("jwt", tokens.Issue(u));
            return client;
        }).ToList();
    }

    [Fact]
    public async Task A_scoped_coupon_takes_its_deduction_from_the_in_scope_lines_only_and_meets_its_condition_with_them()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var student = await app.StudentAsync();
        var outside = await app.CourseAsync(100m);
        var inside = await app.CourseAsync(50m);
        var absent = await app.CourseAsync(30m);
        await student.CartAsync(0, outside, inside);

        var notInOrder = await CreateAsync(admin, new { name = "别的课", coupon_type = 1, sale = "-10", course_ids = new[] { absent.Id } });
        var tooSmall = await CreateAsync(admin, new { name = "满60", coupon_type = 1, sale = "-10", condition = 60, course_ids = new[] { inside.Id } });
        var half = await CreateAsync(admin, new { name = "半价", coupon_type = 0, sale = "*0.5", condition = 50, course_ids = new[] { inside.Id } });
        foreach (var id in new[] { notInOrder, tooSmall, half })
            await HandOutAsync(admin, id, student.Username);

        var refused = await student.OrderAsync(await CopyOfAsync(notInOrder, student.Id));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("没有适用", (await refused.JsonAsync()).GetProperty("message").GetString());
        // The order is ¥150, but the in-scope line only ¥50.
        refused = await student.OrderAsync(await CopyOfAsync(tooSmall, student.Id));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("适用课程的金额未满 60.00 元", (await refused.JsonAsync()).GetProperty("message").GetString());

        var placed = await student.OrderAsync(await CopyOfAsync(half, student.Id));
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var body = await placed.JsonAsync();
        Assert.Equal(150m, body.Decimal("total_price"));
        Assert.Equal(125m, body.Decimal("real_price"));   // 100 + 50 × 0.5
        var number = body.GetProperty("order").GetString();
        var lines = await app.WithDbAsync(db => db.OrderDetails.Where(d => db.Orders.Any(o => o.Id == d.OrderId && o.OrderNumber == number))
            .ToDictionaryAsync(d => d.CourseId, d => d.RealPrice));
        Assert.Equal(Money.FromYuan(100), lines[outside.Id]);
        Assert.Equal(Money.FromYuan(25), lines[inside.Id]);

        var counts = (await (await admin.GetAsync($"/admin/api/coupons/{half}")).JsonAsync()).GetProperty("counts");
        Assert.Equal(1, counts.GetProperty("issued").GetInt32());
        Assert.Equal(1, counts.GetProperty("held").GetInt32());
        Assert.Equal(0, counts.GetProperty("used").GetInt32());
        await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).ExecuteUpdateAsync(o => o.SetProperty(x => x.OrderStatus, OrderStatus.Paid)));
        counts = (await (await admin.GetAsync($"/admin/api/coupons/{half}")).JsonAsync()).GetProperty("counts");
        Assert.Equal((1, 0, 1), (counts.GetProperty("issued").GetInt32(), counts.GetProperty("held").GetInt32(), counts.GetProperty("used").GetInt32()));
    }

    [Fact]
    public async Task A_scoped_coupon_chosen_at_the_pay_url_reprices_the_in_scope_line_only_and_the_checkout_page_says_why_not()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var student = await app.StudentAsync();
        var outside = await app.CourseAsync(100m);
        var inside = await app.CourseAsync(60m);
        await student.CartAsync(0, outside, inside);
        var coupon = await CreateAsync(admin, new { name = "单课", coupon_type = 1, sale = "-20", course_ids = new[] { inside.Id } });
        var elsewhere = await CreateAsync(admin, new { name = "别处", coupon_type = 1, sale = "-20", course_ids = new[] { (await app.CourseAsync(10m)).Id } });
        await HandOutAsync(admin, coupon, student.Username);
        await HandOutAsync(admin, elsewhere, student.Username);

        var browser = await Browser.SignedInAsync(app, student.Username);
        var checkout = await browser.Http.GetStringAsync("/order");
        Assert.Contains("订单中没有适用该优惠券的课程", checkout);
        Assert.Contains("有1张可用", checkout);

        var number = (await (await student.OrderAsync()).JsonAsync()).GetProperty("order").GetString()!;
        var copy = await CopyOfAsync(coupon, student.Id);
        var paid = await student.Http.GetAsync($"/payments/alipay/url/?order_number={number}&coupon_id={copy}");
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var lines = await app.WithDbAsync(db => db.OrderDetails.Where(d => db.Orders.Any(o => o.Id == d.OrderId && o.OrderNumber == number))
            .ToDictionaryAsync(d => d.CourseId, d => d.RealPrice));
        Assert.Equal(Money.FromYuan(100), lines[outside.Id]);
        Assert.Equal(Money.FromYuan(40), lines[inside.Id]);
        Assert.Equal(Money.FromYuan(140), await app.WithDbAsync(db => db.Orders.Where(o => o.OrderNumber == number).Select(o => o.RealPrice).SingleAsync()));
    }

    [Fact]
    public async Task A_category_scope_reaches_the_courses_of_that_category()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var student = await app.StudentAsync();
        var outside = await app.CourseAsync(100m);
        var inside = await app.CourseAsync(40m);
        var categoryId = await app.WithDbAsync(async db =>
        {
            var category = new CourseCategory { Name = app.UniqueName("分类") };
            db.CourseCategories.Add(category);
            await db.SaveChangesAsync();
            await db.Courses.Where(c => c.Id == inside.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CategoryId, category.Id));
            return category.Id;
        });
        await student.CartAsync(0, outside, inside);
        var coupon = await CreateAsync(admin, new { name = "分类券", coupon_type = 1, sale = "-100", category_ids = new[] { categoryId } });
        await HandOutAsync(admin, coupon, student.Username);

        var body = await (await student.OrderAsync(await CopyOfAsync(coupon, student.Id))).JsonAsync();
        Assert.Equal(100m, body.Decimal("real_price"));   // −100 takes at most the ¥40 in scope
    }

    [Fact]
    public async Task A_fixed_window_decides_validity_and_a_revoked_copy_is_unusable()
    {
        var admin = app.Bearer(await app.AdminAsync());
        var student = await app.StudentAsync();
        await student.CartAsync(0, await app.CourseAsync(100m));
        var later = await CreateAsync(admin, new { name = "下周", coupon_type = 1, sale = "-10", start_time = Now.AddDays(7), end_time = Now.AddDays(8) });
        var current = await CreateAsync(admin, new { name = "本周", coupon_type = 1, sale = "-10", start_time = Now.AddDays(-1), end_time = Now.AddDays(1), timer = 1 });
        await HandOutAsync(admin, later, student.Username);
        await HandOutAsync(admin, current, student.Username);

        var refused = await student.OrderAsync(await CopyOfAsync(later, student.Id));
        Assert.Contains("尚未生效", (await refused.JsonAsync()).GetProperty("message").GetString());
        var list = await student.Http.GetFromJsonAsync<JsonElement>("/coupon/list/");
        var listed = Assert.Single(list.EnumerateArray());
        Assert.Equal(Now.AddDays(1), listed.GetProperty("end_time").GetDateTime(), TimeSpan.FromSeconds(1));

        var copy = await CopyOfAsync(current, student.Id);
        var revoked = await admin.PostAsJsonAsync($"/admin/api/coupons/{current}/revoke", new { user_coupon_ids = new[] { copy } });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        refused = await student.OrderAsync(copy);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("已收回", (await refused.JsonAsync()).GetProperty("message").GetString());
        Assert.Empty((await student.Http.GetFromJsonAsync<JsonElement>("/coupon/list/")).EnumerateArray());
        // Twice: nothing left to revoke.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/admin/api/coupons/{current}/revoke", new { user_coupon_ids = new[] { copy } })).StatusCode);

        var audit = await (await admin.GetAsync($"/admin/api/audit?entity=user_coupon&entity_id={copy}")).JsonAsync();
        Assert.Equal(["user_coupon.revoke", "user_coupon.issue"], audit.GetProperty("results").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Hand_out_reports_unknown_names_respects_the_limits_and_the_counts_follow_the_copies()
    {
        var api = app.Bearer(await app.AdminAsync());
        var (a, b, c) = (await app.StudentAsync(), await app.StudentAsync(), await app.StudentAsync());
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == b.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Mobile, "13800001111")));
        var coupon = await CreateAsync(api, new { name = "两张", coupon_type = 1, sale = "-5", total_stock = 2, per_user_limit = 1, timer = 3 });

        var result = await HandOutAsync(api, coupon, a.Username, "nobody-here", "13800001111", a.Username.ToUpperInvariant());
        Assert.Equal(2, result.GetProperty("issued").GetInt32());
        Assert.Equal(["nobody-here"], result.GetProperty("unknown").EnumerateArray().Select(e => e.GetString()));
        result = await HandOutAsync(api, coupon, a.Username, c.Username);
        Assert.Equal(0, result.GetProperty("issued").GetInt32());
        Assert.True(result.GetProperty("out_of_stock").GetBoolean());

        var toAll = await CreateAsync(api, new { name = "全员", coupon_type = 1, sale = "-1", total_stock = 3 });
        var all = await (await api.PostAsJsonAsync($"/admin/api/coupons/{toAll}/issue", new { all_users = true })).JsonAsync();
        Assert.Equal(3, all.GetProperty("issued").GetInt32());
        Assert.True(all.GetProperty("out_of_stock").GetBoolean());   // the fixture has more than three accounts
        Assert.Equal(3, await app.WithDbAsync(db => db.UserCoupons.CountAsync(u => u.CouponId == toAll)));
        var copies = await (await api.GetAsync($"/admin/api/coupons/{toAll}/copies")).JsonAsync();
        Assert.Equal(3, copies.GetProperty("count").GetInt32());

        var none = await api.PostAsJsonAsync($"/admin/api/coupons/{coupon}/issue", new { users = new[] { "nobody-here" } });
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsJsonAsync("/admin/api/coupons/999999/issue", new { users = new[] { a.Username } })).StatusCode);

        // b's copy expires (3 days), a's is revoked.
        await app.WithDbAsync(db => db.UserCoupons.Where(u => u.CouponId == coupon && u.UserId == b.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.StartTime, Now.AddDays(-4))));
        await api.PostAsJsonAsync($"/admin/api/coupons/{coupon}/revoke", new { user_coupon_ids = new[] { await CopyOfAsync(coupon, a.Id) } });
        var counts = (await (await api.GetAsync($"/admin/api/coupons/{coupon}")).JsonAsync()).GetProperty("counts");
        Assert.Equal((2, 0, 0, 1, 1), (counts.GetProperty("issued").GetInt32(), counts.GetProperty("held").GetInt32(),
            counts.GetProperty("used").GetInt32(), counts.GetProperty("expired").GetInt32(), counts.GetProperty("revoked").GetInt32()));
        var listed = await (await api.GetAsync("/admin/api/coupons")).JsonAsync();
        Assert.Contains(listed.GetProperty("results").EnumerateArray(), s => s.GetProperty("coupon").GetProperty("id").GetInt32() == coupon
            && s.GetProperty("counts").GetProperty("issued").GetInt32() == 2);
    }

    [Fact]
    public async Task Bad_input_is_a_400_with_a_message_and_changes_nothing()
    {
        var api = app.Bearer(await app.AdminAsync());
        var before = await app.WithDbAsync(db => db.Coupons.CountAsync());
        foreach (var bad in new object[]
        {
            new { name = "", coupon_type = 1, sale = "-5" },
            new { name = "x", coupon_type = 3, sale = "-5" },
            new { name = "x", coupon_type = 0, sale = "-5" },
            new { name = "x", coupon_type = 1, sale = "-5", condition = -1 },
            new { name = "x", coupon_type = 1, sale = "-5", start_time = Now },
            new { name = "x", coupon_type = 1, sale = "-5", start_time = Now, end_time = Now.AddDays(-1) },
            new { name = "x", coupon_type = 1, sale = "-5", start_time = DateTime.MinValue, end_time = Now },
            new { name = "x", coupon_type = 1, sale = "-5", course_ids = new[] { 999999 } },
            new { name = "x", coupon_type = 1, sale = "-5", category_ids = new[] { 999999 } },
            new { name = "x", coupon_type = 1, sale = "-5", total_stock = -1 },
            new { name = "x", coupon_type = 1, sale = "-5", per_user_limit = -1 },
        })
        {
            var response = await api.PostAsJsonAsync("/admin/api/coupons", bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.False(string.IsNullOrEmpty((await response.JsonAsync()).GetProperty("message").GetString()));
        }
        Assert.Equal(before, await app.WithDbAsync(db => db.Coupons.CountAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await api.PutAsJsonAsync("/admin/api/coupons/999999", new { name = "x", coupon_type = 1, sale = "-5" })).StatusCode);

        var id = await CreateAsync(api, new { name = "改", coupon_type = 1, sale = "-5" });
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PutAsJsonAsync($"/admin/api/coupons/{id}", new { name = "改", coupon_type = 1, sale = "*0.5" })).StatusCode);
        var updated = await api.PutAsJsonAsync($"/admin/api/coupons/{id}", new { name = "改过", coupon_type = 0, sale = "*0.5", is_published = true });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var audit = await (await api.GetAsync($"/admin/api/audit?entity=coupon&entity_id={id}")).JsonAsync();
        Assert.Equal(["coupon.update", "coupon.create"], audit.GetProperty("results").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_student_gets_403_on_the_coupon_admin_api()
    {
        var student = await app.StudentAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await student.Http.GetAsync("/admin/api/coupons")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await student.Http.PostAsJsonAsync("/admin/api/coupons", new { name = "x", coupon_type = 1, sale = "-5" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync("/admin/api/coupons")).StatusCode);
    }

    [Fact]
    public async Task Fifty_parallel_claims_on_a_stock_of_ten_give_exactly_ten()
    {
        var api = app.Bearer(await app.AdminAsync());
        var coupon = await CreateAsync(api, new { name = "抢券", coupon_type = 1, sale = "-5", total_stock = 10, per_user_limit = 1, is_published = true });
        var students = await StudentsAsync(50);

        var responses = await Task.WhenAll(students.Select(s => s.PostAsJsonAsync("/coupon/claim/", new { coupon_id = coupon })));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var refusals = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.All(refusals, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal("优惠券已被领完", (await refusals[0].JsonAsync()).GetProperty("message").GetString());
        Assert.Equal(10, await app.WithDbAsync(db => db.Coupons.Where(c => c.Id == coupon).Select(c => c.IssuedCount).SingleAsync()));
        Assert.Equal(10, await app.WithDbAsync(db => db.UserCoupons.CountAsync(u => u.CouponId == coupon)));
    }

    [Fact]
    public async Task Ten_parallel_claims_by_one_student_with_a_limit_of_one_give_exactly_one()
    {
        var api = app.Bearer(await app.AdminAsync());
        var coupon = await CreateAsync(api, new { name = "每人一张", coupon_type = 1, sale = "-5", per_user_limit = 1, is_published = true });
        var student = await app.StudentAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => student.Http.PostAsJsonAsync("/coupon/claim/", new { coupon_id = coupon })));

        var created = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(coupon, await app.WithDbAsync(db => db.UserCoupons.Where(u => u.UserId == student.Id).Select(u => u.CouponId).SingleAsync()));
        Assert.Contains("每人限领", (await responses.First(r => r != created).JsonAsync()).GetProperty("message").GetString());
        Assert.Equal(1, await app.WithDbAsync(db => db.Coupons.Where(c => c.Id == coupon).Select(c => c.IssuedCount).SingleAsync()));
    }

    [Fact]
    public async Task Claims_of_unknown_unpublished_and_ended_coupons_are_refused()
    {
        var api = app.Bearer(await app.AdminAsync());
        var student = await app.StudentAsync();
        var hidden = await CreateAsync(api, new { name = "未发布", coupon_type = 1, sale = "-5" });
        var ended = await CreateAsync(api, new { name = "已结束", coupon_type = 1, sale = "-5", is_published = true, start_time = Now.AddDays(-3), end_time = Now.AddDays(-1) });

        Assert.Equal(HttpStatusCode.NotFound, (await student.Http.PostAsJsonAsync("/coupon/claim/", new { coupon_id = 999999 })).StatusCode);
        var refused = await student.Http.PostAsJsonAsync("/coupon/claim/", new { coupon_id = hidden });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("不在领券中心", (await refused.JsonAsync()).GetProperty("message").GetString());
        refused = await student.Http.PostAsJsonAsync("/coupon/claim/", new { coupon_id = ended });
        Assert.Contains("领取时间", (await refused.JsonAsync()).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await student.Http.PostAsJsonAsync("/coupon/claim/", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().PostAsJsonAsync("/coupon/claim/", new { coupon_id = hidden })).StatusCode);
    }

    [Fact]
    public async Task The_claim_centre_page_lists_published_coupons_and_claims_through_its_form()
    {
        var api = app.Bearer(await app.AdminAsync());
        var name = app.UniqueName("领券");
        var coupon = await CreateAsync(api, new { name, coupon_type = 1, sale = "-8", total_stock = 5, per_user_limit = 1, is_published = true });
        var student = await app.StudentAsync();
        var browser = await Browser.SignedInAsync(app, student.Username);

        var page = await browser.Http.GetStringAsync("/coupon");
        Assert.Contains(name, page);
        Assert.Contains("剩余 5 张", page);

        var claimed = await browser.PostFormAsync("/coupon", "/web/coupon/claim", new() { ["coupon_id"] = coupon.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Redirect, claimed.StatusCode);
        Assert.Equal("/coupon?done=1", claimed.Headers.Location!.OriginalString);
        Assert.Equal(1, await app.WithDbAsync(db => db.UserCoupons.CountAsync(u => u.CouponId == coupon && u.UserId == student.Id)));

        var again = await browser.PostFormAsync("/coupon", "/web/coupon/claim", new() { ["coupon_id"] = coupon.ToString(CultureInfo.InvariantCulture) });
        Assert.Contains("error=", again.Headers.Location!.OriginalString);
        page = await browser.Http.GetStringAsync("/coupon");
        Assert.Contains("剩余 4 张", page);
        Assert.Contains("已领 1 张", page);

        var withoutToken = await browser.Http.PostAsync("/web/coupon/claim", new FormUrlEncodedContent(new Dictionary<string, string> { ["coupon_id"] = coupon.ToString(CultureInfo.InvariantCulture) }));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
    }
}

public sealed class AdminCouponPagesTests(SqliteGarnetApp app) : IClassFixture<SqliteGarnetApp>
{
    [Fact]
    public async Task An_operator_defines_hands_out_and_revokes_through_the_pages()
    {
        var admin = await Browser.SignedInAsync(app, (await app.AdminAsync()).Username);
        var student = await app.StudentAsync();
        var name = app.UniqueName("页面券");
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "create-coupon", ["Create.Name"] = name, ["Create.CouponType"] = "1", ["Create.Sale"] = "-3",
            ["Create.Condition"] = "0", ["Create.Timer"] = "7", ["Create.PerUserLimit"] = "1", ["Create.TotalStock"] = "5",
        };

        var bad = await admin.PostFormAsync("/admin/coupons", "/admin/coupons", new(fields) { ["Create.Sale"] = "*0.5" });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("减免优惠券的公式", await bad.Content.ReadAsStringAsync());
        var yearOne = await admin.PostFormAsync("/admin/coupons", "/admin/coupons",
            new(fields) { ["Create.StartTime"] = "0001-01-01T00:00", ["Create.EndTime"] = "2030-01-01T00:00" });
        Assert.Equal(HttpStatusCode.OK, yearOne.StatusCode);
        Assert.Contains("时间应在 2000 年至 2099 年之间", await yearOne.Content.ReadAsStringAsync());
        Assert.False(await app.WithDbAsync(db => db.Coupons.AnyAsync(c => c.Name == name)));

        var created = await admin.PostFormAsync("/admin/coupons", "/admin/coupons", fields);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var id = await app.WithDbAsync(db => db.Coupons.Where(c => c.Name == name).Select(c => c.Id).SingleAsync());
        Assert.StartsWith($"/admin/coupons/{id}?done=", created.Headers.Location!.PathAndQuery);

        var page = $"/admin/coupons/{id}";
        var handedOut = await admin.PostFormAsync(page, page, new() { ["_handler"] = "hand-out", ["HandOut.Users"] = $"{student.Username}\nnobody-here" });
        Assert.Equal(HttpStatusCode.Redirect, handedOut.StatusCode);
        var done = Uri.UnescapeDataString(handedOut.Headers.Location!.OriginalString);
        Assert.Contains("已发放 1 张", done);
        Assert.Contains("nobody-here", done);
        var copy = await app.WithDbAsync(db => db.UserCoupons.Where(u => u.CouponId == id).Select(u => u.Id).SingleAsync());

        var html = await admin.Http.GetStringAsync(page);
        Assert.Contains("<div class=\"figure\" id=\"count-issued\">1</div>", html);
        var revoked = await admin.PostFormAsync(page, page, new() { ["_handler"] = $"revoke-{copy}" });
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.NotNull(await app.WithDbAsync(db => db.UserCoupons.Where(u => u.Id == copy).Select(u => u.RevokedAt).SingleAsync()));
        Assert.Contains("<div class=\"figure\" id=\"count-revoked\">1</div>", await admin.Http.GetStringAsync(page));
        Assert.Contains(name, await admin.Http.GetStringAsync("/admin/coupons"));
        Assert.Contains("优惠券不存在", await admin.Http.GetStringAsync("/admin/coupons/999999"));
    }
}
