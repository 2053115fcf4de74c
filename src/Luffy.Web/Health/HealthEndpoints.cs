using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Luffy.Infrastructure.Redis;
using StackExchange.Redis;

namespace Luffy.Web.Health;

public static class HealthEndpoints
{
    public static IServiceCollection AddLuffyHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddDbContextCheck<LuffyDbContext>("database")
            .AddCheck<RedisHealthCheck>("redis");
        return services;
    }

    /// <summary><c>/health</c>: overall status and one entry per dependency (database, redis).</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new
                {
                    status = e.Value.Status.ToString(),
                    duration_ms = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                    description = e.Value.Description,
                    error = e.Value.Exception?.Message,
                }),
            }),
        });
        return app;
    }
}

/// <summary>
/// Redis answers; in embedded mode also how much of Garnet's memory budget is taken: Degraded from 80 %, since
/// the embedded store keeps everything in memory (<see cref="EmbeddedGarnet.MemoryUse"/>).
/// </summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis, IServiceProvider services) : IHealthCheck
{
    private const double DegradedShare = 0.8;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        TimeSpan latency;
        try
        {
            latency = await redis.GetDatabase().PingAsync();
        }
        catch (RedisException e)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer", e);
        }
        if (services.GetService<EmbeddedGarnet>() is not { } garnet)
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:0.0} ms");

        var (used, budget) = garnet.MemoryUse();
        var description = $"ping {latency.TotalMilliseconds:0.0} ms, embedded Garnet holds {used / 1048576.0:0.0} of {budget / 1048576} MB";
        return used >= DegradedShare * budget
            ? HealthCheckResult.Degraded(description + ": move carts to a Redis server (Redis:Configuration) before it is full")
            : HealthCheckResult.Healthy(description);
    }
}
