using System.Text.Json;

namespace CursorAspire.Proxy.Wire;

/// <summary>Reads a Responses-shaped body (<c>input</c>) into a <see cref="ParsedChatRequest"/>.</summary>
public static class ResponsesRequestReader
{
    public static ParsedChatRequest Read(JsonElement root) =>
        throw new WireFormatException("Responses-shaped bodies ('input') are not supported yet.", "input");
}
