using Luffy.Domain.Orders;
using Luffy.Web.Orders;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Luffy.Web.Tests;

public sealed class OrdersTestsOnSqlite(SqliteGarnetApp app) : OrdersTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class OrdersTestsOnPostgres(PostgresRedisApp app) : OrdersTests(app), IClassFixture<PostgresRedisApp>;

public abstract class OrdersTests(LuffyApp app)
{
    /// <summary>Everything an order may change, to show that a refused one changed nothing.</summary>
    private async Task<string> StateAsync(UserClient user, int? coupon = null) =>
        await app.WithDbAsync(async db =>
        {
            var orders = await db.Orders.CountAsync(o => o.UserId == user.Id);
            var credit = await db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync();
            var ledger = await db.CreditEntries.CountAsync(e => e.UserId == user.Id);
            var held = coupon is null ? "-" : await db.UserCoupons.Where(u => u.Id == coupon).Select(u => $"{u.IsUse}/{u.OrderId}").SingleAsync();
            return $"orders={orders} credit={credit} ledger={ledger} coupon={held}";
        }) + " cart=" + await user.Http.GetStringAsync("/cart/");

    [Fact]
    public async Task Order_prices_lines_holds_coupon_debits_credits_and_empties_the_cart()
    {
        var user = await app.StudentAsync(credit: 500);
        var discounted = await app.CourseAsync(100m, ("限时折扣", "*0.8", 0));
        var plain = await app.CourseAsync(50m);
        var notChosen = await app.CourseAsync(30m);
        await user.CartAsync(0, discounted, plain, notChosen);
        await user.Http.PutAsJsonAsync("/cart/", new { course_id = notChosen.Id, selected = false });
        var coupon = await app.CouponAsync(user.Id, "*0.9", condition: 100);

        var response = await user.OrderAsync(coupon, credit: 100);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        var number = body.GetProperty("order").GetString()!;
        Assert.Equal(number, body.GetProperty("order_number").GetString());
        Assert.Equal(25, number.Length);
        Assert.Equal(130m, body.Decimal("total_price"));      // 80 + 50
        Assert.Equal(107m, body.Decimal("real_price"));       // 130 × 0.9 = 117, − 100 贝里 (¥10)
        Assert.Equal("下单成功", body.GetProperty("message").GetString());

        var order = await user.Http.GetFromJsonAsync<JsonElement>($"/orders/{number}/");
        Assert.Equal("未支付", order.GetProperty("order_status_text").GetString());
        var lines = order.GetProperty("order_courses").EnumerateArray().ToList();
        Assert.Equal(107m, lines.Sum(l => l.Decimal("real_price")));
        Assert.Equal(["限时折扣", "原价购买"], lines.Select(l => l.GetProperty("discount_name").GetString()));
        Assert.Equal([100m, 50m], lines.Select(l => l.Decimal("price")));

        await app.WithDbAsync(async db =>
        {
            var held = await db.UserCoupons.SingleAsync(u => u.Id == coupon);
            var saved = await db.Orders.SingleAsync(o => o.OrderNumber == number);
            Assert.True(held.IsUse);
            Assert.Equal(saved.Id, held.OrderId);
            Assert.Equal(400, await db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync());
            var entry = await db.CreditEntries.SingleAsync(e => e.UserId == user.Id);
            Assert.Equal((-100, 400, number), (entry.Delta, entry.BalanceAfter, entry.OrderNumber));
        });
        var cart = await user.Http.GetFromJsonAsync<JsonElement>("/cart/");
        Assert.Equal([notChosen.Id], cart.EnumerateArray().Select(l => l.GetProperty("course_id").GetInt32()));
    }

    [Fact]
    public async Task WeChat_pay_is_refused_until_it_exists()
    {
        var user = await app.StudentAsync();
        await user.CartAsync(0, await app.CourseAsync());
        var before = await StateAsync(user);
        var response = await user.OrderAsync(payType: 2);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("暂不支持微信支付", await response.MessageAsync());
        Assert.Equal(before, await StateAsync(user));
    }

