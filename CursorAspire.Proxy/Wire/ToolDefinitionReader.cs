using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Reads a <c>tools</c> array in every form Cursor sends: nested Chat Completions tools
/// (<c>{"type":"function","function":{…}}</c>), flat Responses tools (<c>{"type":"function","name":…}</c>) and
/// <c>custom</c> tools (free-form input with a grammar). All become declarations: Cursor executes the tools.
/// </summary>
internal static class ToolDefinitionReader
{
    /// <summary>Parameter name a custom tool's free-form input travels in when offered to a model as a function.</summary>
    public const string CustomToolInputParameter = "input";

    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    /// <summary>Reads tools; <c>null</c>, absent or empty yields no tools.</summary>
    public static List<AITool>? Read(JsonElement root, HashSet<string> customToolNames)
    {
        if (!root.TryGetArray("tools", out var tools) || tools.GetArrayLength() == 0)
        {
            return null;
        }
        var result = new List<AITool>(tools.GetArrayLength());
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object)
            {
                throw new WireFormatException($"tools[{index}] must be an object.", $"tools[{index}]");
            }
            var type = tool.GetStringOrNull("type") ?? "function";
            switch (type)
            {
                case "function":
                    // Nested form carries its definition under "function"; flat form carries it on the tool itself.
                    var definition = tool.TryGetObject("function", out var nested) ? nested : tool;
                    var name = definition.GetStringOrNull("name")
                        ?? throw new WireFormatException($"tools[{index}] has no function name.", $"tools[{index}].function.name");
                    var schema = definition.TryGetObject("parameters", out var parameters) ? parameters : EmptyObjectSchema;
                    result.Add(AIFunctionFactory.CreateDeclaration(name, definition.GetStringOrNull("description"), schema));
                    break;
                case "custom":
                    var customName = tool.GetStringOrNull("name")
                        ?? throw new WireFormatException($"tools[{index}] has no name.", $"tools[{index}].name");
                    customToolNames.Add(customName);
                    result.Add(AIFunctionFactory.CreateDeclaration(customName, DescribeCustomTool(tool), CustomToolSchema(tool)));
                    break;
                default:
                    // Hosted tools (web_search, file_search…) have no meaning for a self-hosted model: skip, don't fail.
                    break;
            }
            index++;
        }
        return result.Count == 0 ? null : result;
    }

    /// <summary>
    /// A custom tool takes raw text. Most upstreams only do JSON function calling, so it is offered as a function
    /// with one string parameter; the grammar (if any) is appended to the description so the model knows the format.
    /// </summary>
    private static string? DescribeCustomTool(JsonElement tool)
    {
        var description = tool.GetStringOrNull("description");
        if (tool.TryGetObject("format", out var format) && format.GetStringOrNull("type") == "grammar")
        {
            var definition = format.GetStringOrNull("definition");
            var syntax = format.GetStringOrNull("syntax") ?? "grammar";
            if (!string.IsNullOrEmpty(definition))
            {
                description = $"{description}\n\nPut the raw tool input in the \"{CustomToolInputParameter}\" parameter. It must follow this {syntax}:\n{definition}";
            }
        }
        return description;
    }

    private static JsonElement CustomToolSchema(JsonElement tool)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteStartObject("properties");
            writer.WriteStartObject(CustomToolInputParameter);
            writer.WriteString("type", "string");
            writer.WriteString("description", $"The raw input for {tool.GetStringOrNull("name")}.");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("required");
            writer.WriteStringValue(CustomToolInputParameter);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.ToArray()).RootElement;
    }

    /// <summary>Reads <c>tool_choice</c>: "auto" | "none" | "required" | a named function in nested or flat form.</summary>
    public static ChatToolMode? ReadToolChoice(JsonElement root)
    {
        if (!root.TryGetProperty("tool_choice", out var choice))
        {
            return null;
        }
        switch (choice.ValueKind)
        {
            case JsonValueKind.String:
                return choice.GetString() switch
                {
                    "none" => ChatToolMode.None,
                    "required" or "any" => ChatToolMode.RequireAny,
                    _ => ChatToolMode.Auto,
                };
            case JsonValueKind.Object:
                var name = (choice.TryGetObject("function", out var f) ? f.GetStringOrNull("name") : null) ?? choice.GetStringOrNull("name");
                return name is null ? ChatToolMode.Auto : ChatToolMode.RequireSpecific(name);
            default:
                return null;
        }
    }
}
