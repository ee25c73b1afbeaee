using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Endpoints;

/// <summary><c>GET …/models</c>: the aliases the caller's key may use, in OpenAI's list shape.</summary>
public static class ModelsEndpoint
{
    public static async Task HandleAsync(HttpContext context, ModelRouter router)
    {
        context.Response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(context.Response.BodyWriter, WireJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            var allowed = ApiKeyIdentity.Of(context).AllowedModels;
            foreach (var alias in router.Aliases)
            {
                if (allowed is not null && !allowed.Contains(alias, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }
                json.WriteStartObject();
                json.WriteString("id", alias);
                json.WriteString("object", "model");
                json.WriteNumber("created", 0);
                json.WriteString("owned_by", "cursoraspire");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
