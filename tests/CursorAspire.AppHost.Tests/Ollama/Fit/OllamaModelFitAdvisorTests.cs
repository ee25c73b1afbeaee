using CursorAspire.AppHost.Ollama.Fit;

namespace CursorAspire.AppHost.Tests.Ollama.Fit;

/// <summary>
/// The advisor's verdicts and window choices for one model (Llama 3.1 8B at Q4_K_M, trained for 128K) on a GPU it fits,
/// one it spills from, and a machine with none.
/// </summary>
public sealed class OllamaModelFitAdvisorTests
{
    private const long GiB = 1024L * 1024 * 1024;

    /// <summary>llama3.1:8b as <c>ollama show</c> describes it: 32 layers, 32 heads, 8 KV heads, 4,096 wide, 128K.</summary>
    private static readonly OllamaModelProfile Llama31 = new("llama", "8.0B", "Q4_K_M", 4_920_753_328, Layers: 32, Heads: 32,
        KvHeadsOverLayers: 32 * 8, KeyLength: 128, ValueLength: 128, ContextLength: 131_072);

    private static GpuMemory Gpu(long freeBytes) => new("NVIDIA GeForce RTX 4090", 24 * GiB, freeBytes, "nvidia-smi");

    [Fact]
    public void TheMemoryATokenOfWindowTakesIsItsKvCacheAndItsGraph()
    {
        Assert.Equal(32 * 8 * (128 + 128) * 2, Llama31.KvBytesPerToken); // 128 KB: f16 keys and values of every layer
        Assert.Equal(4 * 512 * 33, Llama31.GraphBytesPerToken);
        Assert.Equal(4_920_753_328 + 512L * 1024 * 1024 + 32_768L * (131_072 + 67_584), Llama31.BytesAt(32_768));
    }

    [Fact]
    public void OnAGpuItFitsAutoTakesTheLargestWindowThatFits()
    {
        var fit = OllamaModelFitAdvisor.Advise(Llama31, Gpu(22 * GiB), null, 0, OllamaContextWindow.Auto("Ollama:ContextLength"));

        Assert.Equal(Llama31.LargestWindowIn(22 * GiB), fit.LargestGpuWindow);
        Assert.InRange(fit.Window, 64 * 1024, 128 * 1024);
        Assert.Equal(0, fit.Window % 1024);
        Assert.Equal(fit.LargestGpuWindow, fit.Window);
        Assert.Contains("the largest that fits the GPU", fit.WindowChoice, StringComparison.Ordinal);
        Assert.False(fit.Spills);
        Assert.StartsWith("Fits on the GPU", fit.Verdict, StringComparison.Ordinal);
        Assert.Null(fit.Warning);
        Assert.True(Llama31.BytesAt(fit.Window) <= 22 * GiB);
        Assert.True(Llama31.BytesAt(fit.Window + 1024) > 22 * GiB);
    }

    [Fact]
    public void OnAGpuTooSmallAutoKeepsWhatCursorNeedsAndSaysHowMuchRunsOnTheCpuAndWhatToDo()
    {
        var fit = OllamaModelFitAdvisor.Advise(Llama31, Gpu(8 * GiB), null, 0, OllamaContextWindow.Auto("Ollama:ContextLength"));

        Assert.Equal(15 * 1024, fit.LargestGpuWindow);
        Assert.Equal(32_768, fit.Window);
        Assert.Equal("Ollama:ContextLength=auto: what Cursor's agent needs; only 15K fits the GPU", fit.WindowChoice);
        Assert.True(fit.Spills);
        Assert.Equal((Llama31.BytesAt(32_768) - 8 * GiB) / (double)Llama31.BytesAt(32_768), fit.CpuShare, 6);
        Assert.Equal("Runs 29 % on the CPU with a 32K window (about 12.0 GB, 8.6 GB on the GPU): expect slow answers; use a smaller model or a 15K window.", fit.Verdict);
        Assert.Null(fit.Warning); // 32K is what Cursor needs
    }

