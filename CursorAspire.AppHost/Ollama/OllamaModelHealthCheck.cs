using Microsoft.Extensions.Diagnostics.HealthChecks;
using OllamaSharp;

namespace CursorAspire.AppHost.Ollama;

/// <summary>Healthy when the model's server lists the model (<c>GET /api/tags</c>).</summary>
/// <param name="model">The model to look for.</param>
/// <param name="httpClientFactory">Source of the HttpClient.</param>
internal sealed class OllamaModelHealthCheck(OllamaModelResource model, IHttpClientFactory httpClientFactory) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var http = httpClientFactory.CreateClient(nameof(OllamaModelHealthCheck));
            http.BaseAddress = new Uri(model.Parent.PrimaryEndpoint.Url);
            http.Timeout = TimeSpan.FromSeconds(5);
            var client = new OllamaApiClient(http);
            var models = await client.ListLocalModelsAsync(cancellationToken).ConfigureAwait(false);
            return models.Any(m => OllamaModelNames.AreSame(model.ModelName, m.Name))
                ? HealthCheckResult.Healthy($"{model.ModelName} is present.")
                : HealthCheckResult.Unhealthy($"{model.ModelName} is not on {model.Parent.Name} yet.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"{model.Parent.Name} did not answer: {ex.Message}", ex);
        }
    }
}
