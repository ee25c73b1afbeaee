using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// <c>GET /</c>: a plain status page saying where Cursor should point. It is public, so it shows the base URL only:
/// no keys, no model list.
/// </summary>
public static class StatusEndpoint
{
    public static IResult Handle(IOptions<ProxyOptions> options)
    {
        var publicUrl = options.Value.PublicBaseUrl;
        var text = publicUrl is { Length: > 0 }
            ? $"CursorAspire proxy is running.\nIn Cursor, set \"Override OpenAI Base URL\" to: {publicUrl.TrimEnd('/')}/v1\n"
            : "CursorAspire proxy is running.\nNo public URL is known yet: Cursor's servers cannot reach localhost, so run it behind the tunnel (the AppHost starts one).\n";
        return Results.Text(text, "text/plain; charset=utf-8");
    }
}
