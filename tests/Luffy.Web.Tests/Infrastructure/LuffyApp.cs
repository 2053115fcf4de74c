using System.Net.Http.Headers;
using Luffy.Domain.Catalog;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Luffy.Web.Tests.Infrastructure;

/// <summary>
/// The app in-process over a real database and a real Redis: SQLite + embedded Garnet always,
/// PostgreSQL + redis-server when <c>LUFFY_TEST_POSTGRES</c> / <c>LUFFY_TEST_REDIS</c> name them.
/// Each instance has its own data directory, database and key prefix; the clock is fake.
/// </summary>
public abstract class LuffyApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly DateTimeOffset Epoch = new(2026, 12, 1, 4, 0, 0, TimeSpan.Zero);

    private int _sequence;

    /// <summary>Serve over Kestrel on a loopback port, so that the sandbox's notifications reach the app over real HTTP.</summary>
    protected virtual bool RealHttp => false;

    protected LuffyApp()
    {
        if (RealHttp)
            UseKestrel(0);
    }

    public FakeTimeProvider Clock { get; } = new(Epoch);

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "luffy-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Why this backend cannot run here, or null.</summary>
    public virtual string? Unavailable => null;

    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Luffy:DataDirectory", DataDirectory),
        new("Luffy:SeedDemoData", "false"),
        new("Luffy:SqlCountHeader", "true"),
        new("LoginThrottle:PerUsername", "1000"),
        new("LoginThrottle:PerClient", "100000"),
        new("Alipay:SandboxNotifyScheduleDivisor", "6000"),
        // The daily reconciliation would fetch a bill at the first tick (the fake clock is past its hour): tests run its passes themselves.
        new("Reconciliation:Enabled", "false"),
        // The refund job would join a test's refund when its fake clock jumps (and wait on it for gateway retries whose
        // back-off runs on that clock): tests run its passes themselves.
        new("Refunds:RetryJob", "false"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Settings())
            builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        builder.ConfigureLogging(logging => logging.AddProvider(new ErrorLogProvider()));
    }

    public virtual ValueTask InitializeAsync()
    {
        // The cover every test course points at.
        Directory.CreateDirectory(Path.Combine(DataDirectory, "media", "covers"));
        File.WriteAllText(Path.Combine(DataDirectory, "media", "covers", "test.svg"),
            """<svg xmlns="http://www.w3.org/2000/svg" width="350" height="230"><rect width="350" height="230" fill="#ffc210"/></svg>""");
        if (Unavailable is null && RealHttp)
            StartServer();
        else if (Unavailable is null)
            _ = Server; // starts the host: migrations run here
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        GC.SuppressFinalize(this);
    }

    private void RequireAvailable() => Assert.SkipWhen(Unavailable is not null, Unavailable ?? "");

    public HttpClient Anonymous()
    {
        RequireAvailable();
        return CreateClient();
    }

    public string UniqueName(string prefix = "u") => $"{prefix}{Interlocked.Increment(ref _sequence)}_{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Registers a fresh student and returns a client that sends its token as the tutorial does (<c>jwt …</c>).</summary>
    public async Task<UserClient> StudentAsync(long credit = 0)
    {
        var client = Anonymous();
        var username = UniqueName();
        var register = await client.PostAsJsonAsync("/users/register/", new { username, password = "secret123" });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var login = await (await client.PostAsJsonAsync("/users/login/", new { username, password = "secret123" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = login.GetProperty("id").GetInt32();
        if (credit > 0)
            await WithDbAsync(db => db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Credit, credit)));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("jwt", login.GetProperty("token").GetString());
        return new UserClient(client, id, username);
    }

    /// <summary>Logs the user in again: after the fake clock jumps ahead, the old token has expired as it would.</summary>
    public async Task LoginAgainAsync(UserClient user)
    {
        var login = await (await Anonymous().PostAsJsonAsync("/users/login/", new { username = user.Username, password = "secret123" })).Content.ReadFromJsonAsync<JsonElement>();
        user.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("jwt", login.GetProperty("token").GetString());
    }

    /// <summary>
    /// Changes the catalog in the database, then does what the back office's services do after their commit: empties
    /// the catalog cache (here and, through Redis, on every instance).
    /// </summary>
    public async Task ChangeCatalogAsync(Func<LuffyDbContext, Task> change)
    {
        await WithDbAsync(change);
        Services.GetRequiredService<Luffy.Infrastructure.Catalog.CatalogCache>().Changed();
    }

    public async Task WithDbAsync(Func<LuffyDbContext, Task> action)
    {
        RequireAvailable();
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<LuffyDbContext>());
    }

    public async Task<T> WithDbAsync<T>(Func<LuffyDbContext, Task<T>> action)
    {
        RequireAvailable();
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<LuffyDbContext>());
    }

    /// <summary>
    /// Adds a course priced <paramref name="yuan"/> (permanent) with 30/90/180-day options at 40/70/85 %,
    /// optionally under a policy <paramref name="policy"/> (type name, formula) active around the fake now.
    /// </summary>
    public Task<Course> CourseAsync(decimal yuan = 100m, (string Name, string Sale, decimal Condition)? policy = null, bool onSale = true) =>
        WithDbAsync(async db =>
        {
            var category = await db.CourseCategories.FirstOrDefaultAsync() ?? new CourseCategory { Name = "测试" };
            var price = Money.FromYuan(yuan);
            var course = new Course
            {
                Name = UniqueName("课程"),
                Category = category,
                CourseImg = "/media/covers/test.svg",
                Price = price,
                IsOnSale = onSale,
                CreatedAt = Clock.GetUtcNow().UtcDateTime,
                Expires = new[] { 30, 90, 180 }.Select((days, i) => new CourseExpire
                {
                    ExpireTime = days,
                    ExpireText = Validity.DefaultText(days),
                    Price = price.Times(new[] { 0.4m, 0.7m, 0.85m }[i]),
                }).ToList(),
                Chapters =
                [
                    new CourseChapter
                    {
                        Chapter = 1, Name = "第一章",
                        Lessons =
                        [
                            new CourseLesson { Lesson = 1, Name = "试看", FreeTrail = true },
                            new CourseLesson { Lesson = 2, Name = "正课" },
                        ],
                    },
                ],
            };
            if (policy is { } p)
            {
                var now = Clock.GetUtcNow().UtcDateTime;
                course.PriceDiscounts.Add(new CoursePriceDiscount
                {
                    Activity = new Activity { Name = "活动", StartTime = now.AddHours(-1), EndTime = now.AddDays(1) },
                    Discount = new Discount { DiscountType = new DiscountType { Name = p.Name }, Sale = p.Sale, Condition = Money.FromYuan(p.Condition) },
                });
            }
            db.Courses.Add(course);
            await db.SaveChangesAsync();
            return course;
        });
}

