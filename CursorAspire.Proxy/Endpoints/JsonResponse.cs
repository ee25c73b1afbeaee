using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>A JSON answer written straight into the response body, with the wire's writer settings.</summary>
internal static class JsonResponse
{
    public static async Task WriteAsync(HttpContext context, Func<Utf8JsonWriter, Task> write)
    {
        context.Response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter, WireJson.WriterOptions))
        {
            await write(json).ConfigureAwait(false);
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
