using CursorAspire.Proxy.Wire;
using static CursorAspire.Proxy.Providers.Ollama.OllamaLineJson;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>The <c>tool_calls</c> of a line of Ollama's chat answer, read as OllamaSharp 5.5 read them into M.E.AI's calls.</summary>
internal static class OllamaToolCallReader
{
    /// <summary>
    /// Each call as OllamaSharp made it: a fresh 8-character id (Ollama sends none it kept), the name (<c>n/a</c> when
    /// missing), the arguments object's members as <see cref="JsonElement"/> values; a call without a function is dropped.
    /// </summary>
    public static List<FunctionCallContent>? Read(ref Utf8JsonReader reader)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null)
        {
            return null;
        }
        if (token != JsonTokenType.StartArray)
        {
            throw Unexpected("tool_calls");
        }
        List<FunctionCallContent>? calls = null;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Unexpected("tool_calls");
            }
            FunctionCallContent? call = null;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("function"u8))
                {
                    call = ReadFunction(ref reader);
                }
                else
                {
                    Skip(ref reader);
                }
            }
            if (call is not null)
            {
                (calls ??= []).Add(call);
            }
        }
        return calls;
    }

    private static FunctionCallContent? ReadFunction(ref Utf8JsonReader reader)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null)
        {
            return null;
        }
        if (token != JsonTokenType.StartObject)
        {
            throw Unexpected("function");
        }
        string? name = null;
        Dictionary<string, object?>? arguments = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                name = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                arguments = ReadArguments(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }
        return new FunctionCallContent(NewCallId(), name ?? "n/a", arguments);
    }

    /// <summary>One element for the whole object, its members the values (what deserializing into object values gives, without a document per value).</summary>
    private static Dictionary<string, object?>? ReadArguments(ref Utf8JsonReader reader)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null)
        {
            return null;
        }
        if (token != JsonTokenType.StartObject)
        {
            // The serializer could not read anything but an object into OllamaSharp's dictionary either.
            throw new JsonException($"Ollama sent tool-call arguments that are not a JSON object ({token}).");
        }
        return ToolArguments.Members(JsonElement.ParseValue(ref reader));
    }

    /// <summary>OllamaSharp's id: the first 8 characters of a new <see cref="Guid"/>.</summary>
    private static string NewCallId() =>
        string.Create(8, Guid.NewGuid(), static (span, guid) =>
        {
            Span<char> text = stackalloc char[36];
            guid.TryFormat(text, out _);
            text[..8].CopyTo(span);
        });
}