    [Fact]
    public void WithoutAGpuTheCpuRunsItAndAutoKeepsWhatCursorNeeds()
    {
        var fit = OllamaModelFitAdvisor.Advise(Llama31, null, null, 0, OllamaContextWindow.Auto("Ollama:ContextLength"));

        Assert.Null(fit.LargestGpuWindow);
        Assert.Equal(OllamaModelFitAdvisor.CursorWindow, fit.Window);
        Assert.Equal(1.0, fit.CpuShare);
        Assert.StartsWith("No GPU found: the CPU runs it (about 12.0 GB with a 32K window); expect slow answers.", fit.Verdict, StringComparison.Ordinal);
        Assert.Equal("none: no GPU", fit.LargestGpuWindowText);
        Assert.StartsWith("none found", fit.GpuText, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOllamaContainerGivenNoGpuRunsOnTheCpuWhateverTheMachineHasAndSaysWhy()
    {
        const string reason = "The Ollama container was given no GPU (set Ollama:Gpu to nvidia or amd)";

        var fit = OllamaModelFitAdvisor.Advise(Llama31, Gpu(22 * GiB), reason, 0, OllamaContextWindow.Auto("Ollama:ContextLength"));

        Assert.Null(fit.LargestGpuWindow);
        Assert.Equal(1.0, fit.CpuShare);
        Assert.StartsWith(reason + ": the CPU runs it", fit.Verdict, StringComparison.Ordinal);
        Assert.Equal(reason, fit.GpuText);
    }

    [Fact]
    public void AConfiguredWindowIsKeptAndJudgedAndOneBelowWhatCursorNeedsIsWarnedAbout()
    {
        var fit = OllamaModelFitAdvisor.Advise(Llama31, Gpu(8 * GiB), null, 0, OllamaContextWindow.Of(16_384, "Ollama:Models:0:ContextLength"));

        Assert.Equal(16_384, fit.Window);
        Assert.Equal("Ollama:Models:0:ContextLength", fit.WindowChoice);
        Assert.True(fit.Spills); // 15K fits; 16K does not, quite
        Assert.Equal("A 16K window, less than the 32K Cursor's agent needs (prompts of about 25,000 tokens, plus room for the answer): " +
            "long agent chats are compacted, and an agent's first turn may not fit. Use a larger window or a model trained for more.", fit.Warning);
    }

    [Fact]
    public void AModelTrainedForLessThanCursorNeedsIsServedAllOfItWithAWarning()
    {
        var small = Llama31 with { ContextLength = 8_192 };

        var fit = OllamaModelFitAdvisor.Advise(small, Gpu(22 * GiB), null, 0, OllamaContextWindow.Auto("Ollama:ContextLength"));

        Assert.Equal(8_192, fit.Window);
        Assert.Contains("all the model was trained for", fit.WindowChoice, StringComparison.Ordinal);
        Assert.StartsWith("An 8K window, less than the 32K Cursor's agent needs", fit.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAConfiguredWindowTheModelsOwnIsJudged()
    {
        var fit = OllamaModelFitAdvisor.Advise(Llama31, Gpu(22 * GiB), null, 0, null);

        Assert.Equal(131_072, fit.Window);
        Assert.True(fit.Spills); // 128K of window is 26 GB
        Assert.Contains("Ollama:ContextLength is not set", fit.WindowChoice, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightsThatDoNotFitTheGpuLeaveOnlyASmallerModelToSuggest()
    {
        var fit = OllamaModelFitAdvisor.Advise(Llama31, Gpu(4 * GiB), null, 0, OllamaContextWindow.Auto("Ollama:ContextLength"));

        Assert.Equal(0, fit.LargestGpuWindow);
        Assert.EndsWith("expect slow answers; use a smaller model.", fit.Verdict, StringComparison.Ordinal);
        Assert.Equal("none: its weights alone (4.9 GB) do not fit", fit.LargestGpuWindowText);
    }

    [Fact]
    public void WhatOllamasLoadedModelsHoldCountsAsTheGpusForItUnloadsThem()
    {
        var idle = OllamaModelFitAdvisor.Advise(Llama31, Gpu(2 * GiB), null, 0, OllamaContextWindow.Auto("Ollama:ContextLength"));
        var holding = OllamaModelFitAdvisor.Advise(Llama31, Gpu(2 * GiB), null, 20 * GiB, OllamaContextWindow.Auto("Ollama:ContextLength"));

        Assert.Equal(0, idle.LargestGpuWindow);
        Assert.Equal(22 * GiB, holding.GpuBytes);
        Assert.False(holding.Spills);
    }

    [Theory]
    [InlineData(32_768, 12_000_000_000, 12_000_000_000, "With a 32K window: 12.0 GB, all on the GPU.")]
    [InlineData(32_768, 12_000_000_000, 0, "With a 32K window: 12.0 GB, all on the CPU; expect slow answers.")]
    [InlineData(32_768, 12_000_000_000, 8_000_000_000, "With a 32K window: 12.0 GB, 4.0 GB of it (34 %) on the CPU: expect slow answers; use a smaller model or a 12K window.")]
    public void WhatOllamaDidIsSaidWithTheWindowThatWouldHaveFit(int window, long size, long onGpu, string expected)
    {
        var load = new OllamaModelLoad(window, size, onGpu);

        // A spill's window that would have fit is from the load's own numbers: 4 GB that did not fit, at 198,656 bytes a
        // token, is 20,136 tokens less than 32K, 12K in whole thousands.
        Assert.Equal(expected, load.Describe(Llama31));
    }
}
