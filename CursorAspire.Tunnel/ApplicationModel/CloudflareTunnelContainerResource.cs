namespace Aspire.Hosting.ApplicationModel;

/// <summary>A Cloudflare Tunnel run by the <c>cloudflare/cloudflared</c> container image.</summary>
/// <param name="name">The name of the resource.</param>
/// <param name="tunnel">The tunnel's configuration and live public URL, shared with whichever resource runs it.</param>
public sealed class CloudflareTunnelContainerResource(string name, CloudflareTunnel tunnel)
    : ContainerResource(name), ICloudflareTunnelResource
{
    /// <inheritdoc />
    public CloudflareTunnel Tunnel { get; } = tunnel;
}
