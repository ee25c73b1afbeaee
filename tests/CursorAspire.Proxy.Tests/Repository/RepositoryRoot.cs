namespace CursorAspire.Proxy.Tests.Repository;

/// <summary>The repository's own files, found from the test's output folder upwards (the folder with CursorAspire.sln).</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>Files below <paramref name="folder"/> (relative to the root) matching any of <paramref name="patterns"/>, without bin, obj and .git.</summary>
    public static IEnumerable<string> Files(string folder, params string[] patterns) =>
        patterns.SelectMany(pattern => Directory.EnumerateFiles(System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, folder)), pattern, SearchOption.AllDirectories))
            .Where(path => !Relative(path).Split(System.IO.Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git"))
            .Distinct();

    public static string Relative(string path) => System.IO.Path.GetRelativePath(Path, path);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "CursorAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"CursorAspire.sln was not found above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
