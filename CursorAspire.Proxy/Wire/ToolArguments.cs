using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire;

/// <summary>Tool-call arguments between their wire form (a JSON string) and M.E.AI's dictionary form.</summary>
internal static class ToolArguments
{
    /// <summary>
    /// Parses a wire <c>arguments</c> string. Unparseable history (a stream that broke mid-call) must not fail the
    /// request, so it yields an empty dictionary and the exception is attached to the call. Arguments that would break
    /// the upstream request later count as unparseable too: broken text, or nesting too deep to be written back.
    /// </summary>
    public static FunctionCallContent ToFunctionCall(string callId, string name, string? argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            return new FunctionCallContent(callId, name, new Dictionary<string, object?>());
        }
        try
        {
            // One parse into an element the arguments keep: its members are the dictionary's values as they are (what
            // deserializing into object values would give, without a document per value), written back to the
            // upstream as they came.
            var root = JsonElement.Parse(argumentsJson, DocumentOptions);
            if (JsonTextValidator.FindInvalidText(root) is not null)
            {
                throw new JsonException("The arguments hold a string that is not valid text (an unpaired surrogate escape).");
            }
            return new FunctionCallContent(callId, name, Members(root));
        }
        catch (JsonException ex)
        {
            return new FunctionCallContent(callId, name, new Dictionary<string, object?>()) { Exception = ex };
        }
    }

    /// <summary>
    /// The members of a parsed arguments object as M.E.AI's argument dictionary, each value the element itself (an
    /// element of a document the caller no longer disposes: parsed for it, or cloned).
    /// </summary>
    /// <exception cref="JsonException"><paramref name="root"/> is neither an object nor null.</exception>
    public static Dictionary<string, object?> Members(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("The arguments are not a JSON object.");
        }
        var members = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var member in root.EnumerateObject())
        {
            // As deserializing would: a later duplicate wins, and JSON null is null.
            members[member.Name] = member.Value.ValueKind == JsonValueKind.Null ? null : member.Value;
        }
        return members;
    }

    /// <summary>Half of System.Text.Json's 64 levels: the arguments are written back nested inside an upstream request.</summary>
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };
}
