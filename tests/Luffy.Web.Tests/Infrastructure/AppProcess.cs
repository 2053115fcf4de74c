using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Luffy.Web.Tests.Infrastructure;

/// <summary>
/// The app as a user runs it: <c>dotnet Luffy.Web.dll</c> in its own process, on a given data directory, with its
/// console log recorded. Its own process, so that <see cref="Kill"/> is a real SIGKILL.
/// </summary>
public sealed partial class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _garnet = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every line the app wrote, standard output and error.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public string DataDirectory { get; }

    private AppProcess(string dataDirectory, bool seedDemoData)
    {
        DataDirectory = dataDirectory;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Luffy.Web.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["Luffy__DataDirectory"] = dataDirectory;
        start.Environment["Luffy__SeedDemoData"] = seedDemoData ? "true" : "false";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.Exited += (_, _) =>
        {
            var exited = new InvalidOperationException($"The app exited ({_process.ExitCode}):\n{string.Join('\n', Log)}");
            _garnet.TrySetException(exited);
            _listening.TrySetException(exited);
            _started.TrySetException(exited);
        };
        _process.EnableRaisingEvents = true;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts the app and waits until it serves requests.</summary>
    public static async Task<AppProcess> StartAsync(string dataDirectory, bool seedDemoData = false)
    {
        var app = new AppProcess(dataDirectory, seedDemoData);
        try
        {
            await app._started.Task.WaitAsync(TimeSpan.FromSeconds(90));
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    public Uri BaseAddress => _listening.Task.Result;

    public HttpClient Http() => new() { BaseAddress = BaseAddress };

    /// <summary>
    /// A connection to the app's embedded Garnet, with the password from the data directory. Its timeouts are a
    /// minute: the tests write bursts of megabytes that Garnet answers only once they are in its file, and on a loaded
    /// machine the client's default 5 s to flush them failed a run (what is measured is what survives, not how fast).
    /// </summary>
    public Task<ConnectionMultiplexer> RedisAsync() => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
    {
        EndPoints = { GarnetEndpoint },
        Password = File.ReadAllText(Path.Combine(DataDirectory, "garnet", "password")).Trim(),
        SyncTimeout = 60_000,
        AsyncTimeout = 60_000,
    });

    public string GarnetEndpoint => _garnet.Task.Result;

    /// <summary>Lines logged at Warning or above (the console's <c>warn</c>, <c>fail</c>, <c>crit</c>).</summary>
    public IReadOnlyList<string> Warnings => Log.Where(l => WarningLine().IsMatch(l)).ToList();

    /// <summary>SIGKILL: no shutdown code runs, as when the machine's OOM killer or an operator's <c>kill -9</c> stops it.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
            return;
        Log.Enqueue(line);
        if (GarnetLine().Match(line) is { Success: true } garnet)
            _garnet.TrySetResult(garnet.Groups[1].Value);
        else if (ListeningLine().Match(line) is { Success: true } listening)
            _listening.TrySetResult(new Uri(listening.Groups[1].Value));
        else if (line.Contains("Application started.", StringComparison.Ordinal))
            _started.TrySetResult();
    }

    [GeneratedRegex(@"Embedded Garnet listening on (\S+),")]
    private static partial Regex GarnetLine();

    [GeneratedRegex(@"Now listening on: (\S+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^\s*(warn|fail|crit):")]
    private static partial Regex WarningLine();
}
