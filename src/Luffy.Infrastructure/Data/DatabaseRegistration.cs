using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Luffy.Infrastructure.Data;

public static class DatabaseRegistration
{
    /// <summary>Registers the pooled <see cref="LuffyDbContext"/> for the configured provider.</summary>
    public static IServiceCollection AddLuffyDatabase(this IServiceCollection services, DatabaseOptions options, string dataDirectory)
    {
        // Single queries on purpose: the joins are small and "one SQL query per request" is a goal.
        // A list of ids goes as ONE parameter (json_each on SQLite, = ANY on PostgreSQL): the SQL text is then the
        // same for any number of ids, so EF Core generates it once instead of on every call (EF 10's default
        // expands the list into one parameter per id; the profile in bench/RESULTS.md showed SQL generation
        // on every checkout list).
        services.AddSingleton<SqlCommandCounter>();
        // Every registered interceptor joins: the command counter here, fault injection in the tests.
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<SqlCommandCounter>());
        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                services.AddDbContextPool<LuffyDbContext, NpgsqlLuffyDbContext>((sp, o) => o
                    .UseNpgsql(WithAutoPrepare(options.ConnectionString), n => n.UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery)
                        .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                    .AddInterceptors(sp.GetServices<IInterceptor>()));
                break;
            default:
                var connectionString = options.ConnectionString
                    ?? new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "luffy.db"), Pooling = true }.ToString();
                // One writer at a time, waiting asynchronously (see SqliteWriteGate).
                services.AddSingleton<SqliteWriteGate>();
                services.AddDbContextPool<LuffyDbContext, SqliteLuffyDbContext>((sp, o) => o
                    .UseSqlite(connectionString, n => n.UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery)
                        .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                    .AddInterceptors(sp.GetServices<IInterceptor>())
                    .AddInterceptors(sp.GetRequiredService<SqliteWriteGate>()));
                break;
        }
        return services;
    }

    /// <summary>
    /// Npgsql prepares the statements a connection runs often (unless the connection string says otherwise):
    /// PostgreSQL then skips parsing and planning the checkout list's five-table query on every request.
    /// </summary>
    public static string? WithAutoPrepare(string? connectionString)
    {
        if (connectionString is null)
            return null;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("AutoPrepare", StringComparison.OrdinalIgnoreCase))
            builder.MaxAutoPrepare = 32;
        return builder.ConnectionString;
    }

    /// <summary>Applies migrations; SQLite is switched to WAL so readers never wait for the writer.</summary>
    public static async Task MigrateAsync(LuffyDbContext db, CancellationToken cancellationToken = default)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }
}
