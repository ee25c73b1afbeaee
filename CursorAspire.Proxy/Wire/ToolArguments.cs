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
            using var document = JsonDocument.Parse(argumentsJson, DocumentOptions);
            if (JsonTextValidator.FindInvalidText(document.RootElement) is not null)
            {
                throw new JsonException("The arguments hold a string that is not valid text (an unpaired surrogate escape).");
            }
            var args = document.RootElement.Deserialize<Dictionary<string, object?>>(AIJsonUtilities.DefaultOptions);
            return new FunctionCallContent(callId, name, args ?? new Dictionary<string, object?>());
        }
        catch (JsonException ex)
        {
            return new FunctionCallContent(callId, name, new Dictionary<string, object?>()) { Exception = ex };
        }
    }

    /// <summary>Half of System.Text.Json's 64 levels: the arguments are written back nested inside an upstream request.</summary>
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };
}
