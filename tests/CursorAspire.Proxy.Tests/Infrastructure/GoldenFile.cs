using CursorAspire.Proxy.Tests.Repository;

namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// Bytes pinned in a file under <c>tests/fixtures/&lt;folder&gt;/</c> (copied next to the tests): a golden test compares
/// with it, and <c>CURSORASPIRE_UPDATE_GOLDEN=1</c> writes it anew (the test then fails, so the diff is reviewed first).
/// </summary>
internal static class GoldenFile
{
    public static void AssertSame(string folder, string name, string actual)
    {
        var goldenPath = Path.Combine(AppContext.BaseDirectory, "fixtures", folder, name);
        if (Environment.GetEnvironmentVariable("CURSORASPIRE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(RepositoryRoot.Path, "tests", "fixtures", folder, name), actual);
            Assert.Fail($"Wrote {name}: review the diff, commit it and run again without CURSORASPIRE_UPDATE_GOLDEN.");
        }
        Assert.True(File.Exists(goldenPath), $"No golden file {folder}/{name}: run once with CURSORASPIRE_UPDATE_GOLDEN=1, review and commit it.");
        Assert.Equal(File.ReadAllText(goldenPath), actual);
    }
}
