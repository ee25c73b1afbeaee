using System.Text.RegularExpressions;

namespace CursorAspire.Proxy.Tests.Repository;

/// <summary>
/// A fresh clone must build, test and run with nothing beside it: no project, script or source file may reach a path
/// outside the repository (such as a <c>../shared</c> folder that exists only on the build machines).
/// </summary>
public sealed partial class RepositoryContainmentTests
{
    private static readonly string Root = RepositoryRoot.Path;

    [Fact]
    public void MSBuildPathsResolveInsideTheRepository()
    {
        var escapes = new List<string>();
        var checkedPaths = 0;
        foreach (var file in RepositoryFiles("*.csproj", "*.props", "*.targets", "*.sln"))
        {
            var directory = Path.GetDirectoryName(file)!;
            foreach (Match match in MSBuildPath().Matches(File.ReadAllText(file)))
            {
                var value = match.Groups["path"].Value;
                var wildcard = value.IndexOfAny(['*', '?', '$', '%', '@']);
                var literal = (wildcard >= 0 ? value[..wildcard] : value).Replace('\\', Path.DirectorySeparatorChar);
                var resolved = Path.GetFullPath(Path.Combine(directory, literal));
                checkedPaths++;
                if (!IsInside(resolved))
                {
                    escapes.Add($"{Relative(file)}: '{value}' resolves to {resolved}");
                }
            }
        }
        Assert.True(checkedPaths > 10, $"Only {checkedPaths} relative paths found: the pattern no longer matches the project files.");
        Assert.True(escapes.Count == 0, "Paths that leave the repository:\n" + string.Join("\n", escapes));
    }

    [Fact]
    public void SourcesAndScriptsNameNoPathAboveTheRepository()
    {
        var offenders = new List<string>();
        // This file names the patterns it looks for, so it is the one file not searched.
        foreach (var file in RepositoryFiles("*.cs", "*.sh", "*.json", "run").Where(f => Path.GetFileName(f) != $"{nameof(RepositoryContainmentTests)}.cs"))
        {
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNumber++;
                if (ParentPathLiteral().IsMatch(line) || line.Contains("cursor-fixtures", StringComparison.Ordinal))
                {
                    offenders.Add($"{Relative(file)}:{lineNumber}: {line.Trim()}");
                }
            }
        }
        Assert.True(offenders.Count == 0, "Source lines that point above the repository:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void CursorFixturesAreTheRepositorysOwnCopies()
    {
        foreach (var name in CursorFixtures.All)
        {
            Assert.True(File.Exists(Path.Combine(Root, "tests", "fixtures", "cursor", name)), $"tests/fixtures/cursor/{name} is missing.");
            Assert.True(IsInside(CursorFixtures.Path(name)) || CursorFixtures.Path(name).StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal),
                $"{name} was read from {CursorFixtures.Path(name)}, outside the repository and the test output.");
        }
    }

    // Include/Project/Link attributes and the solution's project entries that start by going up a folder.
    [GeneratedRegex(""""(?:Include|Project|Update|Remove|Link|Sdk|Condition)\s*=\s*"(?<path>\.\.[\\/][^"]*)"|"(?<path>\.\.[\\/][^"]*\.(?:csproj|props|targets))"""")]
    private static partial Regex MSBuildPath();

    // A string literal that starts with a parent folder ("../x", "..\\x") or names ".." as a path segment ("..", ).
    [GeneratedRegex("""["'](?:\.\.[\\/]|\.\.["'],)""")]
    private static partial Regex ParentPathLiteral();

    private static IEnumerable<string> RepositoryFiles(params string[] patterns) => RepositoryRoot.Files(".", patterns);

    private static bool IsInside(string path) =>
        Path.GetFullPath(path).StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string Relative(string path) => RepositoryRoot.Relative(path);
}
