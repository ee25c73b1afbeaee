using Aspire.Hosting.ApplicationModel;

namespace CursorAspire.Tunnel;

/// <summary>
/// Stands in the dashboard for a tunnel that could not be added: no healthy container runtime and no
/// <c>cloudflared</c> executable. It starts no process; its state and log say what to install.
/// </summary>
public sealed class CloudflareTunnelUnavailableResource(string name, CloudflareTunnel tunnel)
    : Resource(name), ICloudflareTunnelResource
{
    /// <inheritdoc />
    public CloudflareTunnel Tunnel { get; } = tunnel;
}
