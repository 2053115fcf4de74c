using System.Runtime.InteropServices;

namespace Luffy.Web.Extensions;

/// <summary>Caps the number of glibc malloc arenas (Linux).</summary>
/// <remarks>
/// glibc gives threads that allocate at the same time arenas of their own, up to eight per core, and never
/// gives an arena back. Native allocations here (SQLite, OpenSSL, the JIT) come from whichever thread pool
/// thread runs the request, so under load every busy thread ended up with an arena and its own free pages.
/// With two arenas the embedded app's peak RSS was 0–16 MB lower in the runs of bench/RESULTS.md (2026-11-30),
/// at the same throughput within the runs' noise. The runtime's own start-up threads have made theirs before
/// Main; this caps the rest.
/// Where the C library is not glibc the call is not there and nothing changes.
/// </remarks>
internal static class MallocArenas
{
    private const int M_ARENA_MAX = -8;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    public static void Limit(int arenas = 2)
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            MallOpt(M_ARENA_MAX, arenas);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // musl and other C libraries: no mallopt, and no per-thread arenas to cap.
        }
    }
}
