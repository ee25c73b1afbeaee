using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CursorAspire.AppHost.Ollama.Fit;

/// <summary>
/// Reads this machine's GPU memory from the vendors' own programs (<see cref="GpuProbeCommands"/>): <c>nvidia-smi</c>,
/// then <c>rocm-smi</c>, then, on a Mac, <c>sysctl</c> for the unified memory. Each output format is the program's real one,
/// documented at its parser. No program answering means no GPU: the CPU runs the models.
/// </summary>
internal static class GpuMemoryProbe
{
    /// <summary>How long a probe may take; a hung driver must not hold the advice back.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>nvidia-smi's query: one CSV line per GPU, sizes in MiB.</summary>
    public static readonly string[] NvidiaSmiArguments = ["--query-gpu=name,memory.total,memory.free", "--format=csv,noheader,nounits"];

    /// <summary>rocm-smi's query: each card's name and VRAM, as JSON.</summary>
    public static readonly string[] RocmSmiArguments = ["--showproductname", "--showmeminfo", "vram", "--json"];

    /// <summary>sysctl's query: the Mac's memory in bytes.</summary>
    public static readonly string[] SysctlArguments = ["-n", "hw.memsize"];

    private const long MiB = 1024L * 1024;
    private const long GiB = 1024L * MiB;

    /// <summary>The first probe that answers, or null (no GPU found).</summary>
    public static async Task<GpuMemory?> ProbeAsync(GpuProbeCommands commands, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (commands.NvidiaSmi is { } nvidiaSmi && ParseNvidiaSmi(await RunAsync(nvidiaSmi, NvidiaSmiArguments, cancellationToken).ConfigureAwait(false)) is { } nvidia)
        {
            return nvidia;
        }
        if (commands.RocmSmi is { } rocmSmi && ParseRocmSmi(await RunAsync(rocmSmi, RocmSmiArguments, cancellationToken).ConfigureAwait(false)) is { } amd)
        {
            return amd;
        }
        return commands.Sysctl is { } sysctl ? ParseAppleMemory(await RunAsync(sysctl, SysctlArguments, cancellationToken).ConfigureAwait(false)) : null;
    }

    /// <summary>
    /// <c>nvidia-smi --query-gpu=name,memory.total,memory.free --format=csv,noheader,nounits</c>: a line per GPU,
    /// <c>NVIDIA GeForce RTX 4090, 24564, 23012</c> (MiB); a GPU that cannot tell says <c>[N/A]</c> and is skipped.
    /// </summary>
    public static GpuMemory? ParseNvidiaSmi(string? output)
    {
        var gpus = new List<(string Name, long Total, long Free)>();
        foreach (var line in (output ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length == 3 && Number(fields[1]) is { } total && Number(fields[2]) is { } free)
            {
                gpus.Add((fields[0], total * MiB, free * MiB));
            }
        }
        return Sum(gpus, "nvidia-smi");
    }

    /// <summary>
    /// <c>rocm-smi --showproductname --showmeminfo vram --json</c>: an object per card,
    /// <c>{"card0": {"Card Series": "Radeon RX 7900 XTX", "VRAM Total Memory (B)": "25753026560", "VRAM Total Used Memory (B)": "1073741824", …}}</c>
    /// (sizes in bytes, as strings; the name key's case varies between ROCm releases), and a <c>system</c> entry, skipped.
    /// </summary>
    public static GpuMemory? ParseRocmSmi(string? output)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            return null;
        }
        var gpus = new List<(string Name, long Total, long Free)>();
        try
        {
            using var document = JsonDocument.Parse(output);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            foreach (var card in document.RootElement.EnumerateObject())
            {
                if (!card.Name.StartsWith("card", StringComparison.OrdinalIgnoreCase) || card.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                var fields = card.Value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                if (Number(fields.GetValueOrDefault("VRAM Total Memory (B)")) is { } total)
                {
                    var used = Number(fields.GetValueOrDefault("VRAM Total Used Memory (B)")) ?? 0;
                    var name = fields.GetValueOrDefault("Card Series") ?? fields.GetValueOrDefault("Card SKU") ?? "AMD GPU";
                    gpus.Add((name, total, Math.Max(0, total - used)));
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return Sum(gpus, "rocm-smi");
    }

    /// <summary>
    /// <c>sysctl -n hw.memsize</c>: the Mac's unified memory in bytes, e.g. <c>34359738368</c>. Metal lets the GPU use about
    /// two thirds of it up to 36 GiB and three quarters above (its recommended working set, which Ollama goes by).
    /// </summary>
    public static GpuMemory? ParseAppleMemory(string? output)
    {
        if (Number(output?.Trim()) is not { } bytes || bytes <= 0)
        {
            return null;
        }
        var forGpu = bytes <= 36 * GiB ? bytes * 2 / 3 : bytes * 3 / 4;
        return new GpuMemory("Apple unified memory", bytes, forGpu, "sysctl");
    }

    private static GpuMemory? Sum(List<(string Name, long Total, long Free)> gpus, string probe) => gpus.Count switch
    {
        0 => null,
        1 => new GpuMemory(gpus[0].Name, gpus[0].Total, gpus[0].Free, probe),
        _ => new GpuMemory(
            gpus.All(g => g.Name == gpus[0].Name) ? $"{gpus.Count} × {gpus[0].Name}" : string.Join(" + ", gpus.Select(g => g.Name)),
            gpus.Sum(g => g.Total), gpus.Sum(g => g.Free), probe),
    };

    private static long? Number(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The program's standard output when it ran and exited 0 within <see cref="Timeout"/>; null otherwise.</summary>
    private static async Task<string?> RunAsync(string command, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception();
        }
        catch (Win32Exception)
        {
            return null; // not installed: no such GPU
        }
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var errors = process.StandardError.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                await Task.WhenAll(output, errors).ConfigureAwait(false);
                return process.ExitCode == 0 ? output.Result : null;
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                return null;
            }
        }
    }
}
