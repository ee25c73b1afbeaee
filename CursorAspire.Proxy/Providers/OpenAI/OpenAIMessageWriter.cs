using System.Buffers;
using System.ClientModel.Primitives;
using System.Text.RegularExpressions;
using CursorAspire.Proxy.Wire.Json;
using OpenAIChat = OpenAI.Chat;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// The <c>messages</c> of a Chat Completions body (<see cref="OpenAIChatRequestWriter"/>) as M.E.AI 10.11's OpenAI client
/// converts M.E.AI's messages and the OpenAI SDK 2.15 writes them, plus the <c>reasoning_content</c> OpenAI-compatible
/// upstreams take back (what <see cref="OpenAICompatibilityChatClient"/> used to patch onto the SDK's message).
/// </summary>
/// <remarks>
/// What M.E.AI drops, this drops: a message of another role, content it has no part for (reasoning outside the
/// <c>reasoning_content</c> field, usage, unknown content), a tool message's contents other than results. Content only
/// the SDK knows how to write (audio, PDF and hosted-file parts, a message or part that already is the SDK's) is
/// converted through the SDK, as M.E.AI would: nothing the proxy sends takes that path.
/// </remarks>
internal sealed partial class OpenAIMessageWriter : IDisposable
{
    /// <summary>M.E.AI's role for OpenAI's <c>developer</c> messages.</summary>
    private static readonly ChatRole Developer = new("developer");

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

    public OpenAIMessageWriter()
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

