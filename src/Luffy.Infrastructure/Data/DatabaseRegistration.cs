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
                    .UseNpgsql(WithNpgsqlDefaults(options.ConnectionString), n => n.UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery)
                        .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                    .UseSnakeCaseNamingConvention()
                    .AddInterceptors(sp.GetServices<IInterceptor>()));
                break;
            default:
                var connectionString = options.ConnectionString
                    ?? new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "luffy.db"), Pooling = true }.ToString();
                // One writer at a time, waiting asynchronously (see SqliteWriteGate).
                services.AddSingleton<SqliteWriteGate>();
                // Reads outside a transaction reuse prepared statements (see SqliteStatementCache); last, so
                // the other interceptors have seen the command before it runs elsewhere.
                services.AddSingleton(_ => new SqliteStatementCache(connectionString));
                services.AddDbContextPool<LuffyDbContext, SqliteLuffyDbContext>((sp, o) => o
                    .UseSqlite(connectionString, n => n.UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery)
                        .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                    .UseSnakeCaseNamingConvention()
                    .AddInterceptors(sp.GetServices<IInterceptor>())
                    .AddInterceptors(sp.GetRequiredService<SqliteWriteGate>(), sp.GetRequiredService<SqliteStatementCache>()));
                break;
        }
        return services;
    }

    /// <summary>
    /// The connection settings the hot paths need, added unless the connection string sets them itself
    /// (bench/RESULTS.md has the profiles behind each):
    /// <list type="bullet">
    /// <item><c>Max Auto Prepare=32</c>: Npgsql prepares the statements a connection runs often, so PostgreSQL
    /// does not parse them again.</item>
    /// <item><c>plan_cache_mode=force_generic_plan</c> (in <c>Options</c>): a prepared statement is planned once.
    /// PostgreSQL's default kept re-planning the checkout list's five-table query on every execution, because
    /// its estimate for the generic plan (an id array of unknown length) was worse than for the custom plans.
    /// Every query of the app looks rows up by key, where the generic plan is the custom plan.</item>
    /// <item><c>No Reset On Close=true</c>: a pooled connection is not reset (<c>RESET ALL</c>, <c>CLOSE ALL</c>,
    /// <c>DISCARD</c>…) before each reuse; that reset cost PostgreSQL CPU on every request and made it plan the
    /// prepared statements again. The app sets no session state (no <c>SET</c>, temporary tables, advisory
    /// locks or LISTEN); an open transaction is still rolled back when its connection goes back to the pool.</item>
    /// </list>
    /// </summary>
    public static string? WithNpgsqlDefaults(string? connectionString)
    {
        if (connectionString is null)
            return null;
        // The keys as written (a DbConnectionStringBuilder keeps only those), compared without spaces or case.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = written.Keys.Cast<string>().ToDictionary(k => k.Replace(" ", "", StringComparison.Ordinal), k => k, StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!keys.ContainsKey("MaxAutoPrepare"))
            builder.MaxAutoPrepare = 32;
        if (!keys.ContainsKey("NoResetOnClose"))
            builder.NoResetOnClose = true;
        var options = builder.Options ?? "";
        if (!options.Contains("plan_cache_mode", StringComparison.OrdinalIgnoreCase))
            builder.Options = (options + " -c plan_cache_mode=force_generic_plan").Trim();
        return builder.ConnectionString;
    }

    /// <summary>Applies migrations; SQLite is switched to WAL so readers never wait for the writer.</summary>
    public static async Task MigrateAsync(LuffyDbContext db, CancellationToken cancellationToken = default)
    {
        if (db.Database.IsSqlite())
            MakeOwnerOnly(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource);
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    /// <summary>
    /// The SQLite file owner-only, before SQLite opens it: created empty (a valid database) with mode 0600 when missing,
    /// because SQLite gives its <c>-wal</c> and <c>-shm</c> files the mode of the database file; tightened when it exists.
    /// </summary>
    private static void MakeOwnerOnly(string dataSource)
    {
        if (dataSource is "" or ":memory:")
            return;
        var path = Path.GetFullPath(dataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        OwnerOnly.TryCreate(path, []);
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            OwnerOnly.File(file);
    }
}
