using System.Collections;
using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Luffy.Infrastructure.Data;

/// <summary>
/// Runs EF Core's reads that are outside a transaction on a few SQLite connections that stay open and keep
/// their prepared statements, so SQLite parses and plans each query once instead of on every execution.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite prepares statements per command object and finalizes them when the command or its
/// connection closes, and EF Core makes a new command for every execution: SQLite parsed and planned the
/// checkout list's six-table query on every request, ~80 % of that query's cost (bench/RESULTS.md).
/// Only a <c>SELECT</c> outside a transaction is taken. It reads what is committed when it starts, on whichever
/// connection it runs (WAL), exactly as it would on EF's; reads inside a transaction and every write stay on
/// EF's connection, where they see the transaction's own changes and pass the <see cref="SqliteWriteGate"/>.
/// </remarks>
public sealed class SqliteStatementCache(string connectionString) : DbCommandInterceptor, IDisposable
{
    // Connections are opened through EF Core so they get what EF sets up on its own (the functions and
    // collations its SQL may call); such a context only owns its connection.
    private readonly DbContextOptions<SqliteLuffyDbContext> _options =
        new DbContextOptionsBuilder<SqliteLuffyDbContext>().UseSqlite(connectionString).Options;

    // Connections kept open between reads; more than this are closed when given back. A read holds one only
    // while it runs (SQLite reads are synchronous), so a few suffice for many concurrent requests.
    private const int MaxIdleConnections = 8;
    // The app has a fixed set of queries; past this a connection runs new SQL the ordinary way.
    private const int MaxStatementsPerConnection = 256;

    private readonly ConcurrentStack<Slot> _idle = new();
    private int _idleCount;
    private long _prepared;
    private long _executions;
    private volatile bool _disposed;

    /// <summary>Statements prepared so far (each SQL text once per connection).</summary>
    public long Prepared => Interlocked.Read(ref _prepared);

    /// <summary>Reads run through the cache so far.</summary>
    public long Executions => Interlocked.Read(ref _executions);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        result.HasResult || !IsCacheable(command) ? result : Execute(command, result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Microsoft.Data.Sqlite runs async reads synchronously; so does this.
        return ValueTask.FromResult(ReaderExecuting(command, eventData, result));
    }

    private static bool IsCacheable(DbCommand command) =>
        command is SqliteCommand { Transaction: null, CommandType: CommandType.Text } && CommandText.IsSelect(command);

    private InterceptionResult<DbDataReader> Execute(DbCommand command, InterceptionResult<DbDataReader> result)
    {
        var slot = Rent();
        try
        {
            if (slot.Command(command.CommandText, ref _prepared) is not { } prepared)
            {
                Return(slot);
                return result;
            }
            // EF's parameters carry the values and the types EF chose; the statement rebinds them by name.
            prepared.Parameters.Clear();
            foreach (SqliteParameter parameter in command.Parameters)
                prepared.Parameters.Add(parameter);
            var reader = prepared.ExecuteReader();
            Interlocked.Increment(ref _executions);
            return InterceptionResult<DbDataReader>.SuppressWithResult(new LeasedReader(reader, this, slot, prepared));
        }
        catch
        {
            slot.Dispose();
            throw;
        }
    }

