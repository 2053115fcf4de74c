using Luffy.Infrastructure.Cart;
using Luffy.Infrastructure.Redis;
using Luffy.Infrastructure.Seeding;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Luffy.Web.Tests;

/// <summary>The embedded default as a user gets it: demo data seeded on first start.</summary>
public sealed class DemoApp : LuffyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        base.Settings().Concat([new("Luffy:SeedDemoData", "true")]);
}

public sealed class DemoDataTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task First_start_seeds_the_catalog_and_the_demo_accounts()
    {
        var client = app.Anonymous();
        var catalog = await client.GetFromJsonAsync<JsonElement>("/courses/?size=50");
        Assert.True(catalog.GetProperty("count").GetInt32() >= 12);
        var discounts = catalog.GetProperty("results").EnumerateArray().Select(c => c.GetProperty("discount_name").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "限时免费", "限时折扣", "限时减免", "满减" }, discounts);

        // 满减 has a tier that some option does not reach.
        var tiered = catalog.GetProperty("results").EnumerateArray().First(c => c.GetProperty("discount_name").GetString() == "满减");
        var detail = await client.GetFromJsonAsync<JsonElement>($"/courses/{tiered.GetProperty("id").GetInt32()}/");
        var names = detail.GetProperty("expire_list").EnumerateArray().Select(o => o.GetProperty("discount_name").GetString()).ToList();
        Assert.Contains("原价购买", names);
        Assert.Contains("满减", names);
        Assert.Equal([30, 90, 180, 0], detail.GetProperty("expire_list").EnumerateArray().Select(o => o.GetProperty("expire_time").GetInt32()));
        Assert.Contains(detail.GetProperty("chapter_list").EnumerateArray().SelectMany(c => c.GetProperty("lessons").EnumerateArray()), l => l.GetProperty("free_trail").GetBoolean());

        var cover = await client.GetAsync(new Uri(tiered.GetProperty("course_img").GetString()!).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, cover.StatusCode);
        Assert.Equal("image/svg+xml", cover.Content.Headers.ContentType?.MediaType);

        var login = await (await client.PostAsJsonAsync("/users/login/", new { username = DemoSeeder.StudentName, password = DemoSeeder.StudentPassword })).JsonAsync();
        Assert.Equal(500, login.GetProperty("credit").GetInt64());
        var studentId = login.GetProperty("id").GetInt32();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var coupons = await app.WithDbAsync(db => db.UserCoupons.Include(u => u.Coupon).Where(u => u.UserId == studentId).ToListAsync());
        Assert.Equal(3, coupons.Count);
        Assert.Contains(coupons, c => c.Coupon!.Sale == "*0.9");
        Assert.Contains(coupons, c => c.Coupon!.Sale == "-10" && c.Coupon.Condition == Money.FromYuan(100m));
        Assert.Contains(coupons, c => c.StartTime.AddDays(c.Coupon!.Timer) < now);
        Assert.Equal(500, await app.WithDbAsync(db => db.CreditEntries.Where(e => e.UserId == studentId).SumAsync(e => e.Delta)));

        var admin = await client.PostAsJsonAsync("/users/login/", new { username = DemoSeeder.AdminName, password = DemoSeeder.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Username == DemoSeeder.AdminName && u.IsAdmin)));
    }

    [Fact]
    public async Task Seeding_again_adds_nothing()
    {
        await app.Anonymous().GetAsync("/health");
        var courses = await app.WithDbAsync(db => db.Courses.CountAsync());
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.False(await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(Path.Combine(app.DataDirectory, "media")));
        Assert.Equal(courses, await app.WithDbAsync(db => db.Courses.CountAsync()));
    }
}

public sealed class HostTestsOnSqlite(SqliteGarnetApp app) : HostTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class HostTestsOnPostgres(PostgresRedisApp app) : HostTests(app), IClassFixture<PostgresRedisApp>;

