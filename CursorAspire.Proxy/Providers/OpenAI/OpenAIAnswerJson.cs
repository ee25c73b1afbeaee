namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// Reading the values of an OpenAI-compatible answer (a streamed chunk, or a whole <c>chat.completion</c>) with a
/// <see cref="Utf8JsonReader"/>: a value of the wrong kind is a <see cref="JsonException"/> naming its field, as the
/// SDK's deserializer failed on it.
/// </summary>
internal static class OpenAIAnswerJson
{
    public static string? ReadString(ref Utf8JsonReader reader, string field) => NextIsString(ref reader, field) ? reader.GetString() : null;

    /// <summary>Moves to the next value: true on a string, false on <c>null</c>, anything else a <see cref="JsonException"/> naming <paramref name="field"/>.</summary>
    public static bool NextIsString(ref Utf8JsonReader reader, string field) => Next(ref reader) switch
    {
        JsonTokenType.Null => false,
        JsonTokenType.String => true,
        _ => throw Unexpected(field),
    };

    /// <summary>Moves onto an object: true on its start, false on <c>null</c> (none), anything else a <see cref="JsonException"/> naming <paramref name="field"/>.</summary>
    public static bool NextIsObject(ref Utf8JsonReader reader, string field) => NextIs(ref reader, JsonTokenType.StartObject, field);

    /// <summary>Moves onto an array: true on its start, false on <c>null</c> (none), anything else a <see cref="JsonException"/> naming <paramref name="field"/>.</summary>
    public static bool NextIsArray(ref Utf8JsonReader reader, string field) => NextIs(ref reader, JsonTokenType.StartArray, field);

    private static bool NextIs(ref Utf8JsonReader reader, JsonTokenType start, string field)
    {
        var token = Next(ref reader);
        if (token != start && token != JsonTokenType.Null)
        {
            throw Unexpected(field);
        }
        return token == start;
    }

    /// <summary>A token count: a number, or <c>null</c> (none).</summary>
    public static long? ReadCount(ref Utf8JsonReader reader, string field) => Next(ref reader) switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number when reader.TryGetInt64(out var value) => value,
        _ => throw Unexpected(field),
    };

    public static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("The upstream's answer ended inside its JSON.");

    public static void Skip(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        reader.Skip();
    }

    public static JsonException Unexpected(string field) => new($"The upstream's answer has an unexpected value for '{field}'.");
}
