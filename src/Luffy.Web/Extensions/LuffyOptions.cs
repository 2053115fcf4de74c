using Microsoft.Extensions.Options;
using Luffy.Infrastructure.Redis;
using Luffy.Infrastructure.Data;

namespace Luffy.Web.Extensions;

public enum RunMode
{
    /// <summary>No configuration: SQLite, embedded Garnet and a generated key under the data directory; demo data.</summary>
    Embedded,
    /// <summary>PostgreSQL, a Redis server and a configured JWT key; nothing seeded.</summary>
    Production,
}

public sealed class LuffyOptions
{
    public const string Section = "Luffy";

    public RunMode Mode { get; set; } = RunMode.Embedded;

    /// <summary>Where the embedded mode keeps everything; relative to the current directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Seed the demo catalog and accounts on an empty database (embedded mode only).</summary>
    public bool SeedDemoData { get; set; } = true;

    /// <summary>贝里 per yuan.</summary>
    public int CreditsPerYuan { get; set; } = 10;

    /// <summary>Adds <c>X-Sql-Commands</c> (SQL commands the request sent) to every response; for tests and benchmarks.</summary>
    public bool SqlCountHeader { get; set; }

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);
}

public sealed class JwtOptions
{
    public const string Section = "Jwt";

    /// <summary>The HS256 key (at least 32 bytes); in embedded mode generated once under the data directory.</summary>
    public string? Key { get; set; }
    public string Issuer { get; set; } = "luffy";
    public string Audience { get; set; } = "luffy";
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(1);
}

public sealed class LoginThrottleOptions
{
    public const string Section = "LoginThrottle";

    public int PerUsername { get; set; } = 10;
    public int PerClient { get; set; } = 30;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Production mode must name every outside part; the message says which one is missing.</summary>
internal sealed class SettingsValidator(DatabaseOptions database, RedisOptions redis, IOptions<JwtOptions> jwt, IConfiguration configuration) : IValidateOptions<LuffyOptions>
{
    public ValidateOptionsResult Validate(string? name, LuffyOptions options)
    {
        var failures = new List<string>();
        if (options.CreditsPerYuan <= 0)
            failures.Add("Luffy:CreditsPerYuan must be a positive number of credits per yuan.");
        if (jwt.Value.Lifetime <= TimeSpan.Zero)
            failures.Add("Jwt:Lifetime must be positive, e.g. 1.00:00:00 for one day.");
        if (options.Mode == RunMode.Production)
        {
            if (database.Provider != DatabaseProvider.Postgres || string.IsNullOrWhiteSpace(database.ConnectionString))
                failures.Add("Production mode needs PostgreSQL: set Database:Provider=Postgres and ConnectionStrings:Luffy (or Database:ConnectionString).");
            if (string.IsNullOrWhiteSpace(redis.Configuration))
                failures.Add("Production mode needs a Redis server: set Redis:Configuration (e.g. 127.0.0.1:6379).");
            if (string.IsNullOrWhiteSpace(jwt.Value.Key) || System.Text.Encoding.UTF8.GetByteCount(jwt.Value.Key) < 32)
                failures.Add("Production mode needs Jwt:Key, a secret of at least 32 bytes.");
            // Never the sandbox by default: anyone can pay any order there.
            var alipay = configuration.GetSection(Payments.AlipayOptions.Section).Get<Payments.AlipayOptions>() ?? new();
            if (alipay.UsesEmbeddedSandbox && !alipay.Sandbox)
                failures.Add("Production mode needs Alipay: set Alipay:Gateway (e.g. https://openapi.alipay.com/gateway.do), Alipay:AppId, "
                    + "Alipay:AppPrivateKeyPath and Alipay:AlipayPublicKeyPath (or Alipay:Sandbox=true for a trial shop on the built-in sandbox gateway, where anyone can pay any order).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
