namespace CursorAspire.Proxy.Wire.ChatCompletions;

/// <summary>What opens every Chat Completions object the proxy writes, a completion or a chunk: the same id, model and fingerprint.</summary>
internal static class ChatCompletionEnvelope
{
    /// <summary>Starts the object and writes its envelope members.</summary>
    public static void Write(Utf8JsonWriter json, string id, string objectType, long created, string model)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", objectType);
        json.WriteNumber("created", created);
        json.WriteString("model", model);
        json.WriteString("system_fingerprint", "cursoraspire");
    }
}
