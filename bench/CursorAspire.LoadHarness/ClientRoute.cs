namespace CursorAspire.LoadHarness;

/// <summary>One path a request can take to the stand-in, as the client sees it: where to send it and with which headers.</summary>
/// <param name="Path">The path's name in reports (<c>direct</c>, <c>bare hop</c>, <c>proxy</c>, <c>peer (Portkey)</c>).</param>
/// <param name="ChatUri">The <c>chat/completions</c> URL the client posts to.</param>
/// <param name="Headers">Headers sent with every request (an API key, a gateway's routing headers).</param>
public sealed record ClientRoute(string Path, Uri ChatUri, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public const string Direct = "direct";
    public const string BareHop = "bare hop";
    public const string Proxy = "proxy";
    public const string Peer = "peer (Portkey)";
    public const string UpstreamReplay = "upstream replay";

    /// <summary>The body's <c>Content-Type</c>: Cursor's <c>application/json</c>, or what the proxy sent its upstream when replayed.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>A route that needs no headers.</summary>
    public ClientRoute(string path, Uri chatUri)
        : this(path, chatUri, [])
    {
    }

    /// <summary>A route authenticated with <c>Authorization: Bearer <paramref name="apiKey"/></c>.</summary>
    public static ClientRoute WithApiKey(string path, Uri chatUri, string apiKey) =>
        new(path, chatUri, [new("Authorization", "Bearer " + apiKey)]);
}
