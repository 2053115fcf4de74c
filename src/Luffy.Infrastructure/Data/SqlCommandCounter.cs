using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Luffy.Infrastructure.Data;

/// <summary>
/// Counts the SQL commands EF Core sends: in total (metric <c>luffy.sql.commands</c>) and per
/// <see cref="BeginScope"/> (one per HTTP request), so "one query per request" can be asserted and measured.
/// </summary>
public sealed class SqlCommandCounter : DbCommandInterceptor, IDisposable
{
    public const string MeterName = "Luffy.Sql";

    private static readonly AsyncLocal<Scope?> Current = new();
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _commands;

    public SqlCommandCounter() => _commands = _meter.CreateCounter<long>("luffy.sql.commands", description: "SQL commands sent");

    /// <summary>Starts counting the commands of the current async flow (one request).</summary>
    public Scope BeginScope() => Current.Value = new Scope();

    public sealed class Scope
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);
        internal void Increment() => Interlocked.Increment(ref _count);
    }

    private void Count()
    {
        _commands.Add(1);
        Current.Value?.Increment();
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Count();
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Count();
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Count();
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Count();
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Count();
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Count();
        return ValueTask.FromResult(result);
    }

    public void Dispose() => _meter.Dispose();
}
