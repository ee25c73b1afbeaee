namespace CursorAspire.Proxy.Tools;

/// <summary>
/// The tool declarations one request read that <see cref="ToolDeclarationCache"/> does not hold yet: collected while
/// the request is read (until disposed), kept only when the request passed validation.
/// </summary>
internal sealed class ToolDeclarationBatch : IDisposable
{
    internal List<ToolDeclarationCache.Entry> Entries { get; } = [];

    /// <summary>The request passed validation: its new declarations serve the next requests that send the same tools.</summary>
    public void Keep()
    {
        foreach (var entry in Entries)
        {
            ToolDeclarationCache.Add(entry);
        }
        Entries.Clear();
    }

    /// <summary>Stops collecting on this thread (what was collected can still be kept).</summary>
    public void Dispose() => ToolDeclarationCache.EndCollecting(this);
}
