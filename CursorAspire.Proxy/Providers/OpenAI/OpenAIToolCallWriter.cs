using System.Buffers;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// The JSON texts a Chat Completions body carries inside strings (<see cref="OpenAIMessageWriter"/>): an assistant's
/// <c>tool_calls</c> with their arguments, and a tool result that is not text, each written into a scratch buffer first
/// as M.E.AI 10.11 serializes it and then into its string value.
/// </summary>
internal sealed class OpenAIToolCallWriter : IDisposable
{
    /// <summary>
    /// How M.E.AI writes a call's arguments and a tool result that is not a string: its default serializer options,
    /// indented (the arguments arrive upstream as <c>"{\n  \"path\": …"</c>).
    /// </summary>
    private static readonly JsonWriterOptions DefaultOptionsWriter = new()
    {
        Encoder = AIJsonUtilities.DefaultOptions.Encoder,
        Indented = AIJsonUtilities.DefaultOptions.WriteIndented,
        IndentCharacter = AIJsonUtilities.DefaultOptions.IndentCharacter,
        IndentSize = AIJsonUtilities.DefaultOptions.IndentSize,
        NewLine = AIJsonUtilities.DefaultOptions.NewLine,
        MaxDepth = AIJsonUtilities.DefaultOptions.MaxDepth,
    };

    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo ObjectInfo = AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object));

    /// <summary>Holds one JSON text (arguments, a result) on its way into a string value; kept small between bodies.</summary>
    private readonly ArrayBufferWriter<byte> _scratch = new(1024);
    private readonly Utf8JsonWriter _indented;
    private readonly Utf8JsonWriter _compact;

    public OpenAIToolCallWriter()
    {
        _indented = new Utf8JsonWriter(_scratch, DefaultOptionsWriter);
        _compact = new Utf8JsonWriter(_scratch, WireJson.ArgumentsWriterOptions);
    }

    /// <summary>Whether a huge argument or result grew the scratch buffer: the caller lets this writer go rather than keep it.</summary>
    public bool Oversized => _scratch.Capacity > 256 * 1024;

    public void Dispose()
    {
        _indented.Dispose();
        _compact.Dispose();
    }

    /// <summary><c>tool_calls</c>: the message's calls in order.</summary>
    public void WriteCalls(Utf8JsonWriter writer, IList<AIContent> contents, bool compact)
    {
        writer.WriteStartArray("tool_calls"u8);
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is FunctionCallContent call)
            {
                WriteCall(writer, call, compact);
            }
        }
        writer.WriteEndArray();
    }

    /// <summary><c>{"id","type":"function","function":{"name","arguments"}}</c>, the arguments as a JSON text in a string.</summary>
    private void WriteCall(Utf8JsonWriter writer, FunctionCallContent call, bool compact)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, call.CallId);
        writer.WriteString("type"u8, "function"u8);
        writer.WriteStartObject("function"u8);
        writer.WriteString("name"u8, call.Name);
        var json = Begin(compact ? _compact : _indented);
        if (call.Arguments is { } arguments)
        {
            JsonValueWriting.WriteObject(json, arguments, AIJsonUtilities.DefaultOptions);
        }
        else if (compact)
        {
            json.WriteStartObject(); // the compatibility client sent no arguments as {}
            json.WriteEndObject();
        }
        else
        {
            json.WriteNullValue(); // M.E.AI serializes the missing dictionary: null
        }
        json.Flush();
        writer.WriteString("arguments"u8, _scratch.WrittenSpan);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary><c>"content"</c> of a tool result that is not text (nor null), serialized as M.E.AI does (indented).</summary>
    public void WriteResultContent(Utf8JsonWriter writer, object value) =>
        writer.WriteString("content"u8, SerializeResult(value) ? _scratch.WrittenSpan : default);

    /// <summary>A result that is not text, serialized as M.E.AI does (indented); a value it cannot serialize is sent as <c>""</c>, as M.E.AI does.</summary>
    private bool SerializeResult(object value)
    {
        var json = Begin(_indented);
        try
        {
            JsonSerializer.Serialize(json, value, ObjectInfo);
            json.Flush();
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }

    private Utf8JsonWriter Begin(Utf8JsonWriter json)
    {
        _scratch.ResetWrittenCount();
        json.Reset(_scratch);
        return json;
    }
}