public abstract class HostTests(LuffyApp app)
{
    [Fact]
    public async Task Health_reports_database_and_redis()
    {
        var response = await app.Anonymous().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_document_and_browsable_ui_are_served()
    {
        var client = app.Anonymous();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        // The generator writes paths without their trailing slash.
        Assert.Contains("/cart/order", paths);
        Assert.Contains("/users/login", paths);
        Assert.Contains("/courses/{id}", paths);
        var ui = await client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Theory]
    [InlineData("/orders", "post", "201,400,422")]
    [InlineData("/payments/alipay/url", "get", "200,400,404,409")]
    [InlineData("/payments/alipay/result", "get", "200,400,404,409")]
    [InlineData("/users/login", "post", "200,400,429")]
    [InlineData("/courses/{courseId}/lessons/{lessonId}", "get", "200,401,403,404")]
    public async Task The_api_document_shows_every_answer_of_an_endpoint(string path, string method, string statuses)
    {
        var document = await app.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var responses = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses")
            .EnumerateObject().Select(r => r.Name).Order().ToList();
        Assert.Equal(statuses.Split(',').Order().ToList(), responses);
    }

    [Fact]
    public async Task The_model_is_the_schema_the_migrations_make()
    {
        // A renamed column, key or index, or a changed column type, with no migration for it fails here.
        Assert.False(await app.WithDbAsync(db => Task.FromResult(db.Database.HasPendingModelChanges())));
    }

    [Fact]
    public async Task Unknown_route_is_404_with_a_message()
    {
        var response = await app.Anonymous().GetAsync("/no/such/thing/");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.MessageAsync()));
    }
}

public sealed class ProductionSettingsTests
{
    private sealed class BareProductionApp : WebApplicationFactory<Program>
    {
        public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "luffy-tests", Guid.NewGuid().ToString("N"));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Luffy:Mode", "Production");
            builder.UseSetting("Luffy:DataDirectory", DataDirectory);
        }
    }

    [Fact]
    public async Task Production_mode_without_settings_refuses_to_start_and_says_what_is_missing()
    {
        await using var app = new BareProductionApp();
        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("Database:Provider=Postgres", error.Message);
        Assert.Contains("Redis:Configuration", error.Message);
        Assert.Contains("Jwt:Key", error.Message);
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "luffy.db")));
    }
}

public sealed class LoginLimitSettingsTests
{
    private sealed class App(string setting, string value) : SqliteGarnetApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => base.Settings().Concat([new(setting, value)]);
    }

    [Theory]
    [InlineData("LoginThrottle:PerClient", "0")]
    [InlineData("LoginThrottle:PerUsername", "-1")]
    [InlineData("LoginThrottle:Window", "00:00:00.500")]
    public async Task A_login_limit_that_could_not_count_stops_the_start_with_a_sentence(string setting, string value)
    {
        await using var app = new App(setting, value);
        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains(setting, error.Message);
    }
}

