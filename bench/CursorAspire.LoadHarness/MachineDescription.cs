using System.Runtime;
using System.Runtime.InteropServices;

namespace CursorAspire.LoadHarness;

/// <summary>One line on what the numbers were measured on, read off the machine.</summary>
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
}
