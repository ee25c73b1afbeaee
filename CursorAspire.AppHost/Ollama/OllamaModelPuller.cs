using CursorAspire.AppHost.Ollama.Fit;
using Microsoft.Extensions.Logging;
using OllamaSharp;
using OllamaSharp.Models;

namespace CursorAspire.AppHost.Ollama;

/// <summary>
/// Brings one model onto its server: waits for the server to be healthy, pulls the model through OllamaSharp if the
/// server lacks it, has the model-fit advisor look at it, and publishes each step as the model resource's dashboard state.
/// </summary>
internal sealed class OllamaModelPuller(
    OllamaModelResource model,
    ResourceNotificationService notifications,
    ILogger logger,
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    OllamaModelFitMonitor? fit = null)
{
    /// <summary>The name of the HttpClient used for pulls (no timeout: a multi-GB download takes long).</summary>
    public const string HttpClientName = "ollama-model-pull";

    /// <summary>Brings the model onto its server; false when that failed (the log and the state say why).</summary>
    /// <param name="cancellationToken">Stops waiting or pulling.</param>
    /// <param name="force">Pull even when the server has the model (fetches a newer build of the same tag).</param>
    public async Task<bool> RunAsync(CancellationToken cancellationToken, bool force = false)
    {
        try
        {
            // Aspire does not let a child WaitFor its parent, so the model waits for its server here.
            await PublishAsync(OllamaModelStates.Waiting).ConfigureAwait(false);
            await notifications.WaitForResourceHealthyAsync(model.Parent.Name, cancellationToken).ConfigureAwait(false);

            await PublishAsync(OllamaModelStates.Checking, started: true).ConfigureAwait(false);
            var client = CreateClient();
            if (!force && await IsPresentAsync(client, cancellationToken).ConfigureAwait(false))
            {
                logger.LogInformation("Model {Model} is already present on {Server}.", model.ModelName, model.Parent.Name);
            }
            else
            {
                await PullAsync(client, cancellationToken).ConfigureAwait(false);

                // A failed pull can end quietly (an error line inside a 200 stream); check rather than trust it.
                if (!await IsPresentAsync(client, cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidOperationException($"The pull of {model.ModelName} ended but {model.Parent.Name} does not list it.");
                }
            }

            // Advised before Running: the proxy, which waits for the model, is given the window the advisor chose.
            if (fit is not null)
            {
                await fit.AdviseAsync(cancellationToken).ConfigureAwait(false);
            }

            await PublishAsync(OllamaModelStates.Running).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The AppHost is stopping; nothing to report.
            return false;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not pull model {Model} from {Server}: {Message}", model.ModelName, model.Parent.Name, ex.Message);
            await PublishAsync(OllamaModelStates.Failed, stopped: true).ConfigureAwait(false);
            return false;
        }
    }

    private OllamaApiClient CreateClient()
    {
        var http = httpClientFactory.CreateClient(HttpClientName);
        http.BaseAddress = new Uri(model.Parent.PrimaryEndpoint.Url);
        http.Timeout = Timeout.InfiniteTimeSpan;
        return new OllamaApiClient(http, model.ModelName);
    }

    private async Task<bool> IsPresentAsync(OllamaApiClient client, CancellationToken cancellationToken)
    {
        var models = await client.ListLocalModelsAsync(cancellationToken).ConfigureAwait(false);
        return models.Any(m => OllamaModelNames.AreSame(model.ModelName, m.Name));
    }

    private async Task PullAsync(OllamaApiClient client, CancellationToken cancellationToken)
    {
        logger.LogInformation("Pulling model {Model} into {Server}.", model.ModelName, model.Parent.Name);
        string? lastState = null;

        // Ollama reports each layer (blob) separately; the model's progress is the sum over the layers seen so far.
        var layers = new Dictionary<string, (long Completed, long Total)>(StringComparer.Ordinal);
        var request = new PullModelRequest { Model = model.ModelName, Stream = true };
        await foreach (var step in client.PullModelAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (step is null)
            {
                continue;
            }

            ResourceStateSnapshot state;
            if (step.Total > 0)
            {
                layers[step.Digest ?? step.Status ?? string.Empty] = (step.Completed, step.Total);
                var total = layers.Values.Sum(l => l.Total);
                var completed = layers.Values.Sum(l => Math.Min(l.Completed, l.Total));
                state = OllamaModelStates.Downloading((int)(completed * 100 / total));
            }
            else
            {
                state = OllamaModelStates.Pulling(step.Status ?? "working");
            }

            // Ollama reports progress many times a second; only a change of the visible text is worth an update.
            if (state.Text != lastState)
            {
                lastState = state.Text;
                logger.LogInformation("{Model}: {State}", model.ModelName, state.Text);
                await PublishAsync(state).ConfigureAwait(false);
            }
        }

        logger.LogInformation("Model {Model} pulled.", model.ModelName);
    }

    private Task PublishAsync(ResourceStateSnapshot state, bool started = false, bool stopped = false) =>
        notifications.PublishUpdateAsync(model, s => s with
        {
            State = state,
            StartTimeStamp = started ? timeProvider.GetUtcNow().UtcDateTime : s.StartTimeStamp,
            StopTimeStamp = stopped ? timeProvider.GetUtcNow().UtcDateTime : s.StopTimeStamp,
        });
}