public sealed class EmbeddedGarnetTests
{
    [Fact]
    public async Task Cart_survives_a_restart_of_the_embedded_server()
    {
        var directory = Path.Combine(Path.GetTempPath(), "luffy-tests", Guid.NewGuid().ToString("N"));
        var keys = new RedisKeys("luffy:");
        try
        {
            using (var garnet = new EmbeddedGarnet(directory, NullLoggerFactory.Instance))
            await using (var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ClientConfiguration))
            {
                var cart = new CartStore(redis, keys);
                await cart.AddAsync(7, 101, 90);
                await cart.AddAsync(7, 102, 0);
                await cart.SetSelectedAsync(7, 102, false);
            }

            using (var garnet = new EmbeddedGarnet(directory, NullLoggerFactory.Instance))
            await using (var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ClientConfiguration))
            {
                var items = await new CartStore(redis, keys).GetAsync(7);
                Assert.Equal([new CartItem(101, 90, true), new CartItem(102, 0, false)], items);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

public sealed class StorefrontFormTests(SqliteGarnetApp app) : IClassFixture<SqliteGarnetApp>
{
    [Fact]
    public async Task Storefront_forms_without_an_antiforgery_token_are_refused()
    {
        var course = await app.CourseAsync();
        var client = app.Anonymous();
        var username = app.UniqueName();
        await client.PostAsJsonAsync("/users/register/", new { username, password = "secret123" });

        var login = await client.PostAsync("/user/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = username, ["password"] = "secret123" }));
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        var add = await client.PostAsync("/web/cart/add", new FormUrlEncodedContent(new Dictionary<string, string> { ["course_id"] = course.Id.ToString() }));
        Assert.True(add.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, add.StatusCode.ToString());
    }

    [Fact]
    public async Task Pages_that_need_a_login_send_a_browser_to_the_login_page()
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var request = new HttpRequestMessage(HttpMethod.Get, "/my/orders");
        request.Headers.Accept.ParseAdd("text/html");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/user/login", response.Headers.Location!.PathAndQuery);
    }
}

public sealed class CheckoutFormTests(SqliteGarnetApp app) : IClassFixture<SqliteGarnetApp>
{
    private static string Field(string html, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, $"name=\"{name}\"[^>]*value=\"([^\"]*)\"");
        Assert.True(match.Success, $"no {name} in the page");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [Fact]
    public async Task Submitting_the_checkout_form_twice_places_one_order()
    {
        var browser = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var username = app.UniqueName();
        await browser.PostAsJsonAsync("/users/register/", new { username, password = "secret123" });
        var loginPage = await browser.GetStringAsync("/user/login");
        var login = await browser.PostAsync("/user/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Field(loginPage, "__RequestVerificationToken"), ["username"] = username, ["password"] = "secret123",
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var course = await app.CourseAsync(50m);
        var coursePage = await browser.GetStringAsync($"/course/{course.Id}");
        var added = await browser.PostAsync("/web/cart/add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Field(coursePage, "__RequestVerificationToken"), ["course_id"] = course.Id.ToString(), ["expire_time"] = "0",
        }));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);

        var checkout = await browser.GetStringAsync("/order");
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Field(checkout, "__RequestVerificationToken"),
            ["coupon"] = "0", ["credit"] = "0", ["idempotency_key"] = Field(checkout, "idempotency_key"),
        };
        var first = await browser.PostAsync("/web/orders/", new FormUrlEncodedContent(form));
        var second = await browser.PostAsync("/web/orders/", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Contains("/alipay-sandbox/gateway.do", first.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Contains("/alipay-sandbox/gateway.do", second.Headers.Location!.ToString());
        var userId = await app.WithDbAsync(db => db.Users.Where(u => u.Username == username).Select(u => u.Id).SingleAsync());
        Assert.Equal(1, await app.WithDbAsync(db => db.Orders.CountAsync(o => o.UserId == userId)));
    }
}

public sealed class DataProtectionTestsOnSqlite(SqliteGarnetApp app) : DataProtectionTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class DataProtectionTestsOnPostgres(PostgresRedisApp app) : DataProtectionTests(app), IClassFixture<PostgresRedisApp>;

/// <summary>The cookie and antiforgery keys are kept where every instance (and the next start) finds them.</summary>
public abstract class DataProtectionTests(LuffyApp app)
{
    [Fact]
    public async Task Keys_are_kept_in_the_data_directory_or_in_redis()
    {
        await app.Anonymous().GetStringAsync("/user/login");   // renders an antiforgery token: a key exists now
        var redis = app.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>();
        var keys = app.Services.GetRequiredService<Luffy.Infrastructure.Redis.RedisKeys>();
        var inRedis = await redis.GetDatabase().ListLengthAsync(keys.DataProtection);
        var onDisk = Directory.Exists(Path.Combine(app.DataDirectory, "dataprotection"))
            ? Directory.GetFiles(Path.Combine(app.DataDirectory, "dataprotection"), "*.xml").Length
            : 0;
        if (Environment.GetEnvironmentVariable("LUFFY_TEST_REDIS") is { Length: > 0 } && app is PostgresRedisApp)
            Assert.True(inRedis > 0 && onDisk == 0, $"redis {inRedis}, disk {onDisk}");
        else
            Assert.True(onDisk > 0 && inRedis == 0, $"redis {inRedis}, disk {onDisk}");
    }
}

/// <summary>The PostgreSQL settings the hot paths rely on (DatabaseRegistration.WithNpgsqlDefaults), seen from the server.</summary>
public sealed class PostgresConnectionTests(PostgresRedisApp app) : IClassFixture<PostgresRedisApp>
{
    private sealed record PlanCounts(long Generic, long Custom);

    [Fact]
    public async Task The_catalog_query_is_prepared_and_planned_once_per_connection()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable("LUFFY_TEST_POSTGRES") is not { Length: > 0 }, "LUFFY_TEST_POSTGRES is not set");
        var course = await app.CourseAsync(policy: ("限时折扣", "*0.8", 0));
        var plans = await app.WithDbAsync(async db =>
        {
            // One physical connection for the whole loop: prepared statements belong to a session.
            await db.Database.OpenConnectionAsync();
            for (var i = 0; i < 12; i++)
                Assert.Single(await Luffy.Infrastructure.Catalog.CourseOffers.LoadAsync(db, [course.Id], app.Clock.GetUtcNow().UtcDateTime));
            return await db.Database.SqlQueryRaw<PlanCounts>(
                "SELECT generic_plans AS \"Generic\", custom_plans AS \"Custom\" FROM pg_prepared_statements WHERE statement LIKE '%ly_course_expire%'").ToListAsync();
        });
        // Prepared after a few runs (auto-prepare), then always the one generic plan: no planning per execution.
        var plan = Assert.Single(plans);
        Assert.Equal(0, plan.Custom);
        Assert.True(plan.Generic >= 5, $"generic plans used: {plan.Generic}");
    }
}
