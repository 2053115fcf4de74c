using System.Security.Cryptography;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Tests;

/// <summary>Behind a reverse proxy on 127.0.0.1 (Proxy:KnownProxies), over real HTTP so the client address is real.</summary>
public sealed class ProxiedApp : LuffyApp
{
    protected override bool RealHttp => true;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        base.Settings().Concat([new("Proxy:KnownProxies:0", "127.0.0.1"), new("LoginThrottle:PerClient", "2"), new("LoginThrottle:PerUsername", "3")]);
}

public sealed class ProxyTests(ProxiedApp app) : IClassFixture<ProxiedApp>
{
    private HttpClient Raw() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.Anonymous().BaseAddress };

    private async Task<HttpStatusCode> LoginFromAsync(string client, string? username = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/users/login/") { Content = JsonContent.Create(new { username = username ?? app.UniqueName(), password = "whatever1" }) };
        request.Headers.Add("X-Forwarded-For", client);
        return (await Raw().SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task The_per_account_limit_counts_the_attempts_from_every_client()
    {
        var victim = app.UniqueName();
        Assert.Equal(HttpStatusCode.Created, (await app.Anonymous().PostAsJsonAsync("/users/register/", new { username = victim, password = "secret123" })).StatusCode);
        // Each client once, under the per-client limit (2): the account's limit (3) refuses the fourth client.
        Assert.Equal(HttpStatusCode.BadRequest, await LoginFromAsync("192.0.2.1", victim));
        Assert.Equal(HttpStatusCode.BadRequest, await LoginFromAsync("192.0.2.2", victim.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.BadRequest, await LoginFromAsync("192.0.2.3", victim));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginFromAsync("192.0.2.4", victim));
        // Another account from a client already seen is not refused: that client has an attempt left.
        Assert.Equal(HttpStatusCode.BadRequest, await LoginFromAsync("192.0.2.1"));
    }

    [Fact]
    public async Task The_per_client_login_limit_counts_the_client_the_proxy_names()
    {
        Assert.Equal(HttpStatusCode.BadRequest, await LoginFromAsync("203.0.113.7"));
        Assert.Equal(HttpStatusCode.BadRequest, await LoginFromAsync("203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginFromAsync("203.0.113.7"));
        Assert.Equal(HttpStatusCode.BadRequest, await LoginFromAsync("198.51.100.9"));
    }

    [Fact]
    public async Task Https_at_the_proxy_makes_the_cookie_secure_and_the_callback_urls_public()
    {
        var user = await app.StudentAsync();
        await user.CartAsync(0, await app.CourseAsync(10m));
        var number = (await (await user.OrderAsync()).JsonAsync()).GetProperty("order").GetString()!;

        var request = new HttpRequestMessage(HttpMethod.Get, $"/payments/alipay/url/?order_number={number}");
        request.Headers.Authorization = user.Http.DefaultRequestHeaders.Authorization;
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "shop.example");
        var url = (await (await Raw().SendAsync(request)).JsonAsync()).GetProperty("url").GetString()!;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(url).Query);
        Assert.Equal("https://shop.example/payments/alipay/result/", query["notify_url"].ToString());
        Assert.Equal("https://shop.example/payment/result", query["return_url"].ToString());

        var page = new HttpRequestMessage(HttpMethod.Get, "/user/login");
        page.Headers.Add("X-Forwarded-Proto", "https");
        var cookies = (await Raw().SendAsync(page)).Headers.GetValues("Set-Cookie").ToList();
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }
}

public sealed class NoProxyTests(ThrottledApp app) : IClassFixture<ThrottledApp>
{
    [Fact]
    public async Task Without_a_configured_proxy_a_forwarded_address_is_not_believed()
    {
        var client = app.Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/users/login/") { Content = JsonContent.Create(new { username = app.UniqueName(), password = "whatever1" }) };
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i}");
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }
        // The per-client limit (6) is reached although every attempt named another address.
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }
}

public sealed class ProductionPaymentSettingsTests
{
    private sealed class ProductionApp(Dictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "luffy-tests", Guid.NewGuid().ToString("N"));

