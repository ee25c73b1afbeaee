namespace CursorAspire.Tunnel.Tests.Machine;

/// <summary>The one PATH lookup the tunnel (cloudflared) and the AppHost (ollama, redis-server) share.</summary>
public sealed class ExecutableLocatorTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cursoraspire-locator-");

    public void Dispose() => _root.Delete(recursive: true);

    private string CreateFile(string relativePath)
    {
        var path = Path.Combine(_root.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");
        return path;
    }

    [Fact]
    public void ABareNameIsFoundInTheFirstPathDirectoryThatHasIt()
    {
        CreateFile(Path.Combine("empty", "other-tool"));
        var first = CreateFile(Path.Combine("first", "cloudflared"));
        CreateFile(Path.Combine("second", "cloudflared"));
        var searchPath = string.Join(Path.PathSeparator, new[] { "empty", "first", "second" }.Select(d => Path.Combine(_root.FullName, d)));

        Assert.Equal(first, ExecutableLocator.Find("cloudflared", baseDirectory: null, searchPath));
    }

    [Fact]
    public void ARelativePathIsResolvedAgainstTheBaseDirectoryNotSearchedOnPath()
    {
        var tool = CreateFile(Path.Combine("apphost", "tools", "ollama"));
        CreateFile(Path.Combine("onpath", "ollama"));

        var found = ExecutableLocator.Find(Path.Combine("tools", "ollama"), Path.Combine(_root.FullName, "apphost"), Path.Combine(_root.FullName, "onpath"));

        Assert.Equal(tool, found);
    }

    [Fact]
    public void AFullPathIsTakenAsGivenWhenTheFileExists()
    {
        var tool = CreateFile("redis-server");

        Assert.Equal(tool, ExecutableLocator.Find(tool));
        Assert.Null(ExecutableLocator.Find(Path.Combine(_root.FullName, "missing", "redis-server")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not-installed-anywhere")]
    public void NothingFoundIsNull(string? command) =>
        Assert.Null(ExecutableLocator.Find(command, baseDirectory: null, _root.FullName));
}
