namespace CursorAspire.LoadHarness.Floor;

/// <summary>What <see cref="MemoryProbe"/> read off one server process.</summary>
/// <param name="Provider">Whose stand-in the streams came from.</param>
/// <param name="Path">The path measured (<see cref="ClientRoute.BareHop"/>, <see cref="ClientRoute.Proxy"/>, <see cref="ClientRoute.Peer"/>).</param>
/// <param name="BaselineBytes">Resident after start and warm-up, before the streams.</param>
/// <param name="PeakBytes">Peak resident while the streams ran.</param>
/// <param name="PeakIsExact">The kernel's own peak (<c>VmHWM</c> reset before the streams); otherwise the highest of samples every 10 ms.</param>
/// <param name="Streams">The streams (<see cref="PhaseResult.MaxInFlight"/> tells how many were open at once).</param>
public sealed record MemoryResult(UpstreamProvider Provider, string Path, long BaselineBytes, long PeakBytes, bool PeakIsExact, PhaseResult Streams);
