namespace CursorAspire.AppHost.Tests.Publishing;

/// <summary>The command a user runs (docs/deploy.md), as they run it, on this machine without a container runtime.</summary>
[Collection(AspireRunsCollection.Name)]
public sealed class PublishCommandTests
{
    [Fact]
    public async Task TheDocumentedPublishCommandWritesADeployableManifestWithoutDocker()
    {
        var directory = Directory.CreateTempSubdirectory("cursoraspire-publish-");
        try
        {
            var path = Path.Combine(directory.FullName, "manifest.json");
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

            var (exitCode, output) = await Repository.DotnetAsync(
            [
                "run", "--project", "CursorAspire.AppHost", "--no-build", "-c", Repository.Configuration, "--",
                "--publisher", "manifest", "--output-path", path, .. AppHostModel.TestParameters, .. AppHostModel.NoLocalServices,
            ], timeout.Token);

            Assert.True(exitCode == 0, $"dotnet run … --publisher manifest exited with {exitCode}:\n{output}");
            var manifest = PublishedManifest.Read(await File.ReadAllTextAsync(path, timeout.Token));
            Assert.Empty(manifest.Problems());
            Assert.Empty(manifest.SecretsNotAsParameters());
            Assert.Equal(["cache", "ollama", "proxy"], manifest.Resources.Where(r => r.Value.GetProperty("type").GetString() is "container.v0" or "project.v0").Select(r => r.Key).Order());
            Assert.Contains("publishing: the container model", output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
