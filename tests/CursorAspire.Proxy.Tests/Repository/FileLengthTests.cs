namespace CursorAspire.Proxy.Tests.Repository;

/// <summary>
/// A source file longer than <see cref="MaxLines"/> lines says why near its top: a comment within its first
/// <see cref="HeaderLines"/> lines that names the limit ("… over 300 lines because …"). Every source and build file of
/// the repository counts, the tests' included.
/// </summary>
public sealed class FileLengthTests
{
    private const int MaxLines = 300;
    private const int HeaderLines = 40;

    private static readonly string[] SourcePatterns = ["*.cs", "*.csproj", "*.props", "*.targets", "*.sh", "*.ps1", "run"];

    [Fact]
    public void FilesOverThreeHundredLinesSayWhy()
    {
        var files = RepositoryRoot.Files(".", SourcePatterns).ToList();
        Assert.True(files.Count > 100, $"Only {files.Count} source files found: the patterns no longer match the repository.");

        var unexplained = files
            .Select(path => (Path: path, Lines: File.ReadAllLines(path)))
            .Where(file => file.Lines.Length > MaxLines && !file.Lines.Take(HeaderLines).Any(SaysWhy))
            .Select(file => $"{RepositoryRoot.Relative(file.Path)} ({file.Lines.Length} lines)")
            .ToList();
        Assert.True(unexplained.Count == 0,
            $"Files over {MaxLines} lines without a comment near the top saying why (\"… over {MaxLines} lines because …\"); split them, or say why they are one:\n" +
            string.Join("\n", unexplained));
    }

    private static bool SaysWhy(string line)
    {
        var text = line.TrimStart();
        return (text.StartsWith("//", StringComparison.Ordinal) || text.StartsWith('#') || text.StartsWith("<!--", StringComparison.Ordinal))
            && text.Contains($"{MaxLines} lines", StringComparison.Ordinal);
    }
}
