using System.Globalization;

namespace CursorAspire.LoadHarness.Floor;

/// <summary>
/// A process's resident memory as Linux reports it in <c>/proc/PID/status</c>: <c>VmRSS</c> now and <c>VmHWM</c>, the
/// peak since the process started or since <see cref="TryResetPeak"/>.
/// </summary>
public static class ResidentMemory
{
    /// <summary>Resident and peak resident bytes of process <paramref name="processId"/>.</summary>
    /// <exception cref="InvalidOperationException">The process is gone or the kernel does not report these lines.</exception>
    public static (long Resident, long Peak) Read(int processId)
    {
        long? resident = null, peak = null;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    resident = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line);
                }
            }
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"Cannot read /proc/{processId}/status: {ex.Message}", ex);
        }
        return resident is { } r && peak is { } p
            ? (r * 1024, p * 1024)
            : throw new InvalidOperationException($"/proc/{processId}/status has no VmRSS/VmHWM lines (not Linux?).");
    }

    /// <summary>
    /// Resets <c>VmHWM</c> to the current resident size (writing 5 to <c>/proc/PID/clear_refs</c>, Linux 4.0 and later),
    /// so the next <see cref="Read"/> gives the peak since now; false when the kernel or permissions refuse.
    /// </summary>
    public static bool TryResetPeak(int processId)
    {
        try
        {
            File.WriteAllText($"/proc/{processId}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