    public enum Refusal
    {
        EmptySelection, OthersCoupon, UnknownCoupon, UsedCoupon, HeldCoupon, ExpiredCoupon, FutureCoupon, ConditionNotReached,
        NegativeCredit, FractionalCredit, CreditAboveBalance, CreditAboveMaximum, BadPayType,
    }

    public static TheoryData<Refusal> Refusals => new(Enum.GetValues<Refusal>());

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refused_order_is_400_with_a_message_and_changes_nothing(Refusal refusal)
    {
        var user = await app.StudentAsync(credit: 1000);
        var other = await app.StudentAsync();
        var course = await app.CourseAsync(50m);
        if (refusal != Refusal.EmptySelection)
            await user.CartAsync(0, course);
        int? coupon = refusal switch
        {
            Refusal.OthersCoupon => await app.CouponAsync(other.Id, "-10"),
            Refusal.UsedCoupon or Refusal.HeldCoupon => await app.CouponAsync(user.Id, "-10"),
            Refusal.ExpiredCoupon => await app.CouponAsync(user.Id, "-10", startedAgo: TimeSpan.FromDays(31)),
            Refusal.FutureCoupon => await app.CouponAsync(user.Id, "-10", startedAgo: TimeSpan.FromHours(-1)),
            Refusal.ConditionNotReached => await app.CouponAsync(user.Id, "-10", condition: 50.01m),
            Refusal.UnknownCoupon => 987654,
            _ => null,
        };
        if (refusal == Refusal.UsedCoupon)
            await app.WithDbAsync(db => db.UserCoupons.Where(u => u.Id == coupon).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsUse, true)));
        if (refusal == Refusal.HeldCoupon)
        {
            await user.OrderAsync(coupon!.Value);               // takes the course out of the cart and holds the coupon
            await user.CartAsync(90, course);
        }
        var before = await StateAsync(user, refusal == Refusal.UnknownCoupon ? null : coupon);

        var response = refusal switch
        {
            Refusal.NegativeCredit => await user.OrderAsync(credit: -1),
            Refusal.FractionalCredit => await user.Http.SendRawAsync(HttpMethod.Post, "/orders/", """{"pay_type":1,"coupon":0,"credit":1.5}"""),
            Refusal.CreditAboveBalance => await user.OrderAsync(credit: 1001),
            Refusal.CreditAboveMaximum => await user.OrderAsync(credit: 501),
            Refusal.BadPayType => await user.OrderAsync(payType: 3),
            _ => await user.OrderAsync(coupon ?? 0),
        };

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = await response.MessageAsync();
        Assert.False(string.IsNullOrWhiteSpace(message));
        switch (refusal)
        {
            case Refusal.OthersCoupon or Refusal.UnknownCoupon:
                Assert.Equal("优惠券不可用", message);
                break;
            case Refusal.HeldCoupon:
                Assert.Contains("未支付的订单", message);
                break;
            case Refusal.CreditAboveMaximum or Refusal.CreditAboveBalance:
                Assert.Contains("最多可使用 500 贝里", message);
                break;
        }
        Assert.Equal(before, await StateAsync(user, refusal == Refusal.UnknownCoupon ? null : coupon));
    }

    [Fact]
    public async Task Zero_yuan_order_is_paid_at_once_and_grants_the_courses()
    {
        var user = await app.StudentAsync();
        var free = await app.CourseAsync(80m, ("限时免费", "", 0));
        var forever = await app.CourseAsync(80m, ("限时免费", "", 0));
        await user.CartAsync(30, free);
        await user.CartAsync(0, forever);

        var response = await user.OrderAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(0m, body.Decimal("real_price"));
        Assert.Equal((int)OrderStatus.Paid, body.GetProperty("order_status").GetInt32());

        var now = app.Clock.GetUtcNow().UtcDateTime;
        var purchases = await app.WithDbAsync(db => db.UserCourses.Where(u => u.UserId == user.Id).ToDictionaryAsync(u => u.CourseId));
        Assert.Equal(BuyType.Free, purchases[free.Id].BuyType);
        Assert.Equal(now.AddDays(30), purchases[free.Id].OutTime);
        Assert.Null(purchases[forever.Id].OutTime);
        var order = await user.Http.GetFromJsonAsync<JsonElement>($"/orders/{body.GetProperty("order").GetString()}/");
        Assert.Equal("已支付", order.GetProperty("order_status_text").GetString());
    }

    [Fact]
    public async Task Full_reduction_coupon_makes_a_free_order()
    {
        var user = await app.StudentAsync();
        await user.CartAsync(0, await app.CourseAsync(8m));
        var coupon = await app.CouponAsync(user.Id, "-10");
        var body = await (await user.OrderAsync(coupon)).JsonAsync();
        Assert.Equal(0m, body.Decimal("real_price"));
        Assert.Equal((int)OrderStatus.Paid, body.GetProperty("order_status").GetInt32());
    }

    [Fact]
    public async Task Twenty_parallel_orders_naming_one_coupon_give_it_to_exactly_one()
    {
        var user = await app.StudentAsync();
        await user.CartAsync(0, await app.CourseAsync(100m), await app.CourseAsync(60m));
        var coupon = await app.CouponAsync(user.Id, "-10");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => user.OrderAsync(coupon)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        await app.WithDbAsync(async db =>
        {
            var orders = await db.Orders.Where(o => o.UserId == user.Id).ToListAsync();
            var order = Assert.Single(orders);
            Assert.Equal(order.Id, await db.UserCoupons.Where(u => u.Id == coupon).Select(u => u.OrderId).SingleAsync());
        });
    }

    [Fact]
    public async Task Parallel_orders_never_overspend_credits_and_the_ledger_matches()
    {
        var user = await app.StudentAsync(credit: 100);
        var courses = new List<Course>();
        for (var i = 0; i < 10; i++)
            courses.Add(await app.CourseAsync(10m));
        await user.CartAsync(0, [.. courses]);
        await app.WithDbAsync(db =>
        {
            db.CreditEntries.Add(new CreditEntry { UserId = user.Id, Delta = 100, BalanceAfter = 100, Reason = "测试", CreatedAt = DateTime.UtcNow });
            return db.SaveChangesAsync();
        });

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => user.OrderAsync(credit: 40)));

        var created = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        Assert.InRange(created, 1, 2);
        await app.WithDbAsync(async db =>
        {
            var balance = await db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync();
            Assert.True(balance >= 0);
            Assert.Equal(100 - 40 * created, balance);
            Assert.Equal(balance, await db.CreditEntries.Where(e => e.UserId == user.Id).SumAsync(e => e.Delta));
            Assert.Equal(40 * created, await db.Orders.Where(o => o.UserId == user.Id).SumAsync(o => o.Credit));
        });
    }

    [Fact]
    public async Task Idempotency_key_replays_the_first_answer_and_refuses_another_body()
    {
        var user = await app.StudentAsync(credit: 100);
        await user.CartAsync(0, await app.CourseAsync(60m));
        var key = Guid.NewGuid().ToString();

        var first = await user.OrderAsync(credit: 10, key: key);
        var second = await user.OrderAsync(credit: 10, key: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());

        var different = await user.OrderAsync(credit: 20, key: key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.Orders.CountAsync(o => o.UserId == user.Id)));
        Assert.Equal(90, await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync()));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_create_one_order()
    {
        var user = await app.StudentAsync();
        await user.CartAsync(0, await app.CourseAsync(60m));
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => user.OrderAsync(key: key)));
        Assert.Equal(1, await app.WithDbAsync(db => db.Orders.CountAsync(o => o.UserId == user.Id)));
        var bodies = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Content.ReadAsStringAsync()));
        Assert.NotEmpty(bodies);
        Assert.Single(bodies.Distinct());
    }

    [Fact]
    public async Task Another_users_order_and_orders_are_404()
    {
        var owner = await app.StudentAsync();
        var stranger = await app.StudentAsync();
        await owner.CartAsync(0, await app.CourseAsync());
        var number = (await (await owner.OrderAsync()).JsonAsync()).GetProperty("order").GetString();

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/orders/{number}/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/users/{owner.Id}/orders/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.PostAsync($"/orders/{number}/cancel/", null)).StatusCode);
        Assert.Equal(0, (await stranger.Http.GetFromJsonAsync<JsonElement>("/orders/")).GetProperty("count").GetInt32());
        Assert.Equal("未支付", (await owner.Http.GetFromJsonAsync<JsonElement>($"/orders/{number}/")).GetProperty("order_status_text").GetString());
    }

    [Fact]
    public async Task Tutorial_flow_create_read_and_list_with_its_field_names()
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync(99.5m);
        await user.CartAsync(90, course);

        var response = await user.Http.SendRawAsync(HttpMethod.Post, "/orders/", "{}");   // what the tutorial's Cart.vue posts
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        var order = await user.Http.GetFromJsonAsync<JsonElement>($"/orders/{created.GetProperty("order").GetString()}/");
        var mine = await user.Http.GetFromJsonAsync<JsonElement>($"/users/{user.Id}/orders/");

        Assert.Equal(user.Username, mine.GetProperty("username").GetString());
        var listed = mine.GetProperty("user_orders")[0];
        Assert.Equal(order.GetProperty("order_number").GetString(), listed.GetProperty("order_number").GetString());
        var line = listed.GetProperty("order_courses")[0];
        Assert.Equal(course.Name, line.GetProperty("course_name").GetString());
        Assert.Equal("3个月有效", line.GetProperty("expire_text").GetString());
        Assert.Equal(69.65m, line.Decimal("price"));
        Assert.Equal("/media/covers/test.svg", line.GetProperty("course_img").GetString()); // UserOrder.vue prepends the host
        foreach (var field in new[] { "order_status", "order_status_text", "total_price", "real_price", "credit", "coupon", "create_time", "pay_time" })
            Assert.True(order.TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task An_order_without_credits_does_not_read_the_balance()
    {
        var user = await app.StudentAsync(credit: 100);
        await user.CartAsync(0, await app.CourseAsync(100m), await app.CourseAsync(40m));
        var response = await user.OrderAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        // The courses, then the order and its lines: on PostgreSQL the lines go in one batch, SQLite's provider
        // writes them one by one (in process). No balance read: nothing is taken from it.
        Assert.Equal(app is PostgresRedisApp ? 3 : 4, response.SqlCommands());
        Assert.Equal(100, await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync()));
    }

    [Fact]
    public async Task Reading_orders_costs_the_same_sql_whatever_their_number()
    {
        async Task<(int Single, int Mine, int Page)> Measure(UserClient user)
        {
            var number = (await user.Http.GetFromJsonAsync<JsonElement>("/orders/?page=1")).GetProperty("results")[0].GetProperty("order_number").GetString();
            return ((await user.Http.GetAsync($"/orders/{number}/")).SqlCommands(),
                (await user.Http.GetAsync($"/users/{user.Id}/orders/")).SqlCommands(),
                (await user.Http.GetAsync("/orders/?page=1")).SqlCommands());
        }

        var small = await app.StudentAsync();
        await small.CartAsync(0, await app.CourseAsync());
        await small.OrderAsync();

        var large = await app.StudentAsync();
        for (var i = 0; i < 4; i++)
        {
            await large.CartAsync(0, await app.CourseAsync(), await app.CourseAsync(), await app.CourseAsync());
            Assert.Equal(HttpStatusCode.Created, (await large.OrderAsync()).StatusCode);
        }

        var expected = await Measure(small);
        Assert.Equal(expected, await Measure(large));
        Assert.Equal((1, 1, 2), expected);
    }

    [Fact]
    public async Task Orders_page_newest_first_and_filter_by_status()
    {
        var user = await app.StudentAsync();
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await user.CartAsync(0, await app.CourseAsync());
            numbers.Add((await (await user.OrderAsync()).JsonAsync()).GetProperty("order").GetString()!);
            app.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        await user.Http.PostAsync($"/orders/{numbers[0]}/cancel/", null);

        var page = await user.Http.GetFromJsonAsync<JsonElement>("/orders/?page=1&size=2");
        Assert.Equal(3, page.GetProperty("count").GetInt32());
        Assert.Equal([numbers[2], numbers[1]], page.GetProperty("results").EnumerateArray().Select(o => o.GetProperty("order_number").GetString()));
        var cancelled = await user.Http.GetFromJsonAsync<JsonElement>("/orders/?status=2");
        Assert.Equal([numbers[0]], cancelled.GetProperty("results").EnumerateArray().Select(o => o.GetProperty("order_number").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await user.Http.GetAsync("/orders/?status=9")).StatusCode);
    }

    [Fact]
    public async Task Cancel_releases_coupon_and_refunds_credits_once()
    {
        var user = await app.StudentAsync(credit: 300);
        await user.CartAsync(0, await app.CourseAsync(100m));
        var coupon = await app.CouponAsync(user.Id, "-10");
        var number = (await (await user.OrderAsync(coupon, credit: 200)).JsonAsync()).GetProperty("order").GetString();

        var cancel = await user.Http.PostAsync($"/orders/{number}/cancel/", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var again = await user.Http.PostAsync($"/orders/{number}/cancel/", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("已取消", await again.MessageAsync());

        await app.WithDbAsync(async db =>
        {
            Assert.Equal(OrderStatus.Cancelled, await db.Orders.Where(o => o.OrderNumber == number).Select(o => o.OrderStatus).SingleAsync());
            var held = await db.UserCoupons.SingleAsync(u => u.Id == coupon);
            Assert.False(held.IsUse);
            Assert.Null(held.OrderId);
            Assert.Equal(300, await db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync());
            var refund = await db.CreditEntries.Where(e => e.UserId == user.Id && e.Delta > 0).SingleAsync();
            Assert.Equal((200, 300, number), (refund.Delta, refund.BalanceAfter, refund.OrderNumber));
        });
        var coupons = await user.Http.GetFromJsonAsync<JsonElement>("/coupon/list/");
        Assert.Contains(coupon, coupons.EnumerateArray().Select(c => c.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task Paid_order_cannot_be_cancelled()
    {
        var user = await app.StudentAsync();
        await user.CartAsync(0, await app.CourseAsync(10m, ("限时免费", "", 0)));
        var number = (await (await user.OrderAsync()).JsonAsync()).GetProperty("order").GetString();
        var response = await user.Http.PostAsync($"/orders/{number}/cancel/", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("已支付", await response.MessageAsync());
    }

    [Fact]
    public async Task Two_auto_cancel_jobs_at_once_cancel_each_order_once_after_the_timeout()
    {
        var user = await app.StudentAsync(credit: 100);
        await user.CartAsync(0, await app.CourseAsync(100m));
        var coupon = await app.CouponAsync(user.Id, "-10", startedAgo: TimeSpan.FromDays(1));
        var number = (await (await user.OrderAsync(coupon, credit: 50)).JsonAsync()).GetProperty("order").GetString();
        var job = app.Services.GetRequiredService<AutoCancelJob>();
        var other = ActivatorUtilities.CreateInstance<AutoCancelJob>(app.Services);

        app.Clock.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(1));
        await Task.WhenAll(job.RunOnceAsync(), other.RunOnceAsync());
        Assert.Equal("未支付", (await user.Http.GetFromJsonAsync<JsonElement>($"/orders/{number}/")).GetProperty("order_status_text").GetString());

        // The hosted job wakes on the same fake clock: three passes and the hosted one race for the order.
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(job.RunOnceAsync(), other.RunOnceAsync(), job.RunOnceAsync());

        var order = await user.Http.GetFromJsonAsync<JsonElement>($"/orders/{number}/");
        Assert.Equal("超时取消", order.GetProperty("order_status_text").GetString());
        await app.WithDbAsync(async db =>
        {
            Assert.Equal(100, await db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync());
            Assert.Equal(1, await db.CreditEntries.CountAsync(e => e.UserId == user.Id && e.Delta > 0 && e.OrderNumber == number));
            Assert.False(await db.UserCoupons.Where(u => u.Id == coupon).Select(u => u.IsUse).SingleAsync());
        });
    }

    [Fact]
    public async Task Coupon_list_shows_only_the_callers_usable_coupons()
    {
        var user = await app.StudentAsync();
        var other = await app.StudentAsync();
        var usable = await app.CouponAsync(user.Id, "*0.9", condition: 100);
        await app.CouponAsync(user.Id, "-10", startedAgo: TimeSpan.FromDays(31));     // expired
        await app.CouponAsync(user.Id, "-10", startedAgo: TimeSpan.FromHours(-2));    // not started
        var used = await app.CouponAsync(user.Id, "-5");
        await app.WithDbAsync(db => db.UserCoupons.Where(u => u.Id == used).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsUse, true)));
        await app.CouponAsync(other.Id, "-20");

        var list = await user.Http.GetFromJsonAsync<JsonElement>("/coupon/list/");
        var coupon = Assert.Single(list.EnumerateArray());
        Assert.Equal(usable, coupon.GetProperty("id").GetInt32());
        Assert.Equal(100m, coupon.GetProperty("coupon").Decimal("condition"));
        Assert.Equal("*0.9", coupon.GetProperty("coupon").GetProperty("sale").GetString());
        var start = coupon.GetProperty("start_time").GetDateTime();
        Assert.Equal(start.AddDays(30), coupon.GetProperty("end_time").GetDateTime());
    }

    [Fact]
    public async Task Coupon_list_gives_the_type_as_coupon_type_and_as_type()
    {
        var user = await app.StudentAsync();
        var discount = await app.CouponAsync(user.Id, "*0.8");
        var reduction = await app.CouponAsync(user.Id, "-10");

        var list = await user.Http.GetFromJsonAsync<JsonElement>("/coupon/list/");
        var types = list.EnumerateArray().ToDictionary(c => c.GetProperty("id").GetInt32(), c => c.GetProperty("coupon"));
        Assert.Equal((0, 0), (types[discount].GetProperty("coupon_type").GetInt32(), types[discount].GetProperty("type").GetInt32()));
        Assert.Equal((1, 1), (types[reduction].GetProperty("coupon_type").GetInt32(), types[reduction].GetProperty("type").GetInt32()));
    }

    [Fact]
    public async Task Credit_statement_shows_balance_rate_and_history()
    {
        var user = await app.StudentAsync(credit: 100);
        await user.CartAsync(0, await app.CourseAsync(100m));
        var number = (await (await user.OrderAsync(credit: 30)).JsonAsync()).GetProperty("order").GetString();

        var statement = await user.Http.GetFromJsonAsync<JsonElement>("/users/credit/");
        Assert.Equal(70, statement.GetProperty("credit").GetInt64());
        Assert.Equal(10, statement.GetProperty("credits_per_yuan").GetInt32());
        var entry = Assert.Single(statement.GetProperty("history").EnumerateArray());
        Assert.Equal(-30, entry.GetProperty("delta").GetInt64());
        Assert.Equal(number, entry.GetProperty("order_number").GetString());
    }
}

/// <summary>An app whose SQL can be made to fail at a chosen step.</summary>
public sealed class FaultyApp : LuffyApp
{
    public FaultInjector Faults { get; } = new();

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(Faults));
    }
}

