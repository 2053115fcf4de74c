using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Luffy.Web.Tests.Infrastructure;

/// <summary>
/// Makes the app's SQL fail at a chosen step: a command whose text contains <see cref="FailOn"/>, or the commit.
/// Also counts the savepoints the app's transactions create.
/// </summary>
public sealed class FaultInjector : DbCommandInterceptor, IDbTransactionInterceptor
{
    public const string Commit = "COMMIT";

    public volatile string? FailOn;

    private int _savepoints;

    public int Savepoints => Volatile.Read(ref _savepoints);

    private void Check(DbCommand command)
    {
        if (FailOn is { } pattern && pattern != Commit && command.CommandText.Contains(pattern, StringComparison.Ordinal))
            throw new InvalidOperationException($"Injected failure on: {pattern}");
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (FailOn == Commit)
            throw new InvalidOperationException("Injected failure on commit");
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult> CreatingSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _savepoints);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult CreatingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        Interlocked.Increment(ref _savepoints);
        return result;
    }
}
