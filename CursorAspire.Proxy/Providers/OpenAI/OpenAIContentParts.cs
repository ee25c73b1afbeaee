using System.ClientModel.Primitives;
using OpenAIChat = OpenAI.Chat;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// A message's <c>content</c> as M.E.AI 10.11's OpenAI client makes it of M.E.AI's contents and the OpenAI SDK writes it
/// (<see cref="OpenAIMessageWriter"/>): text and image parts written here, audio, PDF and hosted-file parts (and a part
/// that already is the SDK's) through the SDK, as M.E.AI would.
/// </summary>
internal static class OpenAIContentParts
{
    /// <summary>
    /// <c>"content"</c>: one text part as a string, several parts (or an image) as an array, no representable part as
    /// <c>""</c> when <paramref name="emptyAsText"/> (a system or user message) and absent otherwise (an assistant's calls).
    /// </summary>
    public static void Write(Utf8JsonWriter writer, IList<AIContent> contents, bool emptyAsText)
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
}
