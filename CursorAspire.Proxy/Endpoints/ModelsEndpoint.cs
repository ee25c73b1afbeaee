using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Endpoints;

/// <summary><c>GET …/models</c>: the aliases the caller's key may use, in OpenAI's list shape.</summary>
public static class ModelsEndpoint
{
    public static Task HandleAsync(HttpContext context, ModelRouter router) => JsonResponse.WriteAsync(context, json =>
    {
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        var allowed = ApiKeyIdentity.Of(context).AllowedModels;
        foreach (var alias in router.Aliases.Where(a => allowed is null || allowed.Contains(a, StringComparer.OrdinalIgnoreCase)))
        {
            json.WriteStartObject();
            json.WriteString("id", alias);
            json.WriteString("object", "model");
            json.WriteNumber("created", 0);
            json.WriteString("owned_by", "cursoraspire");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        return Task.CompletedTask;
    });
}
