using System.Collections.Immutable;
using CursorAspire.AppHost.Cursor;
using CursorAspire.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Shows the user, on the proxy resource in the dashboard and once in the console, how to set up Cursor.</summary>
public static class CursorSetupBuilderExtensions
{
    /// <summary>The display text of the dashboard link that is the Cursor base URL.</summary>
    public const string LocalUrlDisplayText = "Cursor base URL (local only, needs a tunnel)";

    /// <summary>The display text of the dashboard link for the public (tunnel) base URL.</summary>
    public const string PublicUrlDisplayText = "Cursor base URL";

    /// <summary>The proxy property holding the base URL to paste into Cursor.</summary>
    public const string BaseUrlProperty = "cursor.baseUrl";

    /// <summary>The proxy property holding the key (sensitive: masked until revealed).</summary>
    public const string ApiKeyProperty = "cursor.apiKey";

    /// <summary>The proxy property listing the model names to add in Cursor.</summary>
    public const string ModelsProperty = "cursor.models";

    /// <summary>
    /// Adds the Cursor base URL as a link on the proxy, warns at start-up about aliases Cursor would not route to the
    /// proxy, and, once the proxy is healthy, logs the setup text and adds it as resource properties (the key as a
    /// sensitive, masked property); when the proxy is ready again with a new public URL, says so and replaces them.
    /// </summary>
    /// <param name="proxy">The proxy project; its model aliases, key and public URL come from its annotations.</param>
    /// <param name="endpointName">The proxy endpoint Cursor talks to locally.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithCursorSetupInstructions(this IResourceBuilder<CursorProxyResource> proxy, string endpointName = "http")
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var endpoint = proxy.GetEndpoint(endpointName);

        proxy.WithUrls(context =>
        {
            if (endpoint.IsAllocated)
            {
                context.Urls.Add(new ResourceUrlAnnotation { Url = endpoint.Url + "/v1", DisplayText = LocalUrlDisplayText, Endpoint = endpoint });
            }
        });

        proxy.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.AppHost.Cursor");
            foreach (var alias in proxy.Resource.Annotations.OfType<ProxyModelAliasAnnotation>())
            {
                if (CursorModelNames.FindConflict(alias.Alias) is { } conflict)
                {
                    logger.LogWarning("Model alias '{Alias}' will not work in Cursor: {Conflict}. Choose another name.", alias.Alias, conflict);
                }
            }

            return Task.CompletedTask;
        });

        var announced = new AnnouncedBaseUrl();
        return proxy.OnResourceReady((resource, e, ct) => AnnounceAsync(resource, endpoint, announced, e.Services, ct));
    }

    /// <summary>
    /// Says how to set up Cursor each time the proxy is ready: in full the first time, again (as a warning that Cursor's
    /// setting must change) when the base URL is new, not at all when a restart left it as it was. The link and the
    /// properties on the proxy's row are replaced, never added to, so the old URL is shown nowhere.
    /// </summary>
    private static async Task AnnounceAsync(CursorProxyResource proxy, EndpointReference endpoint, AnnouncedBaseUrl announced, IServiceProvider services, CancellationToken ct)
    {
        var publicUrl = CurrentPublicUrl(proxy);
        var keyParameter = proxy.Annotations.OfType<ProxyApiKeyAnnotation>().LastOrDefault()?.Parameter;
        var instructions = CursorSetupInstructions.Create(
            publicUrl,
            endpoint.Url,
            keyParameter?.Name ?? ProxyParameterExtensions.ApiKeyParameterName,
            proxy.Annotations.OfType<ProxyModelAliasAnnotation>().Select(a => a.Alias).Distinct().ToList());

        // Logged on the proxy's log and the AppHost console. The key is referred to, never written.
        var previous = Interlocked.Exchange(ref announced.Value, instructions.BaseUrl);
        if (previous != instructions.BaseUrl)
        {
            var text = instructions.ToText(previous);
            var level = previous is null ? LogLevel.Information : LogLevel.Warning;
            services.GetRequiredService<ResourceLoggerService>().GetLogger(proxy).Log(level, "{CursorSetup}", text);
            services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.AppHost.Cursor").Log(level, "{CursorSetup}", text);
        }

        // A URL only pushed through a snapshot vanishes at the next state change; an annotation stays. One link, updated.
        var link = proxy.Annotations.OfType<ResourceUrlAnnotation>().FirstOrDefault(a => a.Endpoint is null && a.DisplayText == PublicUrlDisplayText);
        if (instructions.IsPublic && link is null)
        {
            proxy.Annotations.Add(new ResourceUrlAnnotation { Url = instructions.BaseUrl, DisplayText = PublicUrlDisplayText });
        }
        else if (link is not null)
        {
            link.Url = instructions.BaseUrl;
        }

        var key = keyParameter is null ? null : await keyParameter.GetValueAsync(ct).ConfigureAwait(false);
        await services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(proxy, s => s with
        {
            Properties = s.Properties
                .RemoveAll(p => p.Name is BaseUrlProperty or ApiKeyProperty or ModelsProperty)
                .AddRange(ImmutableArray.Create(
                    new ResourcePropertySnapshot(BaseUrlProperty, instructions.BaseUrl) { DisplayName = "Cursor: Override OpenAI Base URL" },
                    new ResourcePropertySnapshot(ApiKeyProperty, key) { DisplayName = "Cursor: OpenAI API Key", IsSensitive = true },
                    new ResourcePropertySnapshot(ModelsProperty, string.Join(", ", instructions.Models)) { DisplayName = "Cursor: custom models" })),
            // Shaped as the snapshot Aspire builds from the annotation at the next state change, so the two agree.
            Urls = instructions.IsPublic
                ? s.Urls.RemoveAll(u => u.Name == PublicUrlDisplayText || u.DisplayProperties.DisplayName == PublicUrlDisplayText)
                    .Add(new UrlSnapshot(null, instructions.BaseUrl, IsInternal: false) { DisplayProperties = new UrlDisplayPropertiesSnapshot(PublicUrlDisplayText, 0) })
                : s.Urls,
        }).ConfigureAwait(false);
    }

    private static string? CurrentPublicUrl(CursorProxyResource proxy) =>
        proxy.Annotations.OfType<PublicBaseUrlAnnotation>().LastOrDefault()?.Current() is { Length: > 0 } url ? url : null;

    /// <summary>The base URL last announced for one proxy.</summary>
    private sealed class AnnouncedBaseUrl
    {
        public string? Value;
    }
}
