using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Usage;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Endpoints;

/// <summary><c>GET …/v1/usage</c>: the calling key's tokens, estimated cost and savings, today and this month, per model.</summary>
public static class UsageEndpoint
{
    public static async Task HandleAsync(HttpContext context, UsageReport report)
    {
        context.Response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter, WireJson.WriterOptions))
        {
            await report.WriteAsync(json, ApiKeyIdentity.Of(context), context.RequestAborted).ConfigureAwait(false);
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
