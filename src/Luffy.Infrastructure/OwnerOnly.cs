using System.Security.Cryptography;

namespace Luffy.Infrastructure;

/// <summary>
/// The data directory's secrets (database, signing keys, Garnet's password and files) are readable by the owner only:
/// directories 0700, files 0600. Files are created with that mode, and a start tightens what an older version or a
/// copy left looser. On Windows the ACLs of the user's folders do this job and nothing here applies.
/// </summary>
public static class OwnerOnly
{
    public const UnixFileMode FilePermissions = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryPermissions = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> (and its parents) if missing and makes it 0700.</summary>
    public static void Directory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
            return;
        }
        System.IO.Directory.CreateDirectory(path, DirectoryPermissions);
        System.IO.File.SetUnixFileMode(path, DirectoryPermissions);
    }

    /// <summary>Makes <paramref name="path"/> 0600 if it exists.</summary>
    public static void File(string path)
    {
        if (!OperatingSystem.IsWindows() && System.IO.File.Exists(path))
            System.IO.File.SetUnixFileMode(path, FilePermissions);
    }

    /// <summary>Makes the files directly in <paramref name="directory"/> that match <paramref name="pattern"/> 0600.</summary>
    public static void Files(string directory, string pattern)
    {
        if (System.IO.Directory.Exists(directory))
            foreach (var file in System.IO.Directory.EnumerateFiles(directory, pattern))
                File(file);
    }

    /// <summary>Writes a new file that is 0600 from its first byte; false when it already existed (another process was first).</summary>
    public static bool TryCreate(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = FilePermissions;
        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(content);
            return true;
        }
        catch (IOException) when (System.IO.File.Exists(path))
        {
            return false;
        }
    }

    /// <summary>The secret kept in <paramref name="path"/>: 32 random bytes in base64url, generated at the first call.</summary>
    public static string Secret(string path)
    {
        // An empty file is a creation that a crash interrupted before the write: nothing was ever protected by it.
        if (System.IO.File.Exists(path) && new FileInfo(path).Length == 0)
            System.IO.File.Delete(path);
        if (!System.IO.File.Exists(path))
            TryCreate(path, System.Text.Encoding.ASCII.GetBytes(Base64Url(RandomNumberGenerator.GetBytes(32))));
        File(path);
        return System.IO.File.ReadAllText(path).Trim();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
