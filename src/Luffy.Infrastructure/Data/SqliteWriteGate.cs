using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Luffy.Infrastructure.Data;

/// <summary>
/// Lets one SQLite writer in at a time and makes the others wait asynchronously.
/// </summary>
/// <remarks>
/// SQLite has a single writer. Without this gate a second writer gets SQLITE_BUSY and Microsoft.Data.Sqlite
/// retries it with <c>Thread.Sleep</c>: the thread is blocked, and under load the thread pool starves —
/// requests that never touch SQL wait for a thread (measured in bench/RESULTS.md). Here a writer waits on a
/// <see cref="SemaphoreSlim"/> instead and holds no thread, nor a connection: it gives its connection back to
/// the pool while it waits.
/// The gate is taken when a transaction begins (SQLite's <c>BEGIN IMMEDIATE</c> takes the write lock at
/// once) and by any command outside a transaction that EF Core sends to write (its <see cref="CommandSource"/>:
/// SaveChanges, ExecuteUpdate/Delete, raw SQL, migrations — never a LINQ query; nothing is read from the SQL text); it is released when the
/// transaction commits, rolls back or fails, when that command has finished (for a reader: when EF closes
/// the connection it opened for it), and in any case when the connection closes — so a transaction disposed without commit cannot keep it.
/// One instance per database; in-process only (the embedded mode runs one instance).
/// </remarks>
public sealed class SqliteWriteGate : DbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor, IDisposable
{
    // As long as SQLite's own busy timeout: a writer that waits longer fails instead of hanging.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DbConnection? _holder;

    /// <summary>Writers waiting for the gate (the holder not counted).</summary>
    public int Waiting { get; private set; }

    /// <summary>Whether a writer holds the gate now.</summary>
    public bool IsHeld => Volatile.Read(ref _holder) is not null;

