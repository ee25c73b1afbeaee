namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>
/// Stand-ins for the GPU programs the model-fit advisor asks (<c>nvidia-smi</c>, <c>rocm-smi</c>, <c>sysctl</c>): shell
/// scripts that answer the advisor's exact query with the real program's output, and refuse any other arguments with an
/// error and a failing exit code, as the real ones do.
/// </summary>
internal sealed class GpuProbeStandIns : IDisposable
{
    /// <summary>The query the advisor sends nvidia-smi, and what a real RTX 4070 with 11 GB free answers (MiB).</summary>
    public const string NvidiaSmiQuery = "--query-gpu=name,memory.total,memory.free --format=csv,noheader,nounits";

    /// <summary>The query the advisor sends rocm-smi.</summary>
    public const string RocmSmiQuery = "--showproductname --showmeminfo vram --json";

    /// <summary>The query the advisor sends sysctl.</summary>
    public const string SysctlQuery = "-n hw.memsize";

    public GpuProbeStandIns()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("cursoraspire-gpu-probes-").FullName;
    }

    public string Directory { get; }

    /// <summary>An <c>nvidia-smi</c> with one line per GPU: name, total MiB, free MiB.</summary>
    public string NvidiaSmi(params (string Name, int TotalMiB, int FreeMiB)[] gpus) =>
        Create("nvidia-smi", NvidiaSmiQuery, string.Join('\n', gpus.Select(g => $"{g.Name}, {g.TotalMiB}, {g.FreeMiB}")));

    /// <summary>An <c>nvidia-smi</c> installed without a working driver: the message and exit code 9 the real one gives.</summary>
    public string NvidiaSmiWithoutDriver() => Script("nvidia-smi",
        "echo 'NVIDIA-SMI has failed because it couldn'\\''t communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.'\nexit 9\n");

    /// <summary>A <c>rocm-smi</c> answering with this JSON (its real shape: an object per card and a <c>system</c> entry).</summary>
    public string RocmSmi(string json) => Create("rocm-smi", RocmSmiQuery, json);

    /// <summary>A macOS <c>sysctl</c> telling this much memory.</summary>
    public string Sysctl(long bytes) => Create("sysctl", SysctlQuery, bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A path where no program is.</summary>
    public string Missing(string name) => Path.Combine(Directory, "missing", name);

    private string Create(string name, string query, string output) => Script(name,
        $"""
        if [ "$*" != "{query}" ]; then
          echo "{name}: unexpected arguments: $*" >&2
          exit 2
        fi
        cat <<'OUTPUT'
        {output}
        OUTPUT
        """);

    private string Script(string name, string body)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
