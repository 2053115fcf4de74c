using Luffy.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Luffy.Infrastructure.Tests;

/// <summary>A test class's own SQLite file, registered as the app registers it, migrated, then seeded by the test.</summary>
public abstract class SqliteDatabaseTest(string name) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory($"luffy-{name}-").FullName;

    protected ServiceProvider Services { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Services = new ServiceCollection()
            .AddLuffyDatabase(new DatabaseOptions(), _directory)
            .BuildServiceProvider();
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        await DatabaseRegistration.MigrateAsync(db);
        await SeedAsync(db);
    }

    protected abstract Task SeedAsync(LuffyDbContext db);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Runs <paramref name="work"/> on a context of its own, as one request would.</summary>
    protected async Task<T> WithDbAsync<T>(Func<LuffyDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LuffyDbContext>());
    }
}