    private Slot Rent()
    {
        if (_idle.TryPop(out var slot))
        {
            Interlocked.Decrement(ref _idleCount);
            return slot;
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new Slot(_options);
    }

    private void Return(Slot slot)
    {
        if (!_disposed)
        {
            if (Interlocked.Increment(ref _idleCount) <= MaxIdleConnections)
            {
                _idle.Push(slot);
                if (_disposed)
                    Dispose(); // disposed meanwhile: close what was just put back
                return;
            }
            Interlocked.Decrement(ref _idleCount);
        }
        slot.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out var slot))
            slot.Dispose();
    }

    /// <summary>An open connection and the commands prepared on it, one per SQL text.</summary>
    private sealed class Slot : IDisposable
    {
        private readonly SqliteLuffyDbContext _owner;
        private readonly SqliteConnection _connection;
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public Slot(DbContextOptions<SqliteLuffyDbContext> options)
        {
            _owner = new SqliteLuffyDbContext(options);
            _owner.Database.OpenConnection();
            _connection = (SqliteConnection)_owner.Database.GetDbConnection();
        }

        public SqliteCommand? Command(string sql, ref long prepared)
        {
            if (_commands.TryGetValue(sql, out var command))
                return command;
            if (_commands.Count >= MaxStatementsPerConnection)
                return null;
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
            Interlocked.Increment(ref prepared);
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
                command.Dispose();
            _owner.Dispose();
        }
    }

    /// <summary>The prepared command's reader; disposing it resets the statement and gives the connection back.</summary>
    private sealed class LeasedReader(SqliteDataReader inner, SqliteStatementCache cache, Slot slot, SqliteCommand command) : DbDataReader
    {
        private bool _returned;

        public override int Depth => inner.Depth;
        public override int FieldCount => inner.FieldCount;
        public override bool HasRows => inner.HasRows;
        public override bool IsClosed => inner.IsClosed;
        public override int RecordsAffected => inner.RecordsAffected;
        public override object this[int ordinal] => inner[ordinal];
        public override object this[string name] => inner[name];

        public override bool Read() => inner.Read();
        public override Task<bool> ReadAsync(CancellationToken cancellationToken) => inner.ReadAsync(cancellationToken);
        public override bool NextResult() => inner.NextResult();
        public override Task<bool> NextResultAsync(CancellationToken cancellationToken) => inner.NextResultAsync(cancellationToken);
        public override bool IsDBNull(int ordinal) => inner.IsDBNull(ordinal);
        public override Task<bool> IsDBNullAsync(int ordinal, CancellationToken cancellationToken) => inner.IsDBNullAsync(ordinal, cancellationToken);
        public override T GetFieldValue<T>(int ordinal) => inner.GetFieldValue<T>(ordinal);
        public override Task<T> GetFieldValueAsync<T>(int ordinal, CancellationToken cancellationToken) => inner.GetFieldValueAsync<T>(ordinal, cancellationToken);
        public override bool GetBoolean(int ordinal) => inner.GetBoolean(ordinal);
        public override byte GetByte(int ordinal) => inner.GetByte(ordinal);
        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => inner.GetBytes(ordinal, dataOffset, buffer, bufferOffset, length);
        public override char GetChar(int ordinal) => inner.GetChar(ordinal);
        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => inner.GetChars(ordinal, dataOffset, buffer, bufferOffset, length);
        public override string GetDataTypeName(int ordinal) => inner.GetDataTypeName(ordinal);
        public override DateTime GetDateTime(int ordinal) => inner.GetDateTime(ordinal);
        public override decimal GetDecimal(int ordinal) => inner.GetDecimal(ordinal);
        public override double GetDouble(int ordinal) => inner.GetDouble(ordinal);
        public override Type GetFieldType(int ordinal) => inner.GetFieldType(ordinal);
        public override float GetFloat(int ordinal) => inner.GetFloat(ordinal);
        public override Guid GetGuid(int ordinal) => inner.GetGuid(ordinal);
        public override short GetInt16(int ordinal) => inner.GetInt16(ordinal);
        public override int GetInt32(int ordinal) => inner.GetInt32(ordinal);
        public override long GetInt64(int ordinal) => inner.GetInt64(ordinal);
        public override string GetName(int ordinal) => inner.GetName(ordinal);
        public override int GetOrdinal(string name) => inner.GetOrdinal(name);
        public override string GetString(int ordinal) => inner.GetString(ordinal);
        public override Stream GetStream(int ordinal) => inner.GetStream(ordinal);
        public override TextReader GetTextReader(int ordinal) => inner.GetTextReader(ordinal);
        public override object GetValue(int ordinal) => inner.GetValue(ordinal);
        public override int GetValues(object[] values) => inner.GetValues(values);
        public override DataTable? GetSchemaTable() => inner.GetSchemaTable();
        public override IEnumerator GetEnumerator() => inner.GetEnumerator();

        // Dispose, DisposeAsync and CloseAsync all end here.
        public override void Close()
        {
            if (_returned)
                return;
            _returned = true;
            inner.Dispose();
            command.Parameters.Clear();
            cache.Return(slot);
        }
    }
}
