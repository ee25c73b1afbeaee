namespace CursorAspire.CloudflaredStandIn;

/// <summary>What the stand-in was asked to be.</summary>
internal enum StandInMode
{
    Unknown,
    QuickTunnel,
    NamedTunnel,
    Origin,
    Version,
}
