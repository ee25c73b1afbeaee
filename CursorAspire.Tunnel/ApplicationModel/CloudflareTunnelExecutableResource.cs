namespace Aspire.Hosting.ApplicationModel;

/// <summary>A Cloudflare Tunnel run by the <c>cloudflared</c> executable found on the machine.</summary>
/// <param name="name">The name of the resource.</param>
/// <param name="command">The full path of <c>cloudflared</c> (or a compatible stand-in).</param>
/// <param name="workingDirectory">The process's working directory.</param>
/// <param name="tunnel">The tunnel's configuration and live public URL, shared with whichever resource runs it.</param>
public sealed class CloudflareTunnelExecutableResource(string name, string command, string workingDirectory, CloudflareTunnel tunnel)
    : ExecutableResource(name, command, workingDirectory), ICloudflareTunnelResource
{
    /// <inheritdoc />
    public CloudflareTunnel Tunnel { get; } = tunnel;
}
