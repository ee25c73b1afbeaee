namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Stands in the dashboard for a tunnel that could not be added: no healthy container runtime and no
/// <c>cloudflared</c> executable. It starts no process; its state and log say what to install.
/// </summary>
/// <param name="name">The name the tunnel resource would have had.</param>
/// <param name="tunnel">The tunnel's configuration; its <see cref="CloudflareTunnel.UnavailableReason"/> says why it is left out.</param>
public sealed class CloudflareTunnelUnavailableResource(string name, CloudflareTunnel tunnel)
    : Resource(name), ICloudflareTunnelResource
{
    /// <inheritdoc />
    public CloudflareTunnel Tunnel { get; } = tunnel;
}
