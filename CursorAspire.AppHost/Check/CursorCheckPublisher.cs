using System.Collections.Immutable;
using CursorAspire.AppHost.Cursor;
using CursorAspire.Check;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CursorAspire.AppHost.Check;

/// <summary>
/// Runs the Cursor check against the proxy's public URL with its key, one run at a time, and shows the result: each
/// step in the proxy's console log as it ends, the summary as proxy properties in the dashboard
/// (<c>Cursor check: 7/7 passed</c>), and the whole report once in the AppHost console.
/// </summary>
/// <param name="proxy">The proxy: its public URL, key and aliases come from its annotations.</param>
/// <param name="settings">The <c>CursorCheck</c> settings.</param>
/// <param name="secret">The check secret the proxy was given: the check's requests are proven with it.</param>
internal sealed class CursorCheckPublisher(CursorProxyResource proxy, CursorCheckSettings settings, ParameterResource secret) : IDisposable
{
    /// <summary>The property holding the summary.</summary>
    public const string SummaryProperty = "cursor.check";

    /// <summary>The property holding the steps that did not pass.</summary>
    public const string ProblemsProperty = "cursor.check.problems";

    /// <summary>The named <see cref="HttpClient"/> the check uses (tests route the public hostname through it).</summary>
    public const string HttpClientName = "CursorAspire.AppHost.CursorCheck";

    /// <summary>Why the check cannot run without a public URL.</summary>
    public const string NoPublicUrl =
        "There is no public URL yet: the tunnel is not up (or is left out) and AppHost:PublicBaseUrl is not set. Cursor's servers cannot reach " +
        "localhost, so there is nothing to check yet; see the tunnel's row.";

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Runs the check now (after any run in progress) and publishes it; null when there is no public URL to check.</summary>
    public async Task<CheckReport?> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunAndPublishAsync(services, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _oneAtATime.Dispose();

    /// <summary>Starts a run in the background, after <paramref name="before"/>; it ends with the AppHost.</summary>
    public void RunInBackground(IServiceProvider services, Func<CancellationToken, Task>? before = null)
    {
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CursorCheck).FullName!);
        _ = Task.Run(async () =>
        {
            try
            {
                if (before is not null)
                {
                    await before(stopping).ConfigureAwait(false);
                }

                await RunAsync(services, stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The Cursor check could not run: {Message}", ex.Message);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // The AppHost is stopping: the run ends with it.
            }
        }, CancellationToken.None);
    }

    private async Task<CheckReport?> RunAndPublishAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var log = services.GetRequiredService<ResourceLoggerService>().GetLogger(proxy);
        var console = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CursorCheck).FullName!);
        var aliases = proxy.Annotations.OfType<ProxyModelAliasAnnotation>().ToList();
        var publicUrl = proxy.Annotations.OfType<PublicBaseUrlAnnotation>().LastOrDefault()?.Current();
        if (string.IsNullOrWhiteSpace(publicUrl))
        {
            log.LogWarning("Cursor check: not run. {Reason}", NoPublicUrl);
            await PublishAsync(services, "not run: no public URL", NoPublicUrl).ConfigureAwait(false);
            return null;
        }

        // The URL the Cursor setup text gives (with /v1), with the key the proxy was given.
        var baseUrl = new Uri(CursorSetupInstructions.Create(publicUrl, publicUrl, ProxyParameterExtensions.ApiKeyParameterName, []).BaseUrl);
        var keyParameter = proxy.Annotations.OfType<ProxyApiKeyAnnotation>().LastOrDefault()?.Parameter
            ?? throw new InvalidOperationException("The proxy has no API key parameter (WithProxyApiKey).");
        var key = await keyParameter.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? string.Empty;
        var options = settings.ToOptions(
            baseUrl,
            key,
            await secret.GetValueAsync(cancellationToken).ConfigureAwait(false),
            [.. aliases.Select(a => a.Alias).Distinct(StringComparer.Ordinal)],
            [],
            // Only local models can be cut silently (Ollama); probing a remote one would spend money on every run.
            model => aliases.Any(a => a.Alias == model && ModelAliases.ForLocalModel(a.UpstreamModel) == a.Alias),
            ThinkingAliases(services.GetRequiredService<IConfiguration>()));

        await PublishAsync(services, "running…", string.Empty).ConfigureAwait(false);
        log.LogInformation("Cursor check: checking {BaseUrl} as Cursor would…", baseUrl);
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        var report = await new CursorCheck(http, options, services.GetService<TimeProvider>()).RunAsync((result, _) =>
        {
            LogStep(log, result);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);

        log.Log(report.HasFailures ? LogLevel.Error : report.Warnings > 0 ? LogLevel.Warning : LogLevel.Information, "Cursor check: {Summary}", report.Summary);
        console.Log(report.HasFailures || report.Warnings > 0 ? LogLevel.Warning : LogLevel.Information, "{CursorCheck}", report.ToText());
        await PublishAsync(services, report.Summary, string.Join("\n", report.Problems)).ConfigureAwait(false);
        return report;
    }

    /// <summary>The aliases the proxy is told think (<c>Proxy:Models:&lt;alias&gt;:Reasoning</c>): each gets the check's turn without an effort.</summary>
    private static IReadOnlyList<string> ThinkingAliases(IConfiguration configuration) =>
        [.. configuration.GetSection("Proxy:Models").GetChildren().Where(m => m.GetValue<bool>("Reasoning")).Select(m => m.Key)];

    private static void LogStep(ILogger log, CheckResult result) =>
        log.Log(result.Outcome switch
        {
            CheckOutcome.Fail => LogLevel.Error,
            CheckOutcome.Warn => LogLevel.Warning,
            _ => LogLevel.Information,
        }, "Cursor check: {Result}", result);

    private Task PublishAsync(IServiceProvider services, string summary, string problems) =>
        services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(proxy, s => s with
        {
            Properties = s.Properties
                .RemoveAll(p => p.Name is SummaryProperty or ProblemsProperty)
                .AddRange(ImmutableArray.Create(
                    new ResourcePropertySnapshot(SummaryProperty, summary) { DisplayName = "Cursor check" },
                    new ResourcePropertySnapshot(ProblemsProperty, problems.Length == 0 ? "none" : problems) { DisplayName = "Cursor check: problems" })),
        });
}
