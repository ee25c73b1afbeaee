using CursorAspire.Proxy.Wire.Json;
using CursorAspire.Proxy.Tools;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Reads a <c>tools</c> array in every form Cursor sends: nested Chat Completions tools
/// (<c>{"type":"function","function":{…}}</c>), flat Responses tools (<c>{"type":"function","name":…}</c>),
/// <c>custom</c> tools (free-form input with a grammar) and Anthropic tools (<c>{"name","description","input_schema"}</c>,
/// with Cursor's <c>cache_control</c> marker kept as a <see cref="ClientCacheBreakpoints"/> mark). All become
/// declarations: Cursor executes the tools.
/// </summary>
internal static class ToolDefinitionReader
{
    /// <summary>Parameter name a custom tool's free-form input travels in when offered to a model as a function.</summary>
    public const string CustomToolInputParameter = "input";

    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    /// <summary>Reads tools; <c>null</c>, absent or empty yields no tools.</summary>
    public static List<AITool>? Read(JsonElement root, HashSet<string> customToolNames)
    {
        if (!root.TryReadArray("tools", string.Empty, out var tools) || tools.GetArrayLength() == 0)
        {
            return null;
        }
        var result = new List<AITool>(tools.GetArrayLength());
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var position = index++;
            if (ToolDeclarationCache.TryGet(tool, out var known, out var knownIsCustom))
            {
                // The same JSON as an earlier request's tool (Cursor sends the same tools every time): read and checked then.
                if (knownIsCustom)
                {
                    customToolNames.Add(known.Name);
                }
                result.Add(known);
                continue;
            }
            var path = $"tools[{position}]";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                throw JsonElementReading.InvalidType(path, "a tool object", tool);
            }
            if (tool.TryGetProperty("input_schema", out _))
            {
                // Anthropic's client tool: its type is absent or "custom" (not OpenAI's free-form custom tool).
                var anthropicTool = ReadAnthropicTool(tool, path);
                ToolDeclarationCache.Add(tool, anthropicTool, custom: false);
                result.Add(anthropicTool);
                continue;
            }
            switch (tool.ReadString("type", path) ?? "function")
            {
                case "function":
                    // Nested form carries its definition under "function"; flat form carries it on the tool itself.
                    var (definition, definitionPath) = tool.TryReadObject("function", path, out var nested)
                        ? (nested, JsonElementReading.MemberPath(path, "function"))
                        : (tool, path);
                    // M.E.AI refuses an empty name with an ArgumentException; it is the client's mistake, not ours.
                    var name = definition.ReadRequiredString("name", definitionPath);
                    var function = AIFunctionFactory.CreateDeclaration(name, definition.ReadString("description", definitionPath), ReadParameters(definition, definitionPath).Clone());
                    ToolDeclarationCache.Add(tool, function, custom: false);
                    result.Add(function);
                    break;
                case "custom":
                    var customName = tool.ReadRequiredString("name", path);
                    customToolNames.Add(customName);
                    var customTool = AIFunctionFactory.CreateDeclaration(customName, DescribeCustomTool(tool, path), CustomToolSchema(customName));
                    ToolDeclarationCache.Add(tool, customTool, custom: true);
                    result.Add(customTool);
                    break;
                default:
                    // Hosted tools (web_search, file_search…) have no meaning for a self-hosted model: skip, don't fail.
                    break;
            }
        }
        return result.Count == 0 ? null : result;
    }

    /// <summary><c>{"name","description","input_schema","cache_control"?}</c>: a declaration, marked when the client marked it.</summary>
    private static AIFunctionDeclaration ReadAnthropicTool(JsonElement tool, string path)
    {
        var name = tool.ReadRequiredString("name", path);
        var schema = tool.GetProperty("input_schema");
        JsonSchemaShape.Ensure(schema, path, "input_schema");
        var declaration = AIFunctionFactory.CreateDeclaration(name, tool.ReadString("description", path), schema.Clone());
        return ReadCacheControl(tool, path) ? ClientCacheBreakpoints.Mark(declaration) : declaration;
    }

    /// <summary>
    /// Whether a block or tool carries <c>cache_control</c> (an object, as Anthropic takes it; absent or null is none).
    /// </summary>
    public static bool ReadCacheControl(JsonElement holder, string path) => holder.TryReadObject("cache_control", path, out _);

    /// <summary><c>parameters</c>: a JSON schema object the provider clients can carry, or none (no parameters).</summary>
    private static JsonElement ReadParameters(JsonElement definition, string path)
    {
        if (!definition.TryGetProperty("parameters", out var parameters) || parameters.ValueKind == JsonValueKind.Null)
        {
            return EmptyObjectSchema;
        }
        JsonSchemaShape.Ensure(parameters, path, "parameters");
        return parameters;
    }

    /// <summary>
    /// A custom tool takes raw text. Most upstreams only do JSON function calling, so it is offered as a function
    /// with one string parameter; the grammar (if any) is appended to the description so the model knows the format.
    /// </summary>
    private static string? DescribeCustomTool(JsonElement tool, string path)
    {
        var description = tool.ReadString("description", path);
        var formatPath = JsonElementReading.MemberPath(path, "format");
        if (tool.TryReadObject("format", path, out var format) && format.ReadString("type", formatPath) == "grammar")
        {
            var definition = format.ReadString("definition", formatPath);
            var syntax = format.ReadString("syntax", formatPath) ?? "grammar";
            if (!string.IsNullOrEmpty(definition))
            {
                description = $"{description}\n\nPut the raw tool input in the \"{CustomToolInputParameter}\" parameter. It must follow this {syntax}:\n{definition}";
            }
        }
        return description;
    }

    private static JsonElement CustomToolSchema(string name)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteStartObject("properties");
            writer.WriteStartObject(CustomToolInputParameter);
            writer.WriteString("type", "string");
            writer.WriteString("description", $"The raw input for {name}.");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("required");
            writer.WriteStringValue(CustomToolInputParameter);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.ToArray()).RootElement;
    }

    /// <summary>
    /// Reads <c>tool_choice</c>: "auto" | "none" | "required" | a named function in nested or flat form | Anthropic's
    /// <c>{"type":"auto"|"any"|"none"}</c> and <c>{"type":"tool","name":…}</c>.
    /// </summary>
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
                switch (choice.ReadString("type", "tool_choice"))
                {
                    case "auto":
                        return ChatToolMode.Auto;
                    case "any":
                        return ChatToolMode.RequireAny;
                    case "none":
                        return ChatToolMode.None;
                    case "tool":
                        return ChatToolMode.RequireSpecific(choice.ReadRequiredString("name", "tool_choice"));
                }
                // A named function; other forms (allowed_tools, hosted tools) leave the choice to the model.
                var (name, param) = choice.TryReadObject("function", "tool_choice", out var function) &&
                    function.ReadString("name", "tool_choice.function") is { } nested
                        ? (nested, "tool_choice.function.name")
                        : (choice.ReadString("name", "tool_choice"), "tool_choice.name");
                if (name is null)
                {
                    return ChatToolMode.Auto;
                }
                // M.E.AI refuses an empty name with an ArgumentException.
                return string.IsNullOrWhiteSpace(name)
                    ? throw new WireFormatException($"Invalid value for '{param}': it must not be empty.", param)
                    : ChatToolMode.RequireSpecific(name);
            case JsonValueKind.Null:
                return null;
            default:
                throw JsonElementReading.InvalidType("tool_choice", "a string or an object", choice);
        }
    }
}
