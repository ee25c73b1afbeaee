using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Wire;

/// <summary>Tool-call arguments between their wire form (a JSON string) and M.E.AI's dictionary form.</summary>
internal static class ToolArguments
{
    /// <summary>
    /// Parses a wire <c>arguments</c> string. Unparseable history (a stream that broke mid-call) must not fail the
    /// request, so it yields an empty dictionary and the exception is attached to the call.
    /// </summary>
    public static FunctionCallContent ToFunctionCall(string callId, string name, string? argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            return new FunctionCallContent(callId, name, new Dictionary<string, object?>());
        }
        try
        {
            var args = JsonSerializer.Deserialize<Dictionary<string, object?>>(argumentsJson, AIJsonUtilities.DefaultOptions);
            return new FunctionCallContent(callId, name, args ?? new Dictionary<string, object?>());
        }
        catch (JsonException ex)
        {
            return new FunctionCallContent(callId, name, new Dictionary<string, object?>()) { Exception = ex };
        }
    }
}
