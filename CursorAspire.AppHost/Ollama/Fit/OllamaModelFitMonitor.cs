using Microsoft.Extensions.Logging;
using OllamaSharp;

namespace CursorAspire.AppHost.Ollama.Fit;

/// <summary>
/// The model-fit advisor at work for one model: once the model is on its server it reads what Ollama says about it
/// (<c>/api/show</c>, <c>/api/tags</c>, <c>/api/ps</c>) and the GPU's memory, decides (<see cref="OllamaModelFitAdvisor"/>)
/// and shows the verdict on the model's dashboard row and in its log; then it watches <c>/api/ps</c> and shows what
/// Ollama really did each time it loads the model.
/// </summary>
internal sealed partial class OllamaModelFitMonitor(
    OllamaModelResource model,
    ResourceNotificationService notifications,
    ILogger logger,
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider)
{
    /// <summary>The name of the HttpClient the advisor asks Ollama with.</summary>
    public const string HttpClientName = "ollama-model-fit";

    /// <summary>How often <c>/api/ps</c> is asked whether the model was loaded: about as often as Aspire's health checks ask Ollama.</summary>
    public static readonly TimeSpan LoadCheckInterval = TimeSpan.FromSeconds(15);

    /// <summary>The dashboard properties, in the order shown: name and display name.</summary>
    public static readonly (string Name, string DisplayName) GpuProperty = ("fit-gpu", "Fit: GPU"),
        ModelProperty = ("fit-model", "Fit: model"),
        LargestWindowProperty = ("fit-largest-window", "Fit: largest window on the GPU"),
        WindowProperty = ("fit-window", "Fit: window"),
        VerdictProperty = ("fit-verdict", "Fit: verdict"),
        WarningProperty = ("fit-warning", "Fit: warning"),
        LoadedProperty = ("fit-loaded", "Fit: loaded");

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Advises on the model and shows the verdict (<see cref="OllamaModelResource.Fit"/> for the proxy's window). Never
    /// fails the model: when Ollama cannot tell, the row says so and the window falls back to what Cursor needs.
    /// </summary>
    public async Task AdviseAsync(CancellationToken cancellationToken)
    {
        try
        {
            var access = model.Parent.Annotations.OfType<OllamaGpuAccessAnnotation>().LastOrDefault() ?? new OllamaGpuAccessAnnotation(new GpuProbeCommands(), null);
            var fit = await ReadAsync(CreateClient(), model.ModelName, access, model.ContextWindow, cancellationToken).ConfigureAwait(false);
            model.Fit = fit;
            Log(fit);
            await PublishAsync(
                (GpuProperty, fit.GpuText),
                (ModelProperty, fit.ModelText),
                (LargestWindowProperty, fit.LargestGpuWindowText),
                (WindowProperty, $"{FitText.Window(fit.Window)} ({fit.WindowChoice})"),
                (VerdictProperty, fit.Verdict),
                (WarningProperty, fit.Warning),
                (LoadedProperty, "not yet: Ollama loads it for the first request")).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnknownFit(logger, model.ModelName, ex.Message, OllamaModelFitAdvisor.CursorWindow);
            await PublishAsync((VerdictProperty, $"unknown: {ex.Message}")).ConfigureAwait(false);
        }
    }

    /// <summary>Shows what Ollama did each time it loads the model, until <paramref name="cancellationToken"/> ends.</summary>
    public async Task WatchLoadsAsync(CancellationToken cancellationToken)
    {
        var ollama = CreateClient();
        OllamaModelLoad? shown = null;
        using var timer = new PeriodicTimer(LoadCheckInterval, timeProvider);
        try
        {
            do
            {
                try
                {
                    if (await ReadLoadAsync(ollama, model.ModelName, cancellationToken).ConfigureAwait(false) is { } load && load != shown)
                    {
                        shown = load;
                        var text = load.Describe(model.Fit?.Model);
                        LogLoaded(logger, load.CpuShare > 0 ? LogLevel.Warning : LogLevel.Information, model.ModelName, text);
                        await PublishAsync((LoadedProperty, text)).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
                {
                    // Ollama is down or restarting: its own row says so; the next tick asks again.
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    /// <summary>The verdict for <paramref name="modelName"/> on the server behind <paramref name="ollama"/>.</summary>
    internal static async Task<OllamaModelFit> ReadAsync(
        IOllamaApiClient ollama, string modelName, OllamaGpuAccessAnnotation access, OllamaContextWindow? window, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        var show = await ollama.ShowModelAsync(modelName, timeout.Token).ConfigureAwait(false);
        var present = await ollama.ListLocalModelsAsync(timeout.Token).ConfigureAwait(false);
        var size = present.FirstOrDefault(m => OllamaModelNames.AreSame(modelName, m.Name))?.Size
            ?? throw new InvalidOperationException($"{modelName} is not on the server.");
        var loaded = await ollama.ListRunningModelsAsync(timeout.Token).ConfigureAwait(false);
        var gpu = access.NoGpuReason is null ? await GpuMemoryProbe.ProbeAsync(access.Probes, cancellationToken).ConfigureAwait(false) : null;
        return OllamaModelFitAdvisor.Advise(OllamaModelProfile.From(show, size), gpu, access.NoGpuReason, loaded.Sum(m => m.SizeVram), window);
    }

    /// <summary>The model as loaded now (<c>/api/ps</c>), or null when it is not.</summary>
    internal static async Task<OllamaModelLoad?> ReadLoadAsync(IOllamaApiClient ollama, string modelName, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        var loaded = await ollama.ListRunningModelsAsync(timeout.Token).ConfigureAwait(false);
        return loaded.FirstOrDefault(m => OllamaModelNames.AreSame(modelName, m.Name)) is { } running
            ? new OllamaModelLoad(running.ContextLength, running.Size, running.SizeVram)
            : null;
    }

    private void Log(OllamaModelFit fit)
    {
        var level = fit.Spills || fit.Warning is not null ? LogLevel.Warning : LogLevel.Information;
        LogFit(logger, level, model.ModelName, fit.Verdict, fit.Window, fit.WindowChoice, fit.GpuText, fit.Warning is null ? string.Empty : " " + fit.Warning);
    }

    [LoggerMessage(EventId = 1, Message = "{Model} on this machine: {Verdict} Window: {Window} tokens ({Choice}). GPU: {Gpu}.{Warning}")]
    private static partial void LogFit(ILogger logger, LogLevel level, string model, string verdict, int window, string choice, string gpu, string warning);

    [LoggerMessage(EventId = 2, Message = "Ollama loaded {Model}. {Load}")]
    private static partial void LogLoaded(ILogger logger, LogLevel level, string model, string load);

    [LoggerMessage(3, LogLevel.Warning, "Could not tell whether {Model} fits this machine ({Error}); its window is {Window} tokens if set to auto.")]
    private static partial void LogUnknownFit(ILogger logger, string model, string error, int window);

    private OllamaApiClient CreateClient()
    {
        var http = httpClientFactory.CreateClient(HttpClientName);
        http.BaseAddress = new Uri(model.Parent.PrimaryEndpoint.Url);
        return new OllamaApiClient(http, model.ModelName);
    }

    private Task PublishAsync(params ((string Name, string DisplayName) Property, string? Value)[] values)
    {
        var names = values.Select(v => v.Property.Name).ToHashSet(StringComparer.Ordinal);
        return notifications.PublishUpdateAsync(model, s => s with
        {
            Properties = s.Properties
                .RemoveAll(p => names.Contains(p.Name))
                .AddRange(values.Where(v => v.Value is not null).Select(v => new ResourcePropertySnapshot(v.Property.Name, v.Value) { DisplayName = v.Property.DisplayName })),
        });
    }
}