public sealed class OrderAtomicityTests(FaultyApp app) : IClassFixture<FaultyApp>
{
    [Theory]
    [InlineData("INSERT INTO \"ly_order\" (")]
    [InlineData("INSERT INTO \"ly_order_detail\"")]
    [InlineData("UPDATE \"ly_user_coupon\"")]
    [InlineData("UPDATE \"ly_user\" ")]
    [InlineData("INSERT INTO \"ly_credit_entry\"")]
    [InlineData("INSERT INTO \"ly_idempotency\"")]
    [InlineData(FaultInjector.Commit)]
    public async Task A_failure_at_any_step_leaves_no_order_and_takes_nothing(string step)
    {
        var user = await app.StudentAsync(credit: 100);
        var courses = new[] { await app.CourseAsync(100m), await app.CourseAsync(40m) };
        await user.CartAsync(0, courses);
        var coupon = await app.CouponAsync(user.Id, "-10");
        var cartBefore = await user.Http.GetStringAsync("/cart/");

        app.Faults.FailOn = step;
        HttpResponseMessage response;
        try
        {
            response = await user.OrderAsync(coupon, credit: 50, key: Guid.NewGuid().ToString());
        }
        finally
        {
            app.Faults.FailOn = null;
        }

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        await app.WithDbAsync(async db =>
        {
            Assert.False(await db.Orders.AnyAsync(o => o.UserId == user.Id));
            Assert.False(await db.OrderDetails.AnyAsync(d => courses.Select(c => c.Id).Contains(d.CourseId)));
            var held = await db.UserCoupons.SingleAsync(u => u.Id == coupon);
            Assert.False(held.IsUse);
            Assert.Null(held.OrderId);
            Assert.Equal(100, await db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync());
            Assert.False(await db.CreditEntries.AnyAsync(e => e.UserId == user.Id));
            Assert.False(await db.IdempotencyRecords.AnyAsync(r => r.UserId == user.Id));
        });
        Assert.Equal(cartBefore, await user.Http.GetStringAsync("/cart/"));

        // The same order goes through once the fault is gone.
        Assert.Equal(HttpStatusCode.Created, (await user.OrderAsync(coupon, credit: 50)).StatusCode);
    }

