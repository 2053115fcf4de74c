using System.Reflection;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;

namespace Luffy.Infrastructure.Data;

/// <summary>
/// The China date (UTC+8, no daylight saving) of a UTC time, inside a query: what the reports group their days by.
/// SQLite: <c>date(t, '+8 hours')</c>; PostgreSQL: <c>date(timezone(INTERVAL '8 hours', t))</c>. EF Core's own
/// <c>t.AddHours(8).Date</c> formats every row's time to the microsecond and trims it on SQLite, which made a year's
/// report on a million orders twice as slow (bench/RESULTS.md, Reports).
/// </summary>
public static class ChinaDate
{
    /// <summary>Only for queries: the database computes it.</summary>
    public static DateOnly? Of(DateTime? utc) => throw new InvalidOperationException("ChinaDate.Of runs in SQL only.");

    private static readonly MethodInfo Method = typeof(ChinaDate).GetMethod(nameof(Of))!;

    internal static void MapForSqlite(ModelBuilder model) =>
        model.HasDbFunction(Method).HasTranslation(a =>
            new SqlFunctionExpression("date", [a[0], new SqlFragmentExpression("'+8 hours'")], nullable: true, argumentsPropagateNullability: [true, false], typeof(DateOnly), null));

    internal static void MapForNpgsql(ModelBuilder model) =>
        model.HasDbFunction(Method).HasTranslation(a =>
            new SqlFunctionExpression("date", [
                // The inner value is a timestamp without time zone; only the outer date is read, so the column's mapping will do.
                new SqlFunctionExpression("timezone", [new SqlFragmentExpression("INTERVAL '8 hours'"), a[0]], nullable: true, argumentsPropagateNullability: [false, true], typeof(DateTime), a[0].TypeMapping),
            ], nullable: true, argumentsPropagateNullability: [true], typeof(DateOnly), null));
}