    // A writer that has to wait gives its connection back to the pool for the wait and opens it again once it
    // is let in. Queued with open connections, writers kept one SQLite connection each (its schema, page cache
    // and lookaside memory), and the pool keeps every connection it has handed out: 130 of them under the
    // embedded funnel's 64 clients, ~25 MB (bench/RESULTS.md). The app keeps no state on a connection (no
    // temporary tables or per-connection pragmas), so the reopened one is as good.
    private async ValueTask EnterAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _holder) == connection)
            return;
        if (!_gate.Wait(0))
        {
            var reopen = false;
            lock (_gate) Waiting++;
            try
            {
                reopen = Close(connection);
                if (!await _gate.WaitAsync(Patience, cancellationToken))
                    throw NoSlot();
            }
            finally
            {
                lock (_gate) Waiting--;
            }
            if (reopen)
            {
                try
                {
                    await connection.OpenAsync(cancellationToken);
                }
                catch
                {
                    _gate.Release();
                    throw;
                }
            }
        }
        Volatile.Write(ref _holder, connection);
    }

    private void Enter(DbConnection connection)
    {
        if (Volatile.Read(ref _holder) == connection)
            return;
        if (!_gate.Wait(0))
        {
            var reopen = false;
            lock (_gate) Waiting++;
            try
            {
                reopen = Close(connection);
                if (!_gate.Wait(Patience))
                    throw NoSlot();
            }
            finally
            {
                lock (_gate) Waiting--;
            }
            if (reopen)
            {
                try
                {
                    connection.Open();
                }
                catch
                {
                    _gate.Release();
                    throw;
                }
            }
        }
        Volatile.Write(ref _holder, connection);
    }

    /// <summary>Closes the connection if it is open; returns whether it was.</summary>
    private static bool Close(DbConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
            return false;
        connection.Close();
        return true;
    }

    private static TimeoutException NoSlot() => new($"No SQLite write slot within {Patience.TotalSeconds} s.");

    /// <summary>Releases the gate if this connection holds it; safe to call more than once.</summary>
    private void Exit(DbConnection? connection)
    {
        if (connection is not null && Interlocked.CompareExchange(ref _holder, null, connection) == connection)
            _gate.Release();
    }

    /// <summary>A command outside a transaction has finished: it no longer needs the gate.</summary>
    private void ExitAfter(DbCommand command)
    {
        if (command.Transaction is null)
            Exit(command.Connection);
    }

    private ValueTask EnterIfAutocommitWriteAsync(DbCommand command, CommandEventData eventData, CancellationToken cancellationToken) =>
        IsAutocommitWrite(command, eventData) && command.Connection is { } connection ? EnterAsync(connection, cancellationToken) : ValueTask.CompletedTask;

    private void EnterIfAutocommitWrite(DbCommand command, CommandEventData eventData)
    {
        if (IsAutocommitWrite(command, eventData) && command.Connection is { } connection)
            Enter(connection);
    }

    // What EF Core sends to write; raw SQL counts as a write whatever it says (the safe side).
    private static bool IsAutocommitWrite(DbCommand command, CommandEventData eventData) =>
        command.Transaction is null && eventData.CommandSource is CommandSource.SaveChanges or CommandSource.ExecuteUpdate
            or CommandSource.ExecuteDelete or CommandSource.ExecuteSqlRaw or CommandSource.Migrations or CommandSource.Unknown;

    // A committed SqliteTransaction forgets its connection; the context still knows it.
    private static DbConnection? ConnectionOf(TransactionEventData eventData) => eventData.Context?.Database.GetDbConnection();

    // Transactions: entered before BEGIN, left at the end.
    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(connection, cancellationToken);
        return result;
    }

    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Enter(connection);
        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Exit(ConnectionOf(eventData));

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Exit(ConnectionOf(eventData));
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Exit(ConnectionOf(eventData));

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Exit(ConnectionOf(eventData));
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Exit(ConnectionOf(eventData));

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Exit(ConnectionOf(eventData));
        return Task.CompletedTask;
    }

    // Commands outside a transaction that write: entered before, left when done.
    async ValueTask<InterceptionResult<int>> IDbCommandInterceptor.NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken)
    {
        await EnterIfAutocommitWriteAsync(command, eventData, cancellationToken);
        return result;
    }

    InterceptionResult<int> IDbCommandInterceptor.NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        EnterIfAutocommitWrite(command, eventData);
        return result;
    }

    ValueTask<int> IDbCommandInterceptor.NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken)
    {
        ExitAfter(command);
        return ValueTask.FromResult(result);
    }

    int IDbCommandInterceptor.NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        ExitAfter(command);
        return result;
    }

    async ValueTask<InterceptionResult<DbDataReader>> IDbCommandInterceptor.ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken)
    {
        await EnterIfAutocommitWriteAsync(command, eventData, cancellationToken);
        return result;
    }

    InterceptionResult<DbDataReader> IDbCommandInterceptor.ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        EnterIfAutocommitWrite(command, eventData);
        return result;
    }

    // A writing reader (INSERT … RETURNING) holds SQLite's lock until it is disposed; EF closes the
    // connection right after (it opened it for this command), and that releases the gate below.

    void IDbCommandInterceptor.CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        ExitAfter(command);
    }

    Task IDbCommandInterceptor.CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken)
    {
        ExitAfter(command);
        return Task.CompletedTask;
    }

    void IDbCommandInterceptor.CommandCanceled(DbCommand command, CommandEndEventData eventData)
    {
        ExitAfter(command);
    }

    Task IDbCommandInterceptor.CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken)
    {
        ExitAfter(command);
        return Task.CompletedTask;
    }

    // Whatever happened, a closed connection holds nothing.
    void IDbConnectionInterceptor.ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Exit(connection);

    Task IDbConnectionInterceptor.ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Exit(connection);
        return Task.CompletedTask;
    }

    public void Dispose() => _gate.Dispose();
}
