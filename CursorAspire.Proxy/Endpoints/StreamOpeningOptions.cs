namespace CursorAspire.Proxy.Endpoints;

/// <summary>When a streamed answer opens before the model has written anything: <c>Proxy:StreamOpenAfter</c>.</summary>
public sealed class StreamOpeningOptions
{
    /// <summary>The default of <see cref="StreamOpenAfter"/>.</summary>
    public static readonly TimeSpan DefaultStreamOpenAfter = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long after the request a stream opens (status 200, headers and the role chunk) when the model has written nothing
    /// yet: a thinking model may take minutes before its first token, and Cursor shows a hang in the meantime. A failure
    /// within this time is still a real HTTP status; after it, it is shown as text in the stream. Half a second by default,
    /// so Cursor sees the stream open within a second even through the tunnel.
    /// </summary>
    public TimeSpan StreamOpenAfter { get; set; } = DefaultStreamOpenAfter;
}
