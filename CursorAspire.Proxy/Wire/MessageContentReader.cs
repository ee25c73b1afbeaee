using System.Text;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Reads message <c>content</c> in all its wire forms: a string, <c>null</c>, or an array of parts
/// (<c>text</c>/<c>input_text</c>/<c>output_text</c>, <c>image_url</c>/<c>input_image</c>).
/// </summary>
internal static class MessageContentReader
{
    /// <param name="message">The message or input item holding <c>content</c>.</param>
    /// <param name="path">Where it is in the body (<c>messages[2]</c>, <c>input[0]</c>), for errors.</param>
    public static List<AIContent> Read(JsonElement message, string path)
    {
        var contents = new List<AIContent>();
        if (!message.TryGetProperty("content", out var content))
        {
            return contents;
        }
        var contentPath = path + ".content";
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
                var index = 0;
                foreach (var part in content.EnumerateArray())
                {
                    if (ReadPart(part, $"{contentPath}[{index++}]") is { } item)
                    {
                        contents.Add(item);
                    }
                }
                break;
            case JsonValueKind.Null:
                break;
            default:
                throw JsonElementReading.InvalidType(contentPath, "a string, null or an array of content parts", content);
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

    public static AIContent? ReadPart(JsonElement part, string path)
    {
        if (part.ValueKind == JsonValueKind.String)
        {
            return new TextContent(part.GetString());
        }
        if (part.ValueKind != JsonValueKind.Object)
        {
            throw JsonElementReading.InvalidType(path, "a content part (an object with a 'type')", part);
        }
        switch (part.ReadString("type", path))
        {
            case null:
                // A part without a type: its text, if it has one.
                return part.ReadString("text", path) is { } untyped ? new TextContent(untyped) : null;
            case "text":
            case "input_text":
            case "output_text":
                return new TextContent(part.ReadString("text", path) ?? string.Empty);
            case "image_url":
            case "input_image":
                return ReadImage(part, path);
            default:
                // Other part types (refusal, input_file, audio…) have no meaning here: skipped, never a 400.
                return null;
        }
    }

    /// <summary>Chat Completions nests the URL (<c>{"image_url":{"url":…}}</c>); Responses puts it on the part (<c>{"image_url":"…"}</c>).</summary>
    private static AIContent? ReadImage(JsonElement part, string path)
    {
        if (!part.TryGetProperty("image_url", out var imageUrl))
        {
            return null; // an input_image by file_id: no file store here
        }
        var param = JsonElementReading.MemberPath(path, "image_url");
        var url = imageUrl.ValueKind switch
        {
            JsonValueKind.Object => imageUrl.ReadString("url", param),
            JsonValueKind.String => imageUrl.GetString(),
            JsonValueKind.Null => null,
            _ => throw JsonElementReading.InvalidType(param, "a URL string or an object with a 'url'", imageUrl),
        };
        if (imageUrl.ValueKind == JsonValueKind.Object)
        {
            param = JsonElementReading.MemberPath(param, "url");
        }
        return url is null ? null : ToImage(url, param);
    }

    /// <summary>
    /// What OpenAI accepts as an image: an absolute http(s) URL or a data URL of an image. Anything else would reach
    /// M.E.AI's <see cref="UriContent"/>/<see cref="DataContent"/> constructors, which throw, or an upstream as nonsense.
    /// </summary>
    public static AIContent ToImage(string url, string param)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            DataContent data;
            try
            {
                data = new DataContent(url);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new WireFormatException($"Invalid value for '{param}': not a valid data URL ({ex.Message}).", param);
            }
            return data.HasTopLevelMediaType("image")
                ? data
                : throw new WireFormatException($"Invalid value for '{param}': a data URL of '{data.MediaType}', not of an image.", param);
        }
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return new UriContent(uri, "image/*");
        }
        throw new WireFormatException(
            $"Invalid value for '{param}': expected an absolute http(s) URL or a data URL (data:image/png;base64,…) of an image.", param);
    }
}