    /// <summary>
    /// One message, as the objects M.E.AI makes of it (a tool message's results each one); returns how many were
    /// written (none for a role or content M.E.AI sends nothing for).
    /// </summary>
    public int Write(Utf8JsonWriter writer, ChatMessage message)
    {
        if (message.RawRepresentation is OpenAIChat.ChatMessage raw)
        {
            writer.WriteRawValue(ModelReaderWriter.Write(raw).ToMemory().Span, skipInputValidation: true);
            return 1;
        }
        var role = message.Role;
        if (role == ChatRole.System || role == ChatRole.User || role == Developer)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, role == ChatRole.System ? "system"u8 : role == ChatRole.User ? "user"u8 : "developer"u8);
            WriteContent(writer, message.Contents, emptyAsText: true);
            WriteName(writer, message.AuthorName);
            writer.WriteEndObject();
            return 1;
        }
        if (role == ChatRole.Tool)
        {
            return WriteResults(writer, message.Contents);
        }
        if (role == ChatRole.Assistant)
        {
            if (HasReasoning(message.Contents))
            {
                WriteWithReasoning(writer, message.Contents);
            }
            else
            {
                WriteAssistant(writer, message);
            }
            return 1;
        }
        return 0;
    }

    /// <summary>
    /// <c>"content"</c>: one text part as a string, several parts (or an image) as an array, no representable part as
    /// <c>""</c> when <paramref name="emptyAsText"/> (a system or user message) and absent otherwise (an assistant's calls).
    /// </summary>
    private static void WriteContent(Utf8JsonWriter writer, IList<AIContent> contents, bool emptyAsText)
    {
        var parts = 0;
        string? text = null;
        for (var i = 0; i < contents.Count; i++)
        {
            if (IsPart(contents[i]))
            {
                parts++;
                text = TextOf(contents[i]);
            }
        }
        if (parts == 0)
        {
            if (emptyAsText)
            {
                writer.WriteString("content"u8, ""u8);
            }
            return;
        }
        if (parts == 1 && text is not null)
        {
            // The SDK writes a lone text part as a plain string.
            writer.WriteString("content"u8, text);
            return;
        }
        writer.WriteStartArray("content"u8);
        for (var i = 0; i < contents.Count; i++)
        {
            if (IsPart(contents[i]))
            {
                WritePart(writer, contents[i]);
            }
        }
        writer.WriteEndArray();
    }

    /// <summary>The text of a part that is text (M.E.AI's, or the SDK's own text part), else null.</summary>
    private static string? TextOf(AIContent content) => content.RawRepresentation switch
    {
        OpenAIChat.ChatMessageContentPart { Kind: OpenAIChat.ChatMessageContentPartKind.Text } raw => raw.Text,
        OpenAIChat.ChatMessageContentPart => null,
        _ => (content as TextContent)?.Text,
    };

    /// <summary>Whether M.E.AI makes a content part of this content (<c>ToChatMessageContentPart</c>).</summary>
    private static bool IsPart(AIContent content) => content switch
    {
        _ when content.RawRepresentation is OpenAIChat.ChatMessageContentPart => true,
        TextContent => true,
        UriContent uri => uri.HasTopLevelMediaType("image"),
        DataContent data => data.HasTopLevelMediaType("image")
            || data.MediaType.Equals("audio/mpeg", StringComparison.OrdinalIgnoreCase)
            || data.MediaType.Equals("audio/wav", StringComparison.OrdinalIgnoreCase)
            || data.MediaType.StartsWith("application/pdf", StringComparison.OrdinalIgnoreCase),
        HostedFileContent => true,
        _ => false,
    };

    private static void WritePart(Utf8JsonWriter writer, AIContent content)
    {
        if (content.RawRepresentation is not OpenAIChat.ChatMessageContentPart)
        {
            switch (content)
            {
                case TextContent text:
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "text"u8);
                    writer.WriteString("text"u8, text.Text);
                    writer.WriteEndObject();
                    return;
                case UriContent uri:
                    WriteImageStart(writer);
                    writer.WriteString("url"u8, uri.Uri.AbsoluteUri);
                    WriteImageEnd(writer, content);
                    return;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    WriteImageStart(writer);
                    writer.WritePropertyName("url"u8);
                    WriteDataUri(writer, data);
                    WriteImageEnd(writer, content);
                    return;
            }
        }
        writer.WriteRawValue(ModelReaderWriter.Write(SdkPart(content)).ToMemory().Span, skipInputValidation: true);
    }

    private static void WriteImageStart(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "image_url"u8);
        writer.WriteStartObject("image_url"u8);
    }

    /// <summary>The image's <c>detail</c> as M.E.AI reads it (a <c>detail</c> property, text or the SDK's level), and the part's end.</summary>
    private static void WriteImageEnd(Utf8JsonWriter writer, AIContent content)
    {
        if (content.AdditionalProperties is { } properties && properties.TryGetValue("detail", out var detail))
        {
            switch (detail)
            {
                case string level:
                    writer.WriteString("detail"u8, level);
                    break;
                case OpenAIChat.ChatImageDetailLevel level:
                    writer.WriteString("detail"u8, level.ToString());
                    break;
            }
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// <c>data:{media type};base64,{data}</c>, the data encoded again from its bytes as the SDK does (not the text it came
    /// in, which may be padded or spaced otherwise), in pieces into one string value rather than as one string.
    /// </summary>
    private static void WriteDataUri(Utf8JsonWriter writer, DataContent data)
    {
        writer.WriteStringValueSegment("data:", isFinalSegment: false);
        writer.WriteStringValueSegment(data.MediaType, isFinalSegment: false);
        writer.WriteStringValueSegment(";base64,", isFinalSegment: false);
        var bytes = data.Data.Span;
        Span<char> chars = stackalloc char[1024]; // 768 bytes of image at a time
        do
        {
            var piece = bytes[..Math.Min(bytes.Length, 768)];
            Convert.TryToBase64Chars(piece, chars, out var written);
            bytes = bytes[piece.Length..];
            writer.WriteStringValueSegment(chars[..written], isFinalSegment: bytes.IsEmpty);
        }
        while (!bytes.IsEmpty);
    }

    /// <summary>A part only the SDK writes, made as M.E.AI makes it.</summary>
    private static OpenAIChat.ChatMessageContentPart SdkPart(AIContent content)
    {
#pragma warning disable OPENAI001 // Audio and file parts are experimental in the SDK; M.E.AI sends them all the same.
        return content switch
        {
            { RawRepresentation: OpenAIChat.ChatMessageContentPart raw } => raw,
            DataContent { MediaType: var type } audio when type.Equals("audio/mpeg", StringComparison.OrdinalIgnoreCase) =>
                OpenAIChat.ChatMessageContentPart.CreateInputAudioPart(BinaryData.FromBytes(audio.Data), OpenAIChat.ChatInputAudioFormat.Mp3),
            DataContent { MediaType: var type } audio when type.Equals("audio/wav", StringComparison.OrdinalIgnoreCase) =>
                OpenAIChat.ChatMessageContentPart.CreateInputAudioPart(BinaryData.FromBytes(audio.Data), OpenAIChat.ChatInputAudioFormat.Wav),
            DataContent pdf => OpenAIChat.ChatMessageContentPart.CreateFilePart(BinaryData.FromBytes(pdf.Data), pdf.MediaType, pdf.Name ?? $"{Guid.NewGuid():N}.pdf"),
            HostedFileContent file => OpenAIChat.ChatMessageContentPart.CreateFilePart(file.FileId),
            _ => throw new System.Diagnostics.UnreachableException($"No content part for {content.GetType().Name}."),
        };
#pragma warning restore OPENAI001
    }

    /// <summary>
    /// M.E.AI's assistant message: its parts (text, images), a refusal from an <see cref="ErrorContent"/> coded
    /// <c>Refusal</c>, the author's name, the calls with their arguments as M.E.AI serializes them (indented).
    /// </summary>
    private void WriteAssistant(Utf8JsonWriter writer, ChatMessage message)
    {
        var contents = message.Contents;
        string? refusal = null;
        var calls = 0;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case ErrorContent { ErrorCode: "Refusal" } error:
                    refusal = error.Message;
                    break;
                case FunctionCallContent:
                    calls++;
                    break;
            }
        }
        writer.WriteStartObject();
        writer.WriteString("role"u8, "assistant"u8);
        // Calls alone leave the content out; nothing at all is an empty text.
        WriteContent(writer, contents, emptyAsText: calls == 0);
        if (refusal is not null)
        {
            writer.WriteString("refusal"u8, refusal);
        }
        WriteName(writer, message.AuthorName);
        if (calls > 0)
        {
            WriteCalls(writer, contents, compact: false);
        }
        writer.WriteEndObject();
    }

    private static bool HasReasoning(IList<AIContent> contents)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextReasoningContent)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// An assistant message with reasoning, as the compatibility client built it for DeepSeek's and Kimi's
    /// <c>reasoning_content</c>: its texts joined into one content string (left out when empty beside calls), the calls
    /// with compact arguments, no refusal or name, and the non-empty reasoning texts joined by a line break (an empty
    /// field when there are none: DeepSeek takes that).
    /// </summary>
    private void WriteWithReasoning(Utf8JsonWriter writer, IList<AIContent> contents)
    {
        int calls = 0, texts = 0, reasonings = 0;
        string? text = null, reasoning = null;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case FunctionCallContent:
                    calls++;
                    break;
                case TextContent { Text: var t } when t.Length > 0:
                    texts++;
                    text = t;
                    break;
                case TextReasoningContent { Text: var r } when r.Length > 0:
                    reasonings++;
                    reasoning = r;
                    break;
            }
        }
        writer.WriteStartObject();
        writer.WriteString("role"u8, "assistant"u8);
        if (texts > 0)
        {
            writer.WriteString("content"u8, texts == 1 ? text : string.Concat(contents.OfType<TextContent>().Select(c => c.Text)));
        }
        else if (calls == 0)
        {
            writer.WriteString("content"u8, ""u8);
        }
        if (calls > 0)
        {
            WriteCalls(writer, contents, compact: true);
        }
        writer.WriteString("reasoning_content"u8, reasonings switch
        {
            0 => string.Empty,
            1 => reasoning,
            _ => string.Join("\n", contents.OfType<TextReasoningContent>().Select(r => r.Text).Where(r => r.Length > 0)),
        });
        writer.WriteEndObject();
    }

    /// <summary><c>tool_calls</c>: the message's calls in order.</summary>
    private void WriteCalls(Utf8JsonWriter writer, IList<AIContent> contents, bool compact)
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
            json.WriteStartObject();
            if (arguments is Dictionary<string, object?> dictionary)
            {
                // The proxy's own (Wire/ToolArguments): its enumerator is a struct, where the interface's is boxed per call.
                foreach (var (name, value) in dictionary)
                {
                    WriteArgument(json, name, value);
                }
            }
            else
            {
                foreach (var (name, value) in arguments)
                {
                    WriteArgument(json, name, value);
                }
            }
            json.WriteEndObject();
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

    /// <summary>One member as the serializer writes a dictionary's: the parsed element as it is, anything else by its runtime type.</summary>
    private static void WriteArgument(Utf8JsonWriter json, string name, object? value)
    {
        json.WritePropertyName(name);
        if (!JsonValueWriting.TryWriteKnown(json, value))
        {
            JsonSerializer.Serialize(json, value, ObjectInfo);
        }
    }

    /// <summary>Each result as M.E.AI's tool message: <c>{"role":"tool","tool_call_id","content"}</c>, the content always text.</summary>
    private int WriteResults(Utf8JsonWriter writer, IList<AIContent> contents)
    {
        var written = 0;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not FunctionResultContent result)
            {
                continue;
            }
            writer.WriteStartObject();
            writer.WriteString("role"u8, "tool"u8);
            writer.WriteString("tool_call_id"u8, result.CallId);
            switch (result.Result)
            {
                case string text:
                    writer.WriteString("content"u8, text);
                    break;
                case null:
                    writer.WriteString("content"u8, ""u8);
                    break;
                case var value:
                    writer.WriteString("content"u8, SerializeResult(value) ? _scratch.WrittenSpan : default);
                    break;
            }
            writer.WriteEndObject();
            written++;
        }
        return written;
    }

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

    /// <summary>M.E.AI's author name: what is not a letter, digit or underscore removed, at most 64 characters, none if nothing is left.</summary>
    private static void WriteName(Utf8JsonWriter writer, string? authorName)
    {
        if (authorName is null)
        {
            return;
        }
        var clean = authorName.Length <= 64 && !authorName.AsSpan().ContainsAnyExcept(NameCharacters) ? authorName : Sanitize(authorName);
        if (clean.Length > 0)
        {
            writer.WriteString("name"u8, clean);
        }
    }

    private static string Sanitize(string name)
    {
        name = InvalidNameCharacters().Replace(name, string.Empty);
        return name.Length > 64 ? name[..64] : name;
    }

    private static readonly SearchValues<char> NameCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    [GeneratedRegex("[^a-zA-Z0-9_]+")]
    private static partial Regex InvalidNameCharacters();
}
