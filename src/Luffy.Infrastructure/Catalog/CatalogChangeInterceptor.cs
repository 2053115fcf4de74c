using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Luffy.Infrastructure.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Luffy.Infrastructure.Catalog;

/// <summary>
/// Tells the <see cref="CatalogCache"/> when a command that writes a table behind <see cref="CourseOffer"/>
/// has committed: at once outside a transaction, at the commit inside one (a rollback changed nothing).
/// </summary>
/// <remarks>
/// Commands are matched by text, so SaveChanges, ExecuteUpdate/Delete and raw SQL all count. A command that
/// merely mentions a catalog table (a write elsewhere that reads it) empties the cache needlessly, never wrongly.
/// </remarks>
public sealed class CatalogChangeInterceptor(CatalogCache cache) : DbCommandInterceptor, IDbTransactionInterceptor
{
    private static readonly Type[] CatalogEntities =
        [typeof(Course), typeof(CourseExpire), typeof(CoursePriceDiscount), typeof(Activity), typeof(Discount), typeof(DiscountType)];

    private readonly ConditionalWeakTable<DbTransaction, object> _changedIn = new();
    private Regex? _tables;

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Executed(command, eventData);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Executed(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Executed(command, eventData);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Executed(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Executed(command, eventData);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Executed(command, eventData);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (_changedIn.Remove(transaction))
            cache.Changed();
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => _changedIn.Remove(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _changedIn.Remove(transaction);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => _changedIn.Remove(transaction);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        _changedIn.Remove(transaction);
        return Task.CompletedTask;
    }

    private void Executed(DbCommand command, CommandEventData eventData)
    {
        if (CommandText.IsSelect(command) || eventData.Context is not { } context || !Tables(context).IsMatch(command.CommandText))
            return;
        if (command.Transaction is { } transaction)
            _changedIn.AddOrUpdate(transaction, this);
        else
            cache.Changed();
    }

    // The table names come from the model (both providers map the same names); a name is matched whole, so
    // ly_course does not match ly_course_chapter.
    private Regex Tables(DbContext context) => _tables ??= new Regex(
        @"\b(" + string.Join('|', CatalogEntities.Select(t => Regex.Escape(context.Model.FindEntityType(t)!.GetTableName()!))) + @")\b",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
}