        /// <summary>The warnings the app logged.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<string> Warnings { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Luffy:Mode", "Production");
            builder.UseSetting("Luffy:DataDirectory", DataDirectory);
            foreach (var (key, value) in settings)
                builder.UseSetting(key, value);
            builder.ConfigureLogging(logging => logging.AddProvider(new WarningCollector(Warnings)));
        }
    }

    private sealed class WarningCollector(System.Collections.Concurrent.ConcurrentQueue<string> warnings) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Collector(warnings);

        public void Dispose()
        {
        }

        private sealed class Collector(System.Collections.Concurrent.ConcurrentQueue<string> warnings) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel == LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                    warnings.Enqueue(formatter(state, exception));
            }
        }
    }

    private static string? Postgres => Environment.GetEnvironmentVariable("LUFFY_TEST_POSTGRES") is { Length: > 0 } v ? v : null;
    private static string? Redis => Environment.GetEnvironmentVariable("LUFFY_TEST_REDIS") is { Length: > 0 } v ? v : null;

    private static Dictionary<string, string?> Configured(string database) => new()
    {
        ["Database:Provider"] = "Postgres",
        ["Database:ConnectionString"] = database,
        ["Redis:Configuration"] = Redis ?? "127.0.0.1:1",
        ["Redis:KeyPrefix"] = $"test:{Guid.NewGuid():N}:",
        ["Jwt:Key"] = new string('k', 40),
    };

    [Fact]
    public async Task Production_without_alipay_settings_refuses_to_start_and_names_them()
    {
        await using var app = new ProductionApp(Configured("Host=127.0.0.1;Database=never_used"));
        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("Alipay:Gateway", error.Message);
        Assert.Contains("Alipay:AppPrivateKeyPath", error.Message);
        Assert.Contains("Alipay:Sandbox=true", error.Message);
    }

    private static async Task<string> DatabaseAsync()
    {
        var name = $"luffy_test_{Guid.NewGuid():N}";
        await using var connection = new Npgsql.NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new Npgsql.NpgsqlConnectionStringBuilder(Postgres) { Database = name, MaxPoolSize = 5 }.ToString();
    }

    [Fact]
    public async Task Production_mounts_the_sandbox_only_when_asked_for()
    {
        Assert.SkipWhen(Postgres is null || Redis is null, "production mode needs LUFFY_TEST_POSTGRES and LUFFY_TEST_REDIS");
        var keys = Path.Combine(Path.GetTempPath(), "luffy-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(keys);
        using (var rsa = RSA.Create(2048))
        {
            await File.WriteAllTextAsync(Path.Combine(keys, "app.pem"), rsa.ExportPkcs8PrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(keys, "alipay.pem"), rsa.ExportSubjectPublicKeyInfoPem());
        }

        var real = Configured(await DatabaseAsync());
        real["Alipay:Gateway"] = "https://openapi.alipay.com/gateway.do";
        real["Alipay:AppPrivateKeyPath"] = Path.Combine(keys, "app.pem");
        real["Alipay:AlipayPublicKeyPath"] = Path.Combine(keys, "alipay.pem");
        await using (var app = new ProductionApp(real))
        {
            var client = app.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/courses/")).StatusCode);
            foreach (var path in new[] { "/alipay-sandbox/sandbox/trades/1/pay", "/alipay-sandbox/gateway.do", "/alipay-sandbox/cashier/1/pay" })
                Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync(path, null)).StatusCode);
            Assert.DoesNotContain(app.Warnings, w => w.Contains("Alipay:Sandbox", StringComparison.Ordinal));
        }

        var trial = Configured(await DatabaseAsync());
        trial["Alipay:Sandbox"] = "true";
        await using (var app = new ProductionApp(trial))
        {
            var client = app.CreateClient();
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/alipay-sandbox/sandbox/trades/no-such-trade/pay", null)).StatusCode);
            Assert.Equal("交易不存在", (await (await client.PostAsync("/alipay-sandbox/sandbox/trades/no-such-trade/pay", null)).JsonAsync()).GetProperty("message").GetString());
            Assert.Contains(app.Warnings, w => w.Contains("Alipay:Sandbox=true", StringComparison.Ordinal));
        }
    }
}
