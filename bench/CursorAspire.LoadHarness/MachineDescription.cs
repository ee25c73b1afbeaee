using System.Runtime;
using System.Runtime.InteropServices;

namespace CursorAspire.LoadHarness;

/// <summary>What the numbers were measured on, read off the machine.</summary>
public static class MachineDescription
{
    public static string Describe()
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return $"{RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture}, {cpu}, {Environment.ProcessorCount} logical cores, " +
            $"{RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC{(GCSettings.LatencyMode == GCLatencyMode.Interactive ? " (concurrent)" : string.Empty)}";
    }

    /// <summary>The 1, 5 and 15-minute load averages (<c>/proc/loadavg</c>): how busy the shared machine was.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ', 4)[..3]) + " (1 / 5 / 15 min)";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
