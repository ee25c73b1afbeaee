namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// Reading the values of a line of Ollama's answer with a <see cref="Utf8JsonReader"/>: a value of the wrong kind is a
/// <see cref="JsonException"/>, as the serializer OllamaSharp used made it.
/// </summary>
internal static class OllamaLineJson
{
    public static string? ReadString(ref Utf8JsonReader reader) => NextIsString(ref reader, "a text field") ? reader.GetString() : null;

    /// <summary>Moves to the next value: true on a string, false on <c>null</c>, anything else a <see cref="JsonException"/> naming <paramref name="field"/>.</summary>
    public static bool NextIsString(ref Utf8JsonReader reader, string field) => Next(ref reader) switch
    {
        JsonTokenType.Null => false,
        JsonTokenType.String => true,
        _ => throw Unexpected(field),
    };

    public static long ReadInt64(ref Utf8JsonReader reader) =>
        Next(ref reader) == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : throw Unexpected("a duration");

    public static int ReadInt32(ref Utf8JsonReader reader) =>
        Next(ref reader) == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : throw Unexpected("a count");

    public static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("Ollama's answer line ended inside its JSON.");

    public static void Expect(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (Next(ref reader) != expected)
        {
            throw new JsonException($"Ollama's answer line is not a JSON object (it starts with {reader.TokenType}).");
        }
    }

    public static void Skip(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        reader.Skip();
    }

    public static JsonException Unexpected(string? field) => new($"Ollama's answer has an unexpected value for '{field}'.");
}
