using Aspire.Hosting.ApplicationModel;

namespace CursorAspire.Tunnel;

/// <summary>A Cloudflare Tunnel run by the <c>cloudflare/cloudflared</c> container image.</summary>
public sealed class CloudflareTunnelContainerResource(string name, CloudflareTunnel tunnel)
    : ContainerResource(name), ICloudflareTunnelResource
{
    /// <inheritdoc />
    public CloudflareTunnel Tunnel { get; } = tunnel;
}
