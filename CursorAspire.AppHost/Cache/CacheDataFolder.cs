using System.Security.Cryptography;
using System.Text;

namespace CursorAspire.AppHost.Cache;

/// <summary>
/// Where a cache run as a local process keeps its data: under the user's profile, one folder per AppHost (its path's
/// hash, as Aspire names a container's volume, so two clones do not share data) and per cache resource. Created
/// private to the user (0700) when the cache first starts; deleting it wipes the cache.
/// </summary>
/// <remarks>
/// Linux: <c>$XDG_DATA_HOME/cursoraspire</c> (else <c>~/.local/share/cursoraspire</c>); macOS:
/// <c>~/Library/Application Support/CursorAspire</c>; Windows: <c>%LOCALAPPDATA%\CursorAspire</c>.
/// </remarks>
public static class CacheDataFolder
{
    /// <summary>The folder every AppHost's caches live under, for this user.</summary>
    public static string Root =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            OperatingSystem.IsLinux() ? "cursoraspire" : "CursorAspire");

    /// <summary>The data folder of cache <paramref name="resourceName"/> of the AppHost in <paramref name="appHostDirectory"/>.</summary>
    public static string For(string appHostDirectory, string resourceName)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(appHostDirectory))))[..10];
        return Path.Combine(Root, $"apphost-{hash}", resourceName);
    }

    /// <summary>Creates <paramref name="path"/> (and its parents) readable by this user only, where the OS allows.</summary>
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            // Under the user's own profile, whose ACL already keeps other users out.
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