    [Fact]
    public async Task An_order_saves_twice_in_its_transaction_without_a_savepoint()
    {
        // Coupon, credits and an idempotency key: the order is saved, then the ledger row and the key, in one
        // transaction; a free order also grants its courses there. All or nothing, so no savepoint is made
        // (each costs two round trips and a PostgreSQL subtransaction).
        var user = await app.StudentAsync(credit: 100);
        var paid = await app.CourseAsync(100m);
        await user.CartAsync(0, paid);
        var coupon = await app.CouponAsync(user.Id, "-10");
        var before = app.Faults.Savepoints;
        Assert.Equal(HttpStatusCode.Created, (await user.OrderAsync(coupon, credit: 50, key: Guid.NewGuid().ToString())).StatusCode);

        var free = await app.CourseAsync(80m, ("限时免费", "", 0));
        await user.CartAsync(0, free);
        var response = await user.OrderAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal((int)OrderStatus.Paid, (await response.JsonAsync()).GetProperty("order_status").GetInt32());

        Assert.Equal(before, app.Faults.Savepoints);
        await app.WithDbAsync(async db =>
        {
            Assert.Equal(2, await db.Orders.CountAsync(o => o.UserId == user.Id));
            Assert.Equal(50, await db.Users.Where(u => u.Id == user.Id).Select(u => u.Credit).SingleAsync());
            Assert.True(await db.UserCourses.AnyAsync(u => u.UserId == user.Id && u.CourseId == free.Id));
        });
    }
}

/// <summary>An app whose order numbers collide: the first two tries give a number already taken.</summary>
public sealed class CollidingNumbersApp : LuffyApp
{
    public sealed class Source : OrderNumberSource
    {
        private int _calls;
        public override string Next(DateTime utcNow, int userId) =>
            Interlocked.Increment(ref _calls) <= 3 ? "2026120112000000000100001" : base.Next(utcNow, userId);
    }

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<OrderNumberSource>(new Source()));
    }
}

public sealed class OrderNumberCollisionTests(CollidingNumbersApp app) : IClassFixture<CollidingNumbersApp>
{
    [Fact]
    public async Task Taken_order_number_is_retried_with_a_new_one()
    {
        var first = await app.StudentAsync();
        await first.CartAsync(0, await app.CourseAsync());
        var taken = (await (await first.OrderAsync()).JsonAsync()).GetProperty("order").GetString();
        Assert.Equal("2026120112000000000100001", taken);

        var second = await app.StudentAsync();
        await second.CartAsync(0, await app.CourseAsync());
        var response = await second.OrderAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var number = (await response.JsonAsync()).GetProperty("order").GetString();
        Assert.NotEqual(taken, number);
        Assert.Equal(25, number!.Length);
    }
}
