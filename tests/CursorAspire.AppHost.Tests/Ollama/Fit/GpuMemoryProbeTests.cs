using CursorAspire.AppHost.Ollama.Fit;

namespace CursorAspire.AppHost.Tests.Ollama.Fit;

/// <summary>
/// The GPU's memory from the vendors' programs, run as stand-ins that print the real programs' output: NVIDIA first,
/// then AMD, then a Mac's unified memory; a program missing or failing is no answer, and no answer means no GPU.
/// </summary>
public sealed class GpuMemoryProbeTests : IDisposable
{
    private const long MiB = 1024L * 1024;
    private readonly GpuProbeStandIns _programs = new();

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static GpuProbeCommands Only(string? nvidiaSmi = null, string? rocmSmi = null, string? sysctl = null) =>
        new() { NvidiaSmi = nvidiaSmi, RocmSmi = rocmSmi, Sysctl = sysctl };

    [Fact]
    public async Task NvidiaSmiTellsTheGpuAndItsFreeMemory()
    {
        var gpu = await GpuMemoryProbe.ProbeAsync(Only(nvidiaSmi: _programs.NvidiaSmi(("NVIDIA GeForce RTX 4070", 12_282, 11_021))), Deadline());

        Assert.Equal(new GpuMemory("NVIDIA GeForce RTX 4070", 12_282 * MiB, 11_021 * MiB, "nvidia-smi"), gpu);
    }

    [Fact]
    public async Task SeveralGpusAddUp()
    {
        var gpu = await GpuMemoryProbe.ProbeAsync(Only(nvidiaSmi: _programs.NvidiaSmi(
            ("NVIDIA GeForce RTX 3090", 24_576, 23_800), ("NVIDIA GeForce RTX 3090", 24_576, 24_100))), Deadline());

        Assert.Equal(new GpuMemory("2 × NVIDIA GeForce RTX 3090", 49_152 * MiB, 47_900 * MiB, "nvidia-smi"), gpu);
    }

    [Fact]
    public async Task RocmSmiTellsAnAmdGpuFromItsJson()
    {
        var rocm = _programs.RocmSmi("""
            {"card0": {"Card Series": "Radeon RX 7900 XTX", "Card Model": "0x744c", "Card Vendor": "Advanced Micro Devices, Inc. [AMD/ATI]", "Card SKU": "D70401",
                       "VRAM Total Memory (B)": "25753026560", "VRAM Total Used Memory (B)": "1073741824"},
             "system": {"Driver version": "6.8.5"}}
            """);

        var gpu = await GpuMemoryProbe.ProbeAsync(Only(nvidiaSmi: _programs.NvidiaSmiWithoutDriver(), rocmSmi: rocm), Deadline());

        Assert.Equal(new GpuMemory("Radeon RX 7900 XTX", 25_753_026_560, 25_753_026_560 - 1_073_741_824, "rocm-smi"), gpu);
    }

    [Theory]
    [InlineData(16L * 1024 * MiB, 16L * 1024 * MiB * 2 / 3)] // up to 36 GiB, Metal lets the GPU use about two thirds
    [InlineData(64L * 1024 * MiB, 64L * 1024 * MiB * 3 / 4)] // above, three quarters
    public async Task AMacsUnifiedMemoryIsWhatMetalLetsTheGpuUse(long memory, long forGpu)
    {
        var gpu = await GpuMemoryProbe.ProbeAsync(Only(nvidiaSmi: _programs.Missing("nvidia-smi"), rocmSmi: _programs.Missing("rocm-smi"), sysctl: _programs.Sysctl(memory)), Deadline());

        Assert.Equal(new GpuMemory("Apple unified memory", memory, forGpu, "sysctl"), gpu);
    }

    [Fact]
    public async Task NoProgramAnsweringMeansNoGpu()
    {
        Assert.Null(await GpuMemoryProbe.ProbeAsync(Only(nvidiaSmi: _programs.Missing("nvidia-smi"), rocmSmi: _programs.Missing("rocm-smi")), Deadline()));
        Assert.Null(await GpuMemoryProbe.ProbeAsync(Only(nvidiaSmi: _programs.NvidiaSmiWithoutDriver()), Deadline()));
        Assert.Null(await GpuMemoryProbe.ProbeAsync(Only(), Deadline()));
    }

    [Fact]
    public void OutputsThatAreNotTheProgramsShapeAreNoAnswer()
    {
        Assert.Null(GpuMemoryProbe.ParseNvidiaSmi("NVIDIA GeForce RTX 4070, [N/A], [N/A]"));
        Assert.Null(GpuMemoryProbe.ParseNvidiaSmi(""));
        Assert.Null(GpuMemoryProbe.ParseRocmSmi("WARNING: AMD GPU device(s) is/are in a low-power state"));
        Assert.Null(GpuMemoryProbe.ParseRocmSmi("""{"system": {"Driver version": "6.8.5"}}"""));
        Assert.Null(GpuMemoryProbe.ParseAppleMemory("sysctl: unknown oid 'hw.memsize'"));
    }

    public void Dispose() => _programs.Dispose();
}
