using CursorAspire.Tunnel;

namespace Aspire.Hosting;

// What is published: a named tunnel as the cloudflared container; a quick tunnel never (a new hostname on every start,
// capped at 200 requests in flight, documented by Cloudflare as testing-only).
public static partial class CloudflareTunnelResourceBuilderExtensions
{
    /// <summary>
    /// Publishing decides the container without probing anything: the manifest describes what a deployment runs, not what
    /// the publishing machine has. The resource stays out of the manifest until <see cref="WithNamedTunnel"/> makes it named.
    /// </summary>
    private static readonly CloudflareTunnelRunnerDecision PublishingDecision = new(CloudflareTunnelRunner.Container, null, null);

    /// <summary>
    /// Puts a named tunnel's container into the publishing manifest: the pinned <c>cloudflare/cloudflared</c> image running
    /// <c>tunnel --no-autoupdate run</c>, its token in <c>TUNNEL_TOKEN</c> from the secret parameter. The public hostname
    /// routes, in Cloudflare's dashboard, to the proxy's address inside the deployment (docs/deploy.md). Running, nothing
    /// changes.
    /// </summary>
    private static IResourceBuilder<ICloudflareTunnelResource> PublishNamedTunnel(this IResourceBuilder<ICloudflareTunnelResource> builder)
    {
        if (!builder.ApplicationBuilder.ExecutionContext.IsPublishMode || builder.Resource is not CloudflareTunnelContainerResource container)
        {
            return builder;
        }

        // The last manifest annotation wins over ExcludeFromManifest's.
        return builder.WithManifestPublishingCallback(context => context.WriteContainerAsync(container));
    }
}
