namespace CursorAspire.LoadHarness.Floor;

/// <summary>
/// One cell of the floor run: one provider's stand-in, streamed or not, at one number of connections, with each path's
/// measured phase, or why a path could not be measured.
/// </summary>
public sealed class FloorCell(UpstreamProvider provider, bool streamed, int connections)
{
    public UpstreamProvider Provider { get; } = provider;

    public bool Streamed { get; } = streamed;

    public int Connections { get; } = connections;

    /// <summary>Measured phases by path (<see cref="ClientRoute.Direct"/>, …).</summary>
    public Dictionary<string, PhaseResult> Measured { get; } = [];

    /// <summary>Why a path has no figures, by path.</summary>
    public Dictionary<string, string> NotMeasured { get; } = [];

    public override string ToString() =>
        $"{FloorReport.ProviderName(Provider)}, {(Streamed ? "streamed" : "non-streamed")}, {Connections} connection{(Connections == 1 ? "" : "s")}";
}
