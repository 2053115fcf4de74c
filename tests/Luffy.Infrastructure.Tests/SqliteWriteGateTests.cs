using Luffy.Domain.Entities;
using Luffy.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Luffy.Infrastructure.Tests;

/// <summary>The SQLite writer gate on a real database file: writers queue, readers do not, nothing keeps the gate.</summary>
public sealed class SqliteWriteGateTests() : SqliteDatabaseTest("gate")
{
    // Guards against a leaked gate hanging the test run; not a timing assertion.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(20);

    private SqliteWriteGate Gate => Services.GetRequiredService<SqliteWriteGate>();

    protected override async Task SeedAsync(LuffyDbContext db)
    {
        db.CourseCategories.Add(new CourseCategory { Id = 1, Name = "Python", Orders = 0 });
        await db.SaveChangesAsync();
    }

    private Task<int> BumpAsync() => WithDbAsync(db =>
        db.CourseCategories.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Orders, c => c.Orders + 1)));

    private Task<int> OrdersAsync() => WithDbAsync(db => db.CourseCategories.Where(c => c.Id == 1).Select(c => c.Orders).SingleAsync());

    private async Task UntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Hang);
        while (!condition())
            await Task.Delay(5, timeout.Token);
    }

    [Fact]
    public async Task A_second_writer_waits_for_the_open_transaction_and_runs_after_its_commit_while_readers_go_on()
    {
        await using var scope = Services.CreateAsyncScope();
        var first = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        await using var transaction = await first.Database.BeginTransactionAsync();
        await first.CourseCategories.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Orders, 10));
        Assert.True(Gate.IsHeld);

        var second = BumpAsync();
        await UntilAsync(() => Gate.Waiting == 1);
        Assert.False(second.IsCompleted);
        // WAL: a reader sees the last committed value and does not wait for the writer.
        Assert.Equal(0, await OrdersAsync().WaitAsync(Hang));

        await transaction.CommitAsync();
        Assert.Equal(1, await second.WaitAsync(Hang));
        Assert.Equal(11, await OrdersAsync());
        Assert.False(Gate.IsHeld);
        Assert.Equal(0, Gate.Waiting);
    }

    [Fact]
    public async Task What_ef_core_sends_to_write_waits_and_what_it_reads_does_not_whatever_the_sql_says()
    {
        await using var scope = Services.CreateAsyncScope();
        var first = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        await using var transaction = await first.Database.BeginTransactionAsync();

        // Raw SQL is a write to the gate even when its text begins with SELECT (a batch that then updates) …
        var raw = WithDbAsync(db => db.Database.ExecuteSqlRawAsync("SELECT 1; UPDATE ly_course_category SET orders = orders + 1 WHERE id = 1"));
        await UntilAsync(() => Gate.Waiting == 1);
        // … and a LINQ query is a read: it does not wait.
        Assert.Equal(0, await OrdersAsync().WaitAsync(Hang));
        Assert.Equal(1, Gate.Waiting);

        await transaction.CommitAsync();
        Assert.Equal(1, await raw.WaitAsync(Hang));
        Assert.False(Gate.IsHeld);
    }

    [Fact]
    public async Task A_transaction_disposed_without_commit_rolls_back_and_lets_the_next_writer_in()
    {
        var second = Task.CompletedTask;
        await using (var scope = Services.CreateAsyncScope())
        {
            var first = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
            await using var transaction = await first.Database.BeginTransactionAsync();
            await first.CourseCategories.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Orders, 99));
            second = BumpAsync();
            await UntilAsync(() => Gate.Waiting == 1);
        }

        await second.WaitAsync(Hang);
        Assert.Equal(1, await OrdersAsync());
        Assert.False(Gate.IsHeld);
    }

    [Fact]
    public async Task A_failed_write_outside_a_transaction_lets_the_next_writer_in()
    {
        // Same primary key: the INSERT fails inside SQLite.
        await Assert.ThrowsAsync<DbUpdateException>(() => WithDbAsync(db =>
        {
            db.CourseCategories.Add(new CourseCategory { Id = 1, Name = "again", Orders = 0 });
            return db.SaveChangesAsync();
        }));
        Assert.False(Gate.IsHeld);
        Assert.Equal(1, await BumpAsync().WaitAsync(Hang));
    }

    [Fact]
    public async Task Waiting_writers_hold_no_connection_and_get_one_back_when_let_in()
    {
        await using var scope = Services.CreateAsyncScope();
        var first = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        await using var transaction = await first.Database.BeginTransactionAsync();
        await first.CourseCategories.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Orders, 10));

        // Three transactions and two writes outside a transaction, each on its own context, queue behind it.
        var scopes = Enumerable.Range(0, 5).Select(_ => Services.CreateAsyncScope()).ToList();
        try
        {
            var contexts = scopes.Select(s => s.ServiceProvider.GetRequiredService<LuffyDbContext>()).ToList();
            var writers = contexts.Select((db, i) => i < 3
                ? Task.Run(async () =>
                {
                    await using var own = await db.Database.BeginTransactionAsync();
                    var orders = await db.CourseCategories.Where(c => c.Id == 1).Select(c => c.Orders).SingleAsync();
                    await db.CourseCategories.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Orders, orders + 1));
                    await own.CommitAsync();
                })
                : Task.Run(() => db.CourseCategories.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Orders, c => c.Orders + 1)))).ToList();
            // A writer is counted as waiting a moment before it has closed its connection: wait (bounded) for both.
            await UntilAsync(() => Gate.Waiting == 5 && contexts.All(db => db.Database.GetDbConnection().State == System.Data.ConnectionState.Closed));
            Assert.All(contexts, db => Assert.Equal(System.Data.ConnectionState.Closed, db.Database.GetDbConnection().State));

            await transaction.CommitAsync();
            await Task.WhenAll(writers).WaitAsync(Hang);
        }
        finally
        {
            foreach (var s in scopes)
                await s.DisposeAsync();
        }
        // Each reopened connection ran its writer's SQL: no update lost, nothing left holding the gate.
        Assert.Equal(15, await OrdersAsync());
        Assert.False(Gate.IsHeld);
        Assert.Equal(0, Gate.Waiting);
    }

    [Fact]
    public async Task A_synchronous_writer_waits_without_its_connection_too()
    {
        using var scope = Services.CreateScope();
        var first = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        using var transaction = first.Database.BeginTransaction();
        first.CourseCategories.Where(c => c.Id == 1).ExecuteUpdate(s => s.SetProperty(c => c.Orders, 10));

        using var other = Services.CreateScope();
        var db = other.ServiceProvider.GetRequiredService<LuffyDbContext>();
        var writer = Task.Run(() =>
        {
            using var own = db.Database.BeginTransaction();
            db.CourseCategories.Where(c => c.Id == 1).ExecuteUpdate(s => s.SetProperty(c => c.Orders, c => c.Orders + 1));
            own.Commit();
        });
        await UntilAsync(() => Gate.Waiting == 1);
        Assert.Equal(System.Data.ConnectionState.Closed, db.Database.GetDbConnection().State);

        transaction.Commit();
        await writer.WaitAsync(Hang);
        Assert.Equal(11, db.CourseCategories.Where(c => c.Id == 1).Select(c => c.Orders).Single());
        Assert.False(Gate.IsHeld);
    }

    [Fact]
    public async Task A_writer_cancelled_while_waiting_leaves_the_gate_to_the_next()
    {
        await using var scope = Services.CreateAsyncScope();
        var first = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        await using var transaction = await first.Database.BeginTransactionAsync();
        await first.CourseCategories.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Orders, 10));

        using var cancel = new CancellationTokenSource();
        var cancelled = WithDbAsync(db => db.CourseCategories.Where(c => c.Id == 1)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Orders, c => c.Orders + 100), cancel.Token));
        await UntilAsync(() => Gate.Waiting == 1);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Hang));
        Assert.Equal(0, Gate.Waiting);

        await transaction.CommitAsync();
        Assert.Equal(1, await BumpAsync().WaitAsync(Hang));
        Assert.Equal(11, await OrdersAsync());
        Assert.False(Gate.IsHeld);
    }

    [Fact]
    public async Task Many_concurrent_writers_all_land_one_after_another()
    {
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? BumpAsync()
            : WithDbAsync(async db =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                var orders = await db.CourseCategories.Where(c => c.Id == 1).Select(c => c.Orders).SingleAsync();
                await db.CourseCategories.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Orders, orders + 1));
                await transaction.CommitAsync();
                return 1;
            }))).WaitAsync(Hang);

        // The read-then-write transactions lose no update: they ran one at a time.
        Assert.Equal(40, await OrdersAsync());
        Assert.False(Gate.IsHeld);
        Assert.Equal(0, Gate.Waiting);
    }
}
