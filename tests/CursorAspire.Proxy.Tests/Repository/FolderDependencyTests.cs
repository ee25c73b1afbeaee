using System.Text.RegularExpressions;

namespace CursorAspire.Proxy.Tests.Repository;

/// <summary>
/// The proxy's folders depend on each other in one direction only: the graph of which folder's code names which other
/// folder (its <c>using</c> directives, and types named by their folder) has no cycle, so each stage can be read, and
/// changed, with only what is below it in mind. Test folders mirror the proxy's folders.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private const string Project = "CursorAspire.Proxy";
    private const string RootNode = "(root)";

    [Fact]
    public void ProxyFoldersHaveNoCycle()
    {
        var folders = Directory.EnumerateDirectories(Path.Combine(RepositoryRoot.Path, Project)).Select(Path.GetFileName).ToHashSet()!;
        var files = RepositoryRoot.Files(Project, "*.cs").Select(path => new SourceFile(path, File.ReadAllText(path), folders)).ToList();
        var typesByFolder = files
            .SelectMany(f => TypeDeclaration().Matches(f.Text).Select(m => (f.Folder, Type: m.Groups["name"].Value)))
            .ToLookup(t => t.Folder, t => t.Type);
        var edges = new Dictionary<(string From, string To), string>();
        foreach (var file in files)
        {
            foreach (var target in References(file, typesByFolder, folders).Where(t => t != file.Folder))
            {
                edges.TryAdd((file.Folder, target), RepositoryRoot.Relative(file.Path));
            }
        }
        Assert.True(edges.Count > 20, $"Only {edges.Count} folder dependencies found: the patterns no longer match the sources.");

        var cycles = StronglyConnected(edges.Keys).Where(component => component.Count > 1).ToList();
        Assert.True(cycles.Count == 0, "Folder cycles in the proxy (each edge with one file that makes it):\n" + string.Join("\n", cycles.Select(component =>
            string.Join(", ", component) + ":\n" + string.Join("\n", edges.Where(e => component.Contains(e.Key.From) && component.Contains(e.Key.To))
                .Select(e => $"  {e.Key.From} -> {e.Key.To} ({e.Value})")))));
    }

    [Fact]
    public void ProxyTestFoldersMirrorTheProxysFolders()
    {
        var testsRoot = Path.Combine(RepositoryRoot.Path, "tests", "CursorAspire.Proxy.Tests");
        var strays = Directory.EnumerateDirectories(testsRoot, "*", SearchOption.AllDirectories)
            .Select(dir => Path.GetRelativePath(testsRoot, dir))
            .Where(dir => dir.Split(Path.DirectorySeparatorChar)[0] is not ("bin" or "obj" or "Infrastructure" or "Repository"))
            .Where(dir => !Directory.Exists(Path.Combine(RepositoryRoot.Path, Project, dir)))
            .ToList();
        Assert.True(strays.Count == 0, "Test folders with no proxy folder of the same name: " + string.Join(", ", strays));
    }

    /// <summary>The proxy folders <paramref name="file"/> names: by using directive, by full name, or by a type's folder-qualified name.</summary>
    private static IEnumerable<string> References(SourceFile file, ILookup<string, string> typesByFolder, IReadOnlySet<string?> folders)
    {
        foreach (Match match in ProxyName().Matches(file.Text))
        {
            yield return FolderOf(match.Value, folders);
        }
        foreach (Match match in FolderQualifiedName().Matches(file.Text))
        {
            if (typesByFolder[match.Groups["folder"].Value].Contains(match.Groups["type"].Value))
            {
                yield return match.Groups["folder"].Value;
            }
        }
        // Types of the root namespace are in scope everywhere without a using.
        foreach (var type in typesByFolder[RootNode])
        {
            if (file.Folder != RootNode && Regex.IsMatch(file.Text, $@"\b{type}\b"))
            {
                yield return RootNode;
            }
        }
    }

    /// <summary>The top-level folder a name of the proxy's is in (sub-folders belong to theirs; anything else is the root's).</summary>
    private static string FolderOf(string name, IReadOnlySet<string?> folders)
    {
        var parts = name.Split('.');
        return parts.Length > 2 && folders.Contains(parts[2]) ? parts[2] : RootNode;
    }

    /// <summary>Tarjan's strongly connected components of the folder graph.</summary>
    private static List<List<string>> StronglyConnected(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var nodes = next.Keys.Concat(next.Values.SelectMany(v => v)).Distinct().ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var components = new List<List<string>>();
        foreach (var node in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }
        return components;

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var target in next.GetValueOrDefault(node) ?? [])
            {
                if (!index.TryGetValue(target, out var targetIndex))
                {
                    Visit(target);
                    low[node] = Math.Min(low[node], low[target]);
                }
                else if (stack.Contains(target))
                {
                    low[node] = Math.Min(low[node], targetIndex);
                }
            }
            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }
    }

    private sealed class SourceFile(string path, string text, IReadOnlySet<string?> folders)
    {
        public string Path { get; } = path;

        public string Text { get; } = text;

        public string Folder { get; } = FolderOf(FileNamespace().Match(text) is { Success: true } match ? match.Groups["ns"].Value : Project, folders);
    }

    [GeneratedRegex(@"^namespace\s+(?<ns>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    // using X; using static X; using A = X; and fully qualified names in code and crefs (the bare project name is a
    // namespace only in a using directive: elsewhere it is text, such as a --project argument).
    [GeneratedRegex(@"(?<![\w.])CursorAspire\.Proxy(?:\.\w+)+|(?<=using\s+)CursorAspire\.Proxy(?=\s*;)")]
    private static partial Regex ProxyName();

    // A type named by its folder inside the proxy's namespace: Context.ChatCallContext, Http.UpstreamHttp.
    [GeneratedRegex(@"(?<![\w.])(?<folder>[A-Z]\w*)\.(?<type>[A-Z]\w*)\b")]
    private static partial Regex FolderQualifiedName();

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(?<name>[A-Z]\w*)")]
    private static partial Regex TypeDeclaration();
}
