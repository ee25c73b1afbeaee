using CursorAspire.AppHost.Ollama.Fit;
using CursorAspire.TestUpstreams;
using Microsoft.Extensions.AI;
using OllamaSharp;

namespace CursorAspire.AppHost.Tests.Ollama.Fit;

/// <summary>
/// The advisor against the Ollama stand-in serving Qwen2.5-Coder 7B, with the GPU told by an nvidia-smi stand-in: the
/// model's make-up read from <c>/api/show</c> and <c>/api/tags</c>, the verdict and the window for a GPU it fits, one it
/// spills from and a machine with none, and after a chat loaded it, what Ollama did (<c>/api/ps</c>).
/// </summary>
public sealed class OllamaModelFitMonitorTests : IDisposable
{
    private const string Model = "qwen2.5-coder:7b";
    private const long MiB = 1024L * 1024;
    private readonly GpuProbeStandIns _programs = new();

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static Task<OllamaStandIn> StartOllamaAsync(long? gpuBytes) => OllamaStandIn.StartAsync(new OllamaStandInOptions
    {
        Models = [Model],
        ModelInfo = OllamaModelInfo.Qwen25Coder7B,
        GpuMemoryBytes = gpuBytes,
    });

    private OllamaGpuAccessAnnotation Gpu(int? freeMiB) => new(
        freeMiB is { } free ? new GpuProbeCommands { NvidiaSmi = _programs.NvidiaSmi(("NVIDIA GeForce RTX 4090", 24_564, free)), RocmSmi = null, Sysctl = null }
            : new GpuProbeCommands { NvidiaSmi = _programs.Missing("nvidia-smi"), RocmSmi = _programs.Missing("rocm-smi"), Sysctl = null },
        NoGpuReason: null);

    [Fact]
    public async Task TheModelsMakeUpComesFromOllama()
    {
        await using var ollama = await StartOllamaAsync(null);

        var fit = await OllamaModelFitMonitor.ReadAsync(new OllamaApiClient(ollama.BaseUri), Model, Gpu(20_000), OllamaContextWindow.Auto("Ollama:ContextLength"), Deadline());

        Assert.Equal(new OllamaModelProfile("qwen2", "7.6B", "Q4_K_M", 4_683_087_332, Layers: 28, Heads: 28, KvHeadsOverLayers: 28 * 4, KeyLength: 128, ValueLength: 128, ContextLength: 32_768), fit.Model);
        Assert.Equal(56 * 1024, fit.Model.KvBytesPerToken); // 28 layers × 4 KV heads × (128 + 128) × 2 bytes
        Assert.StartsWith("qwen2 7.6B Q4_K_M: 4.7 GB of weights, 56 KB of KV cache and 58 KB of graph a token of window (28 layers); trained for 32K", fit.ModelText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnAGpuItFitsTheModelGetsAllItWasTrainedForAndOllamaLoadsItAllOnTheGpu()
    {
        await using var ollama = await StartOllamaAsync(24_564 * MiB);

        var (fit, load) = await FitAndLoadAsync(ollama, 20_000);

        Assert.Equal(32_768, fit.LargestGpuWindow); // far more fits; the model holds 32K
        Assert.Equal(32_768, fit.Window);
        Assert.False(fit.Spills);
        Assert.Equal("NVIDIA GeForce RTX 4090: 25.8 GB, 21.0 GB for the model (nvidia-smi)", fit.GpuText);
        Assert.Equal("Fits on the GPU: a 32K window needs about 9.0 GB of the 21.0 GB it has.", fit.Verdict);
        Assert.Equal("With a 32K window: 9.0 GB, all on the GPU.", load.Describe(fit.Model));
    }

    [Fact]
    public async Task OnAGpuItSpillsFromTheVerdictSaysHowMuchRunsOnTheCpuAndSoDoesOllamasLoad()
    {
        await using var ollama = await StartOllamaAsync(6_000 * MiB);

        var (fit, load) = await FitAndLoadAsync(ollama, 6_000);

        Assert.Equal(8 * 1024, fit.LargestGpuWindow);
        Assert.Equal(32_768, fit.Window);
        Assert.Equal("Ollama:ContextLength=auto: all the model was trained for", fit.WindowChoice);
        Assert.Equal("Runs 31 % on the CPU with a 32K window (about 9.0 GB, 6.3 GB on the GPU): expect slow answers; use a smaller model or an 8K window.", fit.Verdict);
        Assert.Equal(6_000 * MiB, load.SizeVram);
        Assert.Equal("With a 32K window: 9.0 GB, 2.8 GB of it (31 %) on the CPU: expect slow answers; use a smaller model or an 8K window.", load.Describe(fit.Model));
    }

    [Fact]
    public async Task WithoutAGpuTheVerdictIsTheCpuAndOllamaLoadsItAllThere()
    {
        await using var ollama = await StartOllamaAsync(null);

        var (fit, load) = await FitAndLoadAsync(ollama, null);

        Assert.Null(fit.Gpu);
        Assert.Equal(32_768, fit.Window);
        Assert.StartsWith("No GPU found: the CPU runs it", fit.Verdict, StringComparison.Ordinal);
        Assert.Equal("With a 32K window: 9.0 GB, all on the CPU; expect slow answers.", load.Describe(fit.Model));
    }

    [Fact]
    public async Task AModelNotYetLoadedHasNoLoadAndAnAbsentOneNoVerdict()
    {
        await using var ollama = await StartOllamaAsync(null);
        var client = new OllamaApiClient(ollama.BaseUri, Model);

        Assert.Null(await OllamaModelFitMonitor.ReadLoadAsync(client, Model, Deadline()));
        await Assert.ThrowsAnyAsync<Exception>(() => OllamaModelFitMonitor.ReadAsync(client, "llama3.2", Gpu(null), null, Deadline()));
    }

    /// <summary>
    /// The verdict for the GPU that reports <paramref name="freeMiB"/> free (no GPU when null), and what Ollama loaded for a
    /// chat with the window the verdict chose.
    /// </summary>
    private async Task<(OllamaModelFit Fit, OllamaModelLoad Load)> FitAndLoadAsync(OllamaStandIn ollama, int? freeMiB)
    {
        var client = new OllamaApiClient(ollama.BaseUri, Model);
        var fit = await OllamaModelFitMonitor.ReadAsync(client, Model, Gpu(freeMiB), OllamaContextWindow.Auto("Ollama:ContextLength"), Deadline());
        return (fit, await LoadAsync(client, fit.Window));
    }

    /// <summary>What a chat with the proxy's <c>num_ctx</c> makes Ollama load.</summary>
    private static async Task<OllamaModelLoad> LoadAsync(OllamaApiClient client, int window)
    {
        await ((IChatClient)client).GetResponseAsync("hi", new ChatOptions { AdditionalProperties = new() { ["num_ctx"] = window } }, Deadline());
        return Assert.IsType<OllamaModelLoad>(await OllamaModelFitMonitor.ReadLoadAsync(client, Model, Deadline()));
    }

    public void Dispose() => _programs.Dispose();
}
