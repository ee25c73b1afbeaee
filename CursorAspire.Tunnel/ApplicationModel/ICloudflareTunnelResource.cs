namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A Cloudflare Tunnel in the application model, whichever way it runs: as the <c>cloudflare/cloudflared</c>
/// container, as the <c>cloudflared</c> executable, or left out (no runtime and no executable found).
/// </summary>
/// <remarks>
/// The way it runs is decided while the model is built, because a container resource that cannot start makes the
/// whole AppHost fail; the three shapes share one <see cref="CloudflareTunnel"/> so callers never need to know which.
/// </remarks>
public interface ICloudflareTunnelResource : IResourceWithEnvironment, IResourceWithArgs, IResourceWithWaitSupport
{
    /// <summary>The tunnel's configuration and its live public URL.</summary>
    CloudflareTunnel Tunnel { get; }
}
