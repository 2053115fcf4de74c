namespace Luffy.Infrastructure.Redis;

public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string; empty starts the embedded Garnet server.</summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Prefix of every key this app writes (the shape after it is the tutorial's); the login limits' keys carry it
    /// inside RedisRateLimiting's own <c>rl:fw:{…}</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "luffy:";
}
