using Aspire.Hosting.ApplicationModel;

namespace CursorAspire.Tunnel;

/// <summary>A Cloudflare Tunnel run by the <c>cloudflared</c> executable found on the machine.</summary>
public sealed class CloudflareTunnelResource(string name, string command, string workingDirectory, CloudflareTunnel tunnel)
    : ExecutableResource(name, command, workingDirectory), ICloudflareTunnelResource
{
    /// <inheritdoc />
    public CloudflareTunnel Tunnel { get; } = tunnel;
}
