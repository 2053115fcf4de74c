using System.Data.Common;
using Luffy.Infrastructure.Catalog;
using Luffy.Infrastructure.Data;
using Luffy.Infrastructure.Redis;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Luffy.Web.Tests;

public sealed class CatalogCacheTestsOnSqlite(SqliteGarnetApp app) : CatalogCacheTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class CatalogCacheTestsOnPostgres(PostgresRedisApp app) : CatalogCacheTests(app), IClassFixture<PostgresRedisApp>;

/// <summary>
/// The cart and the checkout list read courses from <see cref="CatalogCache"/>: every catalog change the app
/// commits shows at once, on this instance and on the others; order creation always prices from the database.
/// </summary>
public abstract class CatalogCacheTests(LuffyApp app)
{
    private async Task<(UserClient User, Course Course)> CartedAsync(decimal yuan = 100m)
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync(yuan);
        Assert.Equal(HttpStatusCode.OK, (await user.Http.PostAsJsonAsync("/cart/", new { course_id = course.Id })).StatusCode);
        return (user, course);
    }

    /// <summary>The checkout list's only line and the SQL commands it took.</summary>
    private static async Task<(JsonElement? Line, int Sql)> CheckoutAsync(UserClient user)
    {
        var response = await user.Http.GetAsync("/cart/order/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.JsonAsync()).EnumerateArray().ToList();
        return (lines.SingleOrDefault() is { ValueKind: JsonValueKind.Object } line ? line : null, response.SqlCommands());
    }

    private Task SetPriceBehindTheAppsBackAsync(Course course, decimal yuan) =>
        app.WithDbAsync(async db =>
        {
            // SQL by hand, not the back office: nothing tells the cache.
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"UPDATE ly_course SET price = {Money.FromYuan(yuan).Fen} WHERE id = {course.Id}";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        });

    [Fact]
    public async Task A_cached_course_is_read_without_sql()
    {
        var (user, course) = await CartedAsync(100m);
        app.Services.GetRequiredService<CatalogCache>().Clear();

        var first = await CheckoutAsync(user);
        var second = await CheckoutAsync(user);

        Assert.Equal(1, first.Sql);
        Assert.Equal(0, second.Sql);
        Assert.Equal(100.00m, second.Line!.Value.Decimal("real_price"));
        Assert.Equal(course.Id, second.Line.Value.GetProperty("course_id").GetInt32());
    }

    [Fact]
    public async Task Every_kind_of_back_office_catalog_write_shows_at_the_next_request()
    {
        var (user, course) = await CartedAsync(100m);
        Assert.Equal(100.00m, (await CheckoutAsync(user)).Line!.Value.Decimal("real_price"));
        var admin = app.Bearer(await app.AdminAsync());

        // The course's price.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/api/courses/{course.Id}", new { price = 90m })).StatusCode);
        Assert.Equal(90.00m, (await CheckoutAsync(user)).Line!.Value.Decimal("real_price"));

        // A price policy in an activity that runs now.
        var now = app.Clock.GetUtcNow();
        var activity = await (await admin.PostAsJsonAsync("/admin/api/activities", new { name = "缓存测试", start_time = now.AddHours(-1), end_time = now.AddDays(1) })).JsonAsync();
        var activityId = activity.GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"/admin/api/activities/{activityId}/courses", new { course_id = course.Id, discount_type = "限时折扣", sale = "*0.8" })).StatusCode);
        var discounted = (await CheckoutAsync(user)).Line!.Value;
        Assert.Equal(72.00m, discounted.Decimal("real_price"));
        Assert.Equal("限时折扣", discounted.GetProperty("discount_name").GetString());

        // Its formula, then the course off sale.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/api/activities/{activityId}/courses/{course.Id}", new { discount_type = "限时减免", sale = "-50" })).StatusCode);
        Assert.Equal(40.00m, (await CheckoutAsync(user)).Line!.Value.Decimal("real_price"));
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/api/courses/{course.Id}", new { is_on_sale = false })).StatusCode);
        Assert.Null((await CheckoutAsync(user)).Line);
    }

    [Fact]
    public async Task A_refused_back_office_write_keeps_the_cached_course()
    {
        var (user, course) = await CartedAsync(100m);
        await CheckoutAsync(user);

        var admin = app.Bearer(await app.AdminAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"/admin/api/courses/{course.Id}", new { price = -1m })).StatusCode);

        var after = await CheckoutAsync(user);
        Assert.Equal(0, after.Sql);
        Assert.Equal(100.00m, after.Line!.Value.Decimal("real_price"));
    }

    [Fact]
    public async Task An_order_is_priced_from_the_database_even_when_the_cache_is_behind()
    {
        var (user, course) = await CartedAsync(100m);
        await CheckoutAsync(user);

        await SetPriceBehindTheAppsBackAsync(course, 120m);

        // Within the entries' lifetime the list still shows the old price; the order charges the new one.
        Assert.Equal(100.00m, (await CheckoutAsync(user)).Line!.Value.Decimal("real_price"));
        var order = await user.OrderAsync();
        Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        Assert.Equal(120.00m, (await order.JsonAsync()).Decimal("real_price"));
    }

    [Fact]
    public async Task A_change_committed_here_empties_the_other_instances_caches()
    {
        var course = await app.CourseAsync(100m);
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>();
        var counter = app.Services.GetRequiredService<SqlCommandCounter>();
        var other = new CatalogCache(new CatalogCacheOptions());
        var sync = new CatalogCacheSync(other, redis, app.Services.GetRequiredService<RedisKeys>(), NullLogger<CatalogCacheSync>.Instance);
        await sync.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            Task<Dictionary<int, CourseOffer>> ReadAsync() => app.WithDbAsync(db => other.GetAsync(db, [course.Id], app.Clock.GetUtcNow().UtcDateTime));
            // Warm: the course's creation was announced too, and may reach the other cache after a first read.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            int commands;
            do
            {
                var scope = counter.BeginScope();
                Assert.Equal(Money.FromYuan(100m), (await ReadAsync())[course.Id].Price);
                commands = scope.Count;
            } while (commands > 0 && DateTime.UtcNow < deadline);
            Assert.Equal(0, commands);

            var admin = app.Bearer(await app.AdminAsync());
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/api/courses/{course.Id}", new { price = 80m })).StatusCode);

            // The notice travels through Redis: wait for it (bounded), the other instance then reads the new price.
            deadline = DateTime.UtcNow.AddSeconds(10);
            while ((await ReadAsync())[course.Id].Price != Money.FromYuan(80m) && DateTime.UtcNow < deadline)
                await Task.Delay(20, TestContext.Current.CancellationToken);
            Assert.Equal(Money.FromYuan(80m), (await ReadAsync())[course.Id].Price);
        }
        finally
        {
            await sync.StopAsync(CancellationToken.None);
        }
    }
}

