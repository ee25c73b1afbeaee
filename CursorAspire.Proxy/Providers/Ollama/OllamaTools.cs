using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// A request's function tools in the form OllamaSharp writes them, each converted once per declaration. OllamaSharp
/// converts every declaration on every request (its schema's text parsed into a new <see cref="JsonNode"/> tree, then
/// serialized); the declarations of a tool set Cursor sends again are the same objects
/// (<see cref="Tools.ToolDeclarationCache"/>), so their written form is kept beside them and handed to OllamaSharp on
/// the request it starts from (<c>ChatRequest.Tools</c>, which it sends ahead of any tool it converts itself).
/// </summary>
/// <remarks>
/// The form is OllamaSharp's own: <c>{"type":"function","function":{"name","description","parameters"}}</c> with the
/// schema transformed as OllamaSharp transforms it (boolean schemas converted, no additional properties), serialized
/// once with the client's outgoing options and kept as a <see cref="JsonElement"/>, which the serializer writes back
/// token for token with the same encoder; the golden tests pin the bytes. A <see cref="JsonElement"/> of a document
/// that is never disposed is immutable, so one serves every request at once.
/// </remarks>
internal static class OllamaTools
{
    private static readonly AIJsonSchemaTransformCache SchemaTransform = new(new AIJsonSchemaTransformOptions
    {
        ConvertBooleanSchemas = true,
        DisallowAdditionalProperties = true,
    });

    private static readonly ConditionalWeakTable<AIFunctionDeclaration, object> Written = new();

    /// <summary>
    /// Takes the tools out of <paramref name="options"/> (a copy the caller owns) in their written form, in order; null,
    /// and <paramref name="options"/> untouched, when there are none. OllamaSharp sends nothing but function tools.
    /// </summary>
    /// <param name="options">The request's options.</param>
    /// <param name="wire">The options OllamaSharp serializes its requests with (every client of ours uses the same).</param>
    public static List<object>? Take(ChatOptions options, JsonSerializerOptions wire)
    {
        if (options.Tools is not { Count: > 0 } tools)
        {
            return null;
        }
        var written = new List<object>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is AIFunctionDeclaration declaration)
            {
                written.Add(Of(declaration, wire));
            }
        }
        options.Tools = null;
        return written;
    }

    /// <summary>
    /// One declaration's written form (a boxed <see cref="JsonElement"/>; <see cref="OllamaChatRequestWriter"/> copies its
    /// UTF-8 bytes as they are), converted on the first request that carries it.
    /// </summary>
    public static object Of(AIFunctionDeclaration declaration, JsonSerializerOptions wire) =>
        Written.TryGetValue(declaration, out var tool) ? tool : Add(declaration, wire);

    /// <summary>Converts on a miss (apart, so a hit makes no closure).</summary>
    private static object Add(AIFunctionDeclaration declaration, JsonSerializerOptions wire) =>
        Written.GetValue(declaration, d => Write(d, wire));

    private static JsonElement Write(AIFunctionDeclaration declaration, JsonSerializerOptions wire)
    {
        var tool = new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = declaration.Name,
                ["description"] = declaration.Description,
                ["parameters"] = JsonNode.Parse(SchemaTransform.GetOrCreateTransformedSchema(declaration).GetRawText()),
            },
        };
        return JsonSerializer.SerializeToElement<object>(tool, wire);
    }
}
