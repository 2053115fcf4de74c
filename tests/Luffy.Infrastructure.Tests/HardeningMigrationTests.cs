using Luffy.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Luffy.Infrastructure.Tests;

/// <summary>The migration that makes usernames unique without regard to case, on a database that already has twins.</summary>
public sealed class HardeningMigrationTests : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("luffy-migration-").FullName;

    [Fact]
    public async Task Names_that_differ_only_in_case_keep_their_accounts_and_the_oldest_keeps_the_name()
    {
        await using var services = new ServiceCollection().AddLuffyDatabase(new DatabaseOptions(), _directory).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        var migrator = db.GetService<IMigrator>();
        var before = db.Database.GetMigrations().TakeWhile(m => !m.EndsWith("_Hardening", StringComparison.Ordinal)).Last();
        await migrator.MigrateAsync(before);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO ly_user (username, password_hash, credit, is_admin, created_at) VALUES
              ('Alice', 'x', 0, 0, '2026-01-01'), ('alice', 'x', 0, 0, '2026-01-02'), ('ALICE', 'x', 0, 0, '2026-01-03'), ('bob', 'x', 0, 0, '2026-01-04');
            """);

        await migrator.MigrateAsync();

        var users = await db.Users.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Username, u.NormalizedUsername }).ToListAsync();
        Assert.Equal(4, users.Count);
        Assert.Equal("alice", users[0].NormalizedUsername);
        Assert.StartsWith("alice#", users[1].NormalizedUsername);
        Assert.StartsWith("alice#", users[2].NormalizedUsername);
        Assert.Equal("bob", users[3].NormalizedUsername);
        Assert.Equal(4, users.Select(u => u.NormalizedUsername).Distinct().Count());
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
