using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Calls of <c>custom</c> (free-form) tools such as Cursor's <c>ApplyPatch</c>, between the model's view and the client's.
/// </summary>
/// <remarks>
/// The model sees a custom tool as a function with one string parameter (<see cref="ToolDefinitionReader.CustomToolInputParameter"/>),
/// because most upstreams only do JSON function calling. The client must get the raw text back, never the JSON wrapper:
/// a patch parser expects <c>*** Begin Patch</c>, not <c>{"input":…}</c>.
/// <list type="bullet">
/// <item>Chat Completions (what Cursor reads): a <c>type:"function"</c> tool call whose <c>function.arguments</c> is the raw
/// input text. Cursor's agent reads <c>tool_call.function.name</c> on every call and fails on the native
/// <c>type:"custom"</c> shape; the gateways that run Cursor's agent mode (Ungate, codex-proxy) hand custom calls back this way.</item>
/// <item>Responses (<c>POST …/responses</c>): the native <c>custom_tool_call</c> item with <c>input</c>.</item>
/// </list>
/// History comes back either as <c>custom_tool_call</c> items or as function calls whose arguments are the raw text;
/// both are wrapped again so the model sees the same shape it produced.
/// </remarks>
internal static class CustomToolCalls
{
    /// <summary>A call of a custom tool, as the model sees it: the raw input under the one parameter.</summary>
    public static FunctionCallContent ToFunctionCall(string callId, string name, string? rawInput) =>
        new(callId, name, new Dictionary<string, object?> { [ToolDefinitionReader.CustomToolInputParameter] = rawInput ?? string.Empty });

    /// <summary>
    /// Reads a function call that names a custom tool from history: arguments that are a JSON object with the input
    /// parameter are taken as they are, anything else is the raw input itself.
    /// </summary>
    public static FunctionCallContent FromHistoryArguments(string callId, string name, string? arguments)
    {
        if (!string.IsNullOrEmpty(arguments) && arguments.AsSpan().TrimStart().StartsWith("{"))
        {
            try
            {
                using var document = JsonDocument.Parse(arguments);
                if (document.RootElement.ValueKind == JsonValueKind.Object &&
                    document.RootElement.TryGetProperty(ToolDefinitionReader.CustomToolInputParameter, out var input) &&
                    input.ValueKind == JsonValueKind.String &&
                    JsonTextValidator.FindInvalidText(input) is null)
                {
                    return ToFunctionCall(callId, name, input.GetString());
                }
            }
            catch (JsonException)
            {
                // Not JSON: the raw input (a patch can start with a brace).
            }
        }
        return ToFunctionCall(callId, name, arguments);
    }

    /// <summary>
    /// The raw input of a model's call to a custom tool: the input parameter, or else the only string argument
    /// (models sometimes rename a lone parameter). False when neither exists; the caller then writes the JSON.
    /// </summary>
    public static bool TryGetRawInput(FunctionCallContent call, out string rawInput)
    {
        rawInput = string.Empty;
        var arguments = call.Arguments;
        if (arguments is null || arguments.Count == 0)
        {
            return false;
        }
        if (arguments.TryGetValue(ToolDefinitionReader.CustomToolInputParameter, out var value) && AsString(value) is { } input)
        {
            rawInput = input;
            return true;
        }
        if (arguments.Count == 1)
        {
            foreach (var only in arguments.Values)
            {
                if (AsString(only) is { } text)
                {
                    rawInput = text;
                    return true;
                }
            }
        }
        return false;
    }

    private static string? AsString(object? value) => value switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        _ => null,
    };
}
