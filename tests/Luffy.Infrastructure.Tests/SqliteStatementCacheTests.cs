using Luffy.Domain.Entities;
using Luffy.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Luffy.Infrastructure.Tests;

/// <summary>
/// EF Core's reads outside a transaction reuse prepared statements on SQLite, and still read exactly what
/// they would on EF's own connection.
/// </summary>
public sealed class SqliteStatementCacheTests() : SqliteDatabaseTest("statements")
{
    private SqliteStatementCache Cache => Services.GetRequiredService<SqliteStatementCache>();

    protected override async Task SeedAsync(LuffyDbContext db)
    {
        db.CourseCategories.AddRange(
            new CourseCategory { Id = 1, Name = "Python", Orders = 0 },
            new CourseCategory { Id = 2, Name = "Linux", Orders = 5 });
        await db.SaveChangesAsync();
    }

    private Task<int> OrdersAsync(int id) => WithDbAsync(db => db.CourseCategories.Where(c => c.Id == id).Select(c => c.Orders).SingleAsync());

    private Task<List<string>> NamesAsync(int[] ids) =>
        WithDbAsync(db => db.CourseCategories.Where(c => ids.Contains(c.Id)).OrderBy(c => c.Name).Select(c => c.Name).ToListAsync());

    private Task<int> SetOrdersAsync(int id, int orders) => WithDbAsync(db =>
        db.CourseCategories.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Orders, orders)));

    [Fact]
    public async Task A_repeated_read_is_prepared_once_and_sees_every_commit_made_between_its_runs()
    {
        await OrdersAsync(1);
        var (prepared, executions) = (Cache.Prepared, Cache.Executions);

        for (var orders = 1; orders <= 5; orders++)
        {
            await SetOrdersAsync(1, orders);
            Assert.Equal(orders, await OrdersAsync(1));
        }

        Assert.Equal(prepared, Cache.Prepared);
        Assert.Equal(executions + 5, Cache.Executions);
    }

    [Fact]
    public async Task One_prepared_statement_binds_each_runs_own_parameters()
    {
        Assert.Equal(0, await OrdersAsync(1));
        var prepared = Cache.Prepared;

        Assert.Equal(5, await OrdersAsync(2));
        Assert.Equal(0, await OrdersAsync(1));
        Assert.Equal(["Linux", "Python"], await NamesAsync([1, 2]));
        Assert.Equal(["Linux"], await NamesAsync([2]));

        // The id query was prepared before; the list query once for both lists.
        Assert.Equal(prepared + 1, Cache.Prepared);
    }

    [Fact]
    public async Task A_read_inside_a_transaction_stays_on_its_connection_and_sees_the_transactions_own_write()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.CourseCategories.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Orders, 10));
        var executions = Cache.Executions;

        Assert.Equal(10, await db.CourseCategories.Where(c => c.Id == 1).Select(c => c.Orders).SingleAsync());
        Assert.Equal(executions, Cache.Executions);
        // Outside the transaction, the committed value.
        Assert.Equal(0, await OrdersAsync(1));

        await transaction.RollbackAsync();
        Assert.Equal(0, await OrdersAsync(1));
    }

    [Fact]
    public async Task Two_reads_open_at_once_run_on_two_connections_and_both_give_back_theirs()
    {
        await using var firstScope = Services.CreateAsyncScope();
        var first = firstScope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        await using (var open = first.CourseCategories.OrderBy(c => c.Id).Select(c => c.Name).AsAsyncEnumerable().GetAsyncEnumerator())
        {
            Assert.True(await open.MoveNextAsync());
            Assert.Equal("Python", open.Current);

            // The first reader still holds its connection; this one gets another and sees a commit made meanwhile.
            await SetOrdersAsync(2, 6);
            Assert.Equal(6, await OrdersAsync(2));

            Assert.True(await open.MoveNextAsync());
            Assert.Equal("Linux", open.Current);
        }

        // Both connections came back with their statements: nothing is prepared again.
        var prepared = Cache.Prepared;
        await using (var again = first.CourseCategories.OrderBy(c => c.Id).Select(c => c.Name).AsAsyncEnumerable().GetAsyncEnumerator())
        {
            Assert.True(await again.MoveNextAsync());
            Assert.Equal(6, await OrdersAsync(2));
        }
        Assert.Equal(prepared, Cache.Prepared);
    }

    [Fact]
    public async Task A_failing_read_throws_as_it_would_and_the_next_reads_work()
    {
        await Assert.ThrowsAsync<SqliteException>(() =>
            WithDbAsync(db => db.Database.SqlQueryRaw<int>("SELECT no_such_column AS \"Value\" FROM ly_course_category").ToListAsync()));

        await SetOrdersAsync(1, 3);
        Assert.Equal(3, await OrdersAsync(1));
    }

    [Fact]
    public async Task Past_its_limit_a_connection_runs_new_sql_without_keeping_it()
    {
        var prepared = Cache.Prepared;

        for (var i = 0; i < 300; i++)
        {
            // 300 different SQL texts (a constant, not a parameter, on purpose).
            var sql = "SELECT " + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + " AS \"Value\"";
            Assert.Equal([i], await WithDbAsync(db => db.Database.SqlQueryRaw<int>(sql).ToListAsync()));
        }

        // Sequential reads use one connection: it keeps at most 256 statements, the rest ran uncached.
        Assert.InRange(Cache.Prepared - prepared, 200, 256);
    }
}