public sealed record UserClient(HttpClient Http, int Id, string Username);

public static class LuffyAppOrders
{
    /// <summary>Gives <paramref name="userId"/> a coupon; returns the user coupon id.</summary>
    public static Task<int> CouponAsync(this LuffyApp app, int userId, string sale, decimal condition = 0, TimeSpan? startedAgo = null, int timer = 30) =>
        app.WithDbAsync(async db =>
        {
            var coupon = new Coupon
            {
                Name = $"券 {sale}",
                CouponType = sale.StartsWith('*') ? Luffy.Domain.Coupons.CouponType.Discount : Luffy.Domain.Coupons.CouponType.Reduction,
                Sale = sale,
                Condition = Money.FromYuan(condition),
                Timer = timer,
            };
            var held = new UserCoupon { UserId = userId, Coupon = coupon, StartTime = app.Clock.GetUtcNow().UtcDateTime - (startedAgo ?? TimeSpan.FromHours(1)) };
            db.UserCoupons.Add(held);
            await db.SaveChangesAsync();
            return held.Id;
        });

    /// <summary>Puts the courses in the user's cart (selected), each with the given validity.</summary>
    public static async Task CartAsync(this UserClient user, int expireTime, params Course[] courses)
    {
        foreach (var course in courses)
        {
            var response = await user.Http.PostAsJsonAsync("/cart/", new { course_id = course.Id, expire_time = expireTime });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    public static Task<HttpResponseMessage> OrderAsync(this UserClient user, int coupon = 0, long credit = 0, int payType = 1, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders/") { Content = JsonContent.Create(new { pay_type = payType, coupon, credit }) };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return user.Http.SendAsync(request);
    }
}

/// <summary>SQLite in the data directory and the embedded Garnet server: the default, always run.</summary>
public class SqliteGarnetApp : LuffyApp;

public sealed class KestrelSqliteApp : SqliteGarnetApp
{
    protected override bool RealHttp => true;
}

public sealed class KestrelPostgresApp : PostgresRedisApp
{
    protected override bool RealHttp => true;
}

/// <summary>
/// PostgreSQL and redis-server, as in production: each where the environment names it
/// (<c>LUFFY_TEST_POSTGRES</c>, <c>LUFFY_TEST_REDIS</c>), the embedded default for the other; skipped when neither is named.
/// </summary>
public class PostgresRedisApp : LuffyApp
{
    private static readonly string? ServerConnection = Setting("LUFFY_TEST_POSTGRES");
    private static readonly string? RedisConfiguration = Setting("LUFFY_TEST_REDIS");
    private readonly string _database = $"luffy_test_{Guid.NewGuid():N}";

    private static string? Setting(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    public override string? Unavailable => ServerConnection is null && RedisConfiguration is null
        ? "neither LUFFY_TEST_POSTGRES nor LUFFY_TEST_REDIS is set: the PostgreSQL/Redis backends are not tested here"
        : null;

    /// <summary>
    /// This fixture's database, with at most 30 pooled connections. xUnit runs two test classes at once here, and a
    /// pool keeps what a burst opened: the 50 concurrent notifies (~50 connections) beside the 20 concurrent orders of
    /// another class, with the idle connections of both, went past PostgreSQL's default 100 connections once on a
    /// loaded run ("53300: sorry, too many clients already", a 500 for one notify). With 30 a burst waits for a
    /// connection, as it would against the production pool.
    /// </summary>
    private string DatabaseConnection => new NpgsqlConnectionStringBuilder(ServerConnection) { Database = _database, MaxPoolSize = 30 }.ToString();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        var settings = base.Settings().ToList();
        if (ServerConnection is not null)
            settings.AddRange([new("Database:Provider", "Postgres"), new("Database:ConnectionString", DatabaseConnection)]);
        if (RedisConfiguration is not null)
            settings.AddRange([new("Redis:Configuration", RedisConfiguration), new("Redis:KeyPrefix", $"test:{_database}:")]);
        return settings;
    }

    public override async ValueTask InitializeAsync()
    {
        if (ServerConnection is not null)
        {
            await using var connection = new NpgsqlConnection(ServerConnection);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (ServerConnection is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(ServerConnection);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
