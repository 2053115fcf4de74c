using Microsoft.Extensions.Logging;

namespace Luffy.Web.Tests.Infrastructure;

/// <summary>Appends the app's errors to <c>luffy-test-errors.log</c> in the temp folder, so a 500 in a test can be read.</summary>
public sealed class ErrorLogProvider : ILoggerProvider
{
    public static readonly string File = Path.Combine(Path.GetTempPath(), "luffy-test-errors.log");
    private static readonly Lock Gate = new();

    public ILogger CreateLogger(string categoryName) => new ErrorLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class ErrorLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            lock (Gate)
                System.IO.File.AppendAllText(File, $"{DateTime.UtcNow:O} {logLevel} {category}: {formatter(state, exception)}\n{exception}\n\n");
        }
    }
}
