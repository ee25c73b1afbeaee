using Aspire.Hosting.ApplicationModel;
using CursorAspire.AppHost.Tests.Infrastructure;

namespace CursorAspire.AppHost.Tests.Hosting;

/// <summary>How the AppHost puts the proxy on a public URL; nothing runs.</summary>
public sealed class TunnelModelTests
{
    [Fact]
    public async Task WithoutAFixedUrlACloudflaredQuickTunnelFrontsTheProxysHttpEndpoint()
    {
        using var fakes = new FakeExecutables();
        var cloudflared = fakes.Create("cloudflared");
        await using var builder = await AppHostModel.CreateAsync([.. AppHostModel.NoLocalServices, $"--CloudflareTunnel:CloudflaredPath={cloudflared}"]);

        var tunnel = Assert.IsType<CloudflareTunnelExecutableResource>(builder.Resource<ICloudflareTunnelResource>("tunnel"));
        Assert.Equal(cloudflared, tunnel.Command);
        var args = await tunnel.RawArgumentsAsync();
        Assert.Equal(["tunnel", "--no-autoupdate", "--url"], args.Take(3).Select(a => a.ToString()));
        var target = Assert.IsAssignableFrom<IManifestExpressionProvider>(args[3]);
        Assert.Equal("{proxy.bindings.http.url}", target.ValueExpression);
        Assert.False(tunnel.Tunnel.IsNamedTunnel);
    }

    [Fact]
    public async Task ProcessModeDecisionIsPassedOnSoTheTunnelNeverAddsAContainer()
    {
        await using var builder = await AppHostModel.CreateAsync([.. AppHostModel.NoLocalServices, "--CloudflareTunnel:CloudflaredPath=/nonexistent/cloudflared"]);

        // No container runtime and no cloudflared: left out with a reason, and no container in the model.
        var tunnel = Assert.IsType<CloudflareTunnelUnavailableResource>(builder.Resource<ICloudflareTunnelResource>("tunnel"));
        Assert.Contains("cloudflared", tunnel.Tunnel.UnavailableReason, StringComparison.Ordinal);
        Assert.DoesNotContain(builder.Resources, r => r.Annotations.OfType<ContainerImageAnnotation>().Any());
    }

    [Fact]
    public async Task ANamedTunnelTakesItsTokenAsASecretParameterAndKnowsItsUrlUpFront()
    {
        using var fakes = new FakeExecutables();
        await using var builder = await AppHostModel.CreateAsync(
            [.. AppHostModel.NoLocalServices, $"--CloudflareTunnel:CloudflaredPath={fakes.Create("cloudflared")}",
             "--CloudflareTunnel:Hostname=cursor.example.com", "--Parameters:cloudflare-tunnel-token=eyJ-test-token"]);

        Assert.True(builder.Resource<ParameterResource>("cloudflare-tunnel-token").Secret);
        var tunnel = Assert.IsType<CloudflareTunnelExecutableResource>(builder.Resource<ICloudflareTunnelResource>("tunnel"));
        Assert.True(tunnel.Tunnel.IsNamedTunnel);
        Assert.Equal(new Uri("https://cursor.example.com"), tunnel.Tunnel.PublicUrl);
        Assert.DoesNotContain("eyJ-test-token", string.Join(' ', await tunnel.RawArgumentsAsync())); // the token travels in TUNNEL_TOKEN
        var proxyEnv = await builder.Resource<ProjectResource>("proxy").RunEnvironmentAsync();
        Assert.Equal("https://cursor.example.com", proxyEnv["Proxy__PublicBaseUrl"].ToString());
    }

    [Fact]
    public async Task AFixedPublicUrlNeedsNoTunnel()
    {
        await using var builder = await AppHostModel.CreateAsync([.. AppHostModel.NoLocalServices, "--AppHost:PublicBaseUrl=https://cursor.example.com"]);

        Assert.DoesNotContain(builder.Resources, r => r is ICloudflareTunnelResource);
    }
}
