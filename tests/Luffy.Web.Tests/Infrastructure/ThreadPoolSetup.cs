using System.Runtime.CompilerServices;

namespace Luffy.Web.Tests.Infrastructure;

internal static class ThreadPoolSetup
{
    /// <summary>
    /// This test process hosts some twenty apps at once (each with its SQLite file, Garnet server and Kestrel) on
    /// two cores; Microsoft.Data.Sqlite waits for locks synchronously. With the default minimum of one worker per
    /// core the pool grows too slowly and Redis replies wait in its queue past their timeout, so start it wider.
    /// </summary>
    [ModuleInitializer]
    internal static void Widen() => ThreadPool.SetMinThreads(64, 64);
}
