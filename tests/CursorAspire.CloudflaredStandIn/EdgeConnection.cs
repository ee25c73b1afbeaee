namespace CursorAspire.CloudflaredStandIn;

/// <summary>
/// The stand-in's connection to Cloudflare's edge: up until lost (as after a laptop's sleep), then down for good. A real
/// quick tunnel's hostname is gone from the edge once its connections drop, whatever cloudflared retries; only a new
/// process (a new quick tunnel) brings a public URL back.
/// </summary>
/// <param name="lostFromTheStart">True when the edge never connected (<c>CLOUDFLARED_STANDIN_EDGE=530</c>).</param>
internal sealed class EdgeConnection(bool lostFromTheStart)
{
    private int _lost = lostFromTheStart ? 1 : 0;

    /// <summary>Whether the edge answers 530 / error 1033 for every hostname.</summary>
    public bool Lost => Volatile.Read(ref _lost) == 1;

    /// <summary>Loses the edge (once) and logs it the way cloudflared does; the process lives on.</summary>
    public void Lose()
    {
        if (Interlocked.Exchange(ref _lost, 1) == 1)
        {
            return;
        }

        const string connection = "connIndex=0 event=0 ip=198.41.192.7";
        CloudflaredLog.Error("Connection terminated error=\"timeout: no recent network activity\" connIndex=0");
        CloudflaredLog.Error($"Serve tunnel error error=\"timeout: no recent network activity\" {connection}");
        CloudflaredLog.Info($"Retrying connection in up to 1s {connection}");
        CloudflaredLog.Error($"Connection terminated error=\"there are no free edge addresses left to resolve to\" {connection}");
    }
}