/// <summary>Runs a test's action just before each read the app's EF Core sends.</summary>
public sealed class ReadHook : DbCommandInterceptor
{
    public volatile Action<DbCommand>? BeforeRead;

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        BeforeRead?.Invoke(command);
        return ValueTask.FromResult(result);
    }
}

/// <summary>An app in which a test can act while one of its reads is on its way.</summary>
public sealed class ReadHookApp : LuffyApp
{
    public ReadHook Hook { get; } = new();

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(Hook));
    }
}

public sealed class CatalogCacheRaceTests(ReadHookApp app) : IClassFixture<ReadHookApp>
{
    [Fact]
    public async Task What_a_read_saw_before_a_change_emptied_the_cache_is_not_kept()
    {
        var course = await app.CourseAsync(100m);
        var cache = new CatalogCache(new CatalogCacheOptions());
        var counter = app.Services.GetRequiredService<SqlCommandCounter>();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        Task<Dictionary<int, CourseOffer>> ReadAsync() => app.WithDbAsync(db => cache.GetAsync(db, [course.Id], now));

        // A change commits (and empties the cache) while the catalog query is on its way.
        app.Hook.BeforeRead = command => { if (command.CommandText.Contains("ly_course_expire", StringComparison.Ordinal)) cache.Clear(); };
        try
        {
            Assert.Equal(Money.FromYuan(100m), (await ReadAsync())[course.Id].Price);
        }
        finally
        {
            app.Hook.BeforeRead = null;
        }

        var scope = counter.BeginScope();
        await ReadAsync();
        Assert.Equal(1, scope.Count);   // read again: the overtaken answer was not stored
        scope = counter.BeginScope();
        await ReadAsync();
        Assert.Equal(0, scope.Count);   // this one was
    }
}
