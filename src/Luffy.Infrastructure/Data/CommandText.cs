using System.Data.Common;

namespace Luffy.Infrastructure.Data;

/// <summary>What the app's command interceptors read from a command's SQL text.</summary>
internal static class CommandText
{
    /// <summary>
    /// A read: what <see cref="SqliteStatementCache"/> may run
    /// elsewhere.
    /// </summary>
    public static bool IsSelect(DbCommand command) =>
        command.CommandText.AsSpan().TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);
}
