using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Reads message <c>content</c> in all its wire forms: a string, <c>null</c>, or an array of parts
/// (<c>text</c>/<c>input_text</c>/<c>output_text</c>, <c>image_url</c>/<c>input_image</c>).
/// </summary>
internal static class MessageContentReader
{
    public static List<AIContent> Read(JsonElement message, int index)
    {
        var contents = new List<AIContent>();
        if (!message.TryGetProperty("content", out var content))
        {
            return contents;
        }
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                var text = content.GetString();
                if (!string.IsNullOrEmpty(text))
                {
                    contents.Add(new TextContent(text));
                }
                break;
            case JsonValueKind.Array:
                foreach (var part in content.EnumerateArray())
                {
                    if (ReadPart(part) is { } item)
                    {
                        contents.Add(item);
                    }
                }
                break;
            case JsonValueKind.Null:
                break;
            default:
                throw new WireFormatException($"messages[{index}].content must be a string, null or an array of parts.", $"messages[{index}].content");
        }
        return contents;
    }

    /// <summary>Reads content as plain text (tool results): parts are concatenated, images dropped.</summary>
    public static string ReadText(JsonElement message, string member = "content")
    {
        if (!message.TryGetProperty(member, out var content))
        {
            return string.Empty;
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }
        if (content.ValueKind != JsonValueKind.Array)
        {
            return content.ValueKind == JsonValueKind.Null ? string.Empty : content.GetRawText();
        }
        var builder = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.String)
            {
                builder.Append(part.GetString());
            }
            else if (part.ValueKind == JsonValueKind.Object && part.GetStringOrNull("text") is { } text)
            {
                builder.Append(text);
            }
        }
        return builder.ToString();
    }

    private static AIContent? ReadPart(JsonElement part)
    {
        if (part.ValueKind == JsonValueKind.String)
        {
            return new TextContent(part.GetString());
        }
        if (part.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        switch (part.GetStringOrNull("type"))
        {
            case "text":
            case "input_text":
            case "output_text":
                return new TextContent(part.GetStringOrNull("text") ?? string.Empty);
            case "image_url":
            case "input_image":
                var url = part.TryGetObject("image_url", out var imageUrl) ? imageUrl.GetStringOrNull("url") : part.GetStringOrNull("image_url");
                return url is null ? null : ToImage(url);
            default:
                return null;
        }
    }

    private static AIContent ToImage(string url) =>
        url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
            ? new DataContent(url)
            : new UriContent(url, "image/*");
}
