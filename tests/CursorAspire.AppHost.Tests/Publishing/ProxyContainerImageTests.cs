namespace CursorAspire.AppHost.Tests.Publishing;

/// <summary>
/// The proxy's container image as the SDK would build it (<c>dotnet publish -t:PublishContainer</c>): read from the
/// project's evaluated MSBuild properties, since building it needs the base image from a registry this machine cannot reach.
/// </summary>
public sealed class ProxyContainerImageTests
{
    private static async Task<JsonElement> EvaluateAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (exitCode, output) = await Repository.DotnetAsync(
        [
            "msbuild", Path.Combine("CursorAspire.Proxy", "CursorAspire.Proxy.csproj"), "-t:ComputeContainerBaseImage", "-p:RuntimeIdentifier=linux-x64",
            "-getProperty:ContainerBaseImage", "-getProperty:ContainerUser", "-getProperty:ContainerRepository", "-getProperty:EnableSdkContainerSupport",
            "-getItem:ContainerPort", "-getItem:ContainerEnvironmentVariable", "-getItem:ContainerLabel",
        ], timeout.Token);
        Assert.True(exitCode == 0, $"dotnet msbuild exited with {exitCode}:\n{output}");
        return JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]).RootElement.Clone();
    }

    private static Dictionary<string, string> Items(JsonElement evaluation, string item, string metadata) =>
        evaluation.GetProperty("Items").GetProperty(item).EnumerateArray()
            .ToDictionary(i => i.GetProperty("Identity").GetString()!, i => i.TryGetProperty(metadata, out var m) ? m.GetString()! : "");

    [Fact]
    public async Task ChiseledNonRootOnPort8080WithItsHealthEndpoints()
    {
        var evaluation = await EvaluateAsync();
        var properties = evaluation.GetProperty("Properties");

        Assert.Equal("true", properties.GetProperty("EnableSdkContainerSupport").GetString());
        Assert.Equal("cursoraspire-proxy", properties.GetProperty("ContainerRepository").GetString());
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/aspnet:\d+\.\d+-noble-chiseled$", properties.GetProperty("ContainerBaseImage").GetString());
        var user = int.Parse(properties.GetProperty("ContainerUser").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(user > 0, "the image runs as a user, not root, given by number so runAsNonRoot can check it");
        Assert.Equal("tcp", Items(evaluation, "ContainerPort", "Type")["8080"]);
        Assert.Equal("8080", Items(evaluation, "ContainerEnvironmentVariable", "Value")["ASPNETCORE_HTTP_PORTS"]);
        var labels = Items(evaluation, "ContainerLabel", "Value");
        Assert.Equal("/health", labels["com.cursoraspire.health.startup"]);
        Assert.Equal("/alive", labels["com.cursoraspire.health.liveness"]);
        Assert.Equal("/alive", labels["com.cursoraspire.health.readiness"]);
    }

    [Fact]
    public void NoDockerfile()
    {
        var dockerfiles = Directory.EnumerateFiles(Repository.Root, "*Dockerfile*", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git"));

        Assert.Empty(dockerfiles);
    }
}
