namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>
/// Data folders for the caches the tests' AppHosts run (<c>Cache:DataPath</c>), under the temp folder, one per run and
/// removed when the test process ends: a test must never read or write the developer's own cache data, which lives
/// under the user's profile.
/// </summary>
internal static class TestCacheData
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var root = Directory.CreateTempSubdirectory("cursoraspire-apphost-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A cache still stopping holds a file: the temp folder's own clean-up takes it later.
            }
        };
        return root;
    });

    /// <summary>A folder no other run uses (not created: the cache creates it when it starts).</summary>
    public static string NewFolder() => Path.Combine(Root.Value, Guid.NewGuid().ToString("N"));

    /// <summary>The command-line setting for a fresh folder.</summary>
    public static string NewSetting() => $"--Cache:DataPath={NewFolder()}";
}
