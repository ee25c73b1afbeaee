using CursorAspire.AppHost.Check;
using CursorAspire.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>"Check as Cursor" on the proxy: by itself once the public URL is healthy, and as a dashboard command.</summary>
public static class CursorCheckBuilderExtensions
{
    /// <summary>The dashboard command's name.</summary>
    public const string CommandName = "check-as-cursor";

    /// <summary>
    /// The parameter holding the check secret: generated on first run and kept in user secrets
    /// (<c>Parameters:check-secret</c>), given to the proxy as <c>Proxy:CheckSecret</c> and used by the check the AppHost
    /// runs to prove its requests (<see cref="CursorAspire.Contracts.CheckProof"/>), so their tokens count apart from the
    /// key's budget and nobody else's can.
    /// </summary>
    public const string SecretParameterName = "check-secret";

    /// <summary>
    /// Adds the "Check as Cursor" command to the proxy and, unless <c>CursorCheck:AutoRun</c> is false, runs the check
    /// once the public URL is healthy: when the tunnel in front of the proxy turns healthy (each time it does), or, with
    /// a fixed <c>AppHost:PublicBaseUrl</c>, when the proxy is ready. Call it after the public URL is set up.
    /// </summary>
    /// <param name="proxy">The proxy, with its key, aliases and public URL set up.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithCursorCheck(this IResourceBuilder<CursorProxyResource> proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var settings = CursorCheckSettings.FromConfiguration(proxy.ApplicationBuilder.Configuration);
        // Letters and digits, 40 of them: an HMAC key nobody types.
        var secret = proxy.ApplicationBuilder.AddParameter(SecretParameterName, new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
        proxy.WithEnvironment(ProxyConfigurationKeys.CheckSecret, secret);
        // One publisher per proxy, owned (and disposed) by the app's container.
        var name = proxy.Resource.Name;
        proxy.ApplicationBuilder.Services.AddKeyedSingleton(name, (_, _) => new CursorCheckPublisher(proxy.Resource, settings, secret.Resource));
        static CursorCheckPublisher Publisher(IServiceProvider services, string name) => services.GetRequiredKeyedService<CursorCheckPublisher>(name);
        proxy.ApplicationBuilder.Services.AddHttpClient(CursorCheckPublisher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxResponseDrainSize = 0 })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers(); // each step is logged once, in words; per-request lines would only repeat it

        proxy.WithCommand(CommandName, "Check as Cursor", async context =>
        {
            var report = await Publisher(context.Services, name).RunAsync(context.Services, context.CancellationToken).ConfigureAwait(false);
            return report is null ? CommandResults.Failure(CursorCheckPublisher.NoPublicUrl)
                : report.HasFailures ? CommandResults.Failure($"Cursor check: {report.Summary}", report.ToText(), CommandResultFormat.Text)
                : CommandResults.Success($"Cursor check: {report.Summary}", report.ToText(), CommandResultFormat.Text);
        }, new CommandOptions
        {
            Description = "Does through the public URL what Cursor does (models, Verify, a chat, an agent tool call, a Cursor-sized prompt, the CORS preflight) and says what would fail.",
            IconName = "Stethoscope",
            IsHighlighted = true,
            UpdateState = context => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
        });

        if (!settings.AutoRun)
        {
            return proxy;
        }

        var tunnel = proxy.ApplicationBuilder.Resources.OfType<ICloudflareTunnelResource>()
            .FirstOrDefault(t => ReferenceEquals(t.Tunnel.Target?.Resource, proxy.Resource));
        if (tunnel is not null)
        {
            // Healthy means GET <public URL>/health answered through Cloudflare; the proxy may still be (re)starting.
            proxy.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(tunnel, (e, _) =>
            {
                Publisher(e.Services, name).RunInBackground(e.Services, ct => e.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync(proxy.Resource.Name, ct));
                return Task.CompletedTask;
            });
        }
        else if (proxy.Resource.Annotations.OfType<PublicBaseUrlAnnotation>().Any())
        {
            proxy.OnResourceReady((_, e, _) =>
            {
                Publisher(e.Services, name).RunInBackground(e.Services);
                return Task.CompletedTask;
            });
        }

        return proxy;
    }
}
