namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>
/// Data folders for the caches the tests' AppHosts run (<c>Cache:DataPath</c>), under the temp folder, one per run: a
/// test must never read or write the developer's own cache data, which lives under the user's profile. The folders of
/// a test process are removed when it exits normally, and any a killed test process left behind by the next run.
/// </summary>
internal static class TestCacheData
{
    private const string Prefix = "cursoraspire-apphost-tests-";

    private static readonly Lazy<string> Root = new(() =>
    {
        RemoveLeftovers();
        var root = Path.Combine(Path.GetTempPath(), Prefix + Environment.ProcessId);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    });

    /// <summary>A folder no other run uses (not created: the cache creates it when it starts).</summary>
    public static string NewFolder() => Path.Combine(Root.Value, Guid.NewGuid().ToString("N"));

    /// <summary>The command-line setting for a fresh folder.</summary>
    public static string NewSetting() => $"--Cache:DataPath={NewFolder()}";

    // Folders of test processes that no longer run.
    private static void RemoveLeftovers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(folder).AsSpan(Prefix.Length), out var pid) && !IsRunning(pid))
            {
                TryDelete(folder);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A cache still stopping holds a file: the next run removes it.
        }
    }
}
