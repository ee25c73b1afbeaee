using System.Text.Json;

namespace CursorAspire.Tunnel.Tests;

/// <summary>
/// What a tunnel puts in the publishing manifest: a named tunnel's cloudflared container with its token as a parameter;
/// never a quick tunnel; and nothing probed on the publishing machine.
/// </summary>
public sealed class CloudflareTunnelPublishTests
{
    [Fact]
    public async Task PublishingProbesNothingAndPublishesANamedTunnelsContainer()
    {
        var (manifest, probed) = await PublishAsync(named: true);

        Assert.False(probed, "publishing probed the container runtime");
        var tunnel = manifest.GetProperty("resources").GetProperty("tunnel");
        Assert.Equal("container.v0", tunnel.GetProperty("type").GetString());
        Assert.Equal($"docker.io/cloudflare/cloudflared:{PinnedVersions.Cloudflared}", tunnel.GetProperty("image").GetString());
        Assert.Equal(["tunnel", "--no-autoupdate", "run"], tunnel.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("{token.value}", tunnel.GetProperty("env").GetProperty("TUNNEL_TOKEN").GetString());
        Assert.False(tunnel.TryGetProperty("bindings", out _)); // cloudflared dials out; nothing dials in
        Assert.Equal("https://cursor.example.com", manifest.GetProperty("resources").GetProperty("proxy").GetProperty("env").GetProperty("Proxy__PublicBaseUrl").GetString());
    }

    [Fact]
    public async Task AQuickTunnelIsNeverPublished()
    {
        var (manifest, probed) = await PublishAsync(named: false);

        Assert.False(probed, "publishing probed the container runtime");
        Assert.False(manifest.GetProperty("resources").TryGetProperty("tunnel", out _));
        var proxy = manifest.GetProperty("resources").GetProperty("proxy");
        Assert.False(proxy.TryGetProperty("env", out var environment) && environment.TryGetProperty("Proxy__PublicBaseUrl", out _));
    }

    /// <summary>Publishes a target behind a tunnel (named or quick) with a runtime probe that would leave a file behind.</summary>
    private static async Task<(JsonElement Manifest, bool Probed)> PublishAsync(bool named)
    {
        var directory = Directory.CreateTempSubdirectory("tunnel-manifest-");
        try
        {
            var path = Path.Combine(directory.FullName, "manifest.json");
            var probed = Path.Combine(directory.FullName, "probed");
            var builder = DistributedApplicationTestingBuilder.Create("--publisher", "manifest", "--output-path", path);
            var target = builder.AddContainer("proxy", "example/proxy", "1.0").WithHttpEndpoint(targetPort: 8080);
            var tunnel = builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"), o =>
            {
                o.ContainerRuntime = "auto";
                o.ContainerRuntimeProbes = [new("sh", ["-c", $"touch {probed}"])];
            });
            if (named)
            {
                tunnel.WithNamedTunnel(builder.AddParameter("token", secret: true), "cursor.example.com");
            }

            target.WithTunnelPublicUrl(tunnel);
            Assert.True(builder.ExecutionContext.IsPublishMode);
            await using (var app = await builder.BuildAsync())
            {
                await app.RunAsync();
            }

            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(path));
            return (manifest.RootElement.Clone(), File.Exists(probed));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
