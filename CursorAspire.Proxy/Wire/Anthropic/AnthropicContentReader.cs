using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire.Anthropic;

/// <summary>
/// Reads the content blocks of an Anthropic-shaped message: <c>text</c>, <c>image</c> (<c>source</c> base64 or url),
/// <c>tool_use</c>, <c>tool_result</c> (string or block content, <c>is_error</c>), <c>thinking</c> and
/// <c>redacted_thinking</c>, each with Cursor's <c>cache_control</c> marker kept. OpenAI parts (<c>image_url</c>…) read as
/// in Chat Completions; other block types (documents, server tools) have no meaning here and are skipped, never a 400.
/// </summary>
internal static class AnthropicContentReader
{
    /// <summary>
    /// A user message: each <c>tool_result</c> block becomes a tool message, in order, and the other blocks a user
    /// message after them (Anthropic puts results first and the user's follow-up after them in one message).
    /// </summary>
    public static void ReadUser(JsonElement message, string path, List<ChatMessage> messages)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            // A string (or nothing): plain user text, as Chat Completions reads it.
            messages.Add(new ChatMessage(ChatRole.User, MessageContentReader.Read(message, path)));
            return;
        }
        List<AIContent>? said = null;
        var results = false;
        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = $"{path}.content[{index++}]";
            if (block.ValueKind == JsonValueKind.Object && block.ReadString("type", blockPath) == "tool_result")
            {
                if (said is { Count: > 0 })
                {
                    // Text before a result (Anthropic itself refuses it): kept in its place.
                    messages.Add(new ChatMessage(ChatRole.User, said));
                    said = null;
                }
                messages.Add(new ChatMessage(ChatRole.Tool, [ReadToolResult(block, blockPath)]));
                results = true;
                continue;
            }
            if (ReadBlock(block, blockPath, assistant: false) is { } item)
            {
                (said ??= []).Add(item);
            }
        }
        if (said is { Count: > 0 } || !results)
        {
            messages.Add(new ChatMessage(ChatRole.User, said ?? []));
        }
    }

    /// <summary>An assistant message: text, the client's copy of the reasoning, and tool calls, in order.</summary>
    public static ChatMessage ReadAssistant(JsonElement message, string path)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            return new ChatMessage(ChatRole.Assistant, ReasoningEchoReader.TakeEcho(MessageContentReader.Read(message, path)));
        }
        var contents = new List<AIContent>(content.GetArrayLength());
        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            if (ReadBlock(block, $"{path}.content[{index++}]", assistant: true) is { } item)
            {
                contents.Add(item);
            }
        }
        // What the proxy showed as reasoning (<think>…</think> in a text block) comes back as an echo, never as text.
        return new ChatMessage(ChatRole.Assistant, ReasoningEchoReader.TakeEcho(contents));
    }

    private static AIContent? ReadBlock(JsonElement block, string path, bool assistant)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            return MessageContentReader.ReadPart(block, path); // a bare string is text; anything else names the path
        }
        AIContent? content = block.ReadString("type", path) switch
        {
            "text" => new TextContent(block.ReadString("text", path) ?? string.Empty),
            "image" => ReadImage(block, path),
            "tool_use" when assistant => ReadToolUse(block, path),
            "thinking" when assistant => ReasoningEcho.Create(block.ReadString("thinking", path) ?? string.Empty, block.ReadString("signature", path)),
            "redacted_thinking" when assistant => ReasoningEcho.Create(string.Empty, RequiredString(block, "data", path)),
            "tool_use" or "thinking" or "redacted_thinking" => null, // only an assistant writes these
            _ => MessageContentReader.ReadPart(block, path),
        };
        // Anthropic takes no breakpoint on thinking; a marker there would only be refused.
        return content is not null and not TextReasoningContent && ToolDefinitionReader.ReadCacheControl(block, path)
            ? ClientCacheBreakpoints.Mark(content)
            : content;
    }

    private static FunctionCallContent ReadToolUse(JsonElement block, string path)
    {
        var id = block.ReadString("id", path) ?? string.Empty;
        var name = block.ReadRequiredString("name", path);
        if (!block.TryReadObject("input", path, out var input))
        {
            return new FunctionCallContent(id, name, new Dictionary<string, object?>());
        }
        // The arguments as the model wrote them, member order kept (the body's text was checked as a whole).
        return new FunctionCallContent(id, name, ToolArguments.Members(input.Clone()));
    }

    /// <summary>
    /// A <c>tool_result</c>: its text (a string, or its text blocks joined as they are) as the result, or, when it holds
    /// images, its text and image contents in order. <c>is_error</c> becomes <see cref="ClientToolFailureException"/>.
    /// </summary>
    private static FunctionResultContent ReadToolResult(JsonElement block, string path)
    {
        var callId = RequiredString(block, "tool_use_id", path);
        var isError = block.ReadBool("is_error", path) ?? false;
        object result = string.Empty;
        if (block.TryGetProperty("content", out var content))
        {
            var contentPath = path + ".content";
            switch (content.ValueKind)
            {
                case JsonValueKind.String:
                    result = content.GetString()!;
                    break;
                case JsonValueKind.Array:
                    result = ReadResultBlocks(content, contentPath);
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    throw JsonElementReading.InvalidType(contentPath, "a string or an array of content blocks", content);
            }
        }
        var toolResult = new FunctionResultContent(callId, result) { Exception = isError ? new ClientToolFailureException() : null };
        return ToolDefinitionReader.ReadCacheControl(block, path) ? ClientCacheBreakpoints.Mark(toolResult) : toolResult;
    }

    /// <summary>Text blocks alone: their text joined as it is. With images: the text and image contents in order.</summary>
    private static object ReadResultBlocks(JsonElement blocks, string path)
    {
        List<AIContent>? parts = null;
        string? onlyText = null;
        var hasImage = false;
        var index = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var blockPath = $"{path}[{index++}]";
            if (block.ValueKind != JsonValueKind.Object)
            {
                throw JsonElementReading.InvalidType(blockPath, "a content block", block);
            }
            AIContent? part = block.ReadString("type", blockPath) switch
            {
                "text" => new TextContent(block.ReadString("text", blockPath) ?? string.Empty),
                "image" => ReadImage(block, blockPath),
                _ => null, // documents, search results: nothing a provider here takes back
            };
            if (part is null)
            {
                continue;
            }
            hasImage |= part is not TextContent;
            if (parts is null && onlyText is null && part is TextContent first)
            {
                onlyText = first.Text; // the usual case: one text block, no list
                continue;
            }
            parts ??= onlyText is null ? [] : [new TextContent(onlyText)];
            parts.Add(part);
        }
        if (parts is null)
        {
            return onlyText ?? string.Empty;
        }
        return hasImage ? parts : string.Concat(parts.Select(p => ((TextContent)p).Text));
    }

    /// <summary><c>{"type":"image","source":{"type":"base64","media_type","data"} | {"type":"url","url"}}</c>.</summary>
    private static AIContent? ReadImage(JsonElement block, string path)
    {
        if (!block.TryReadObject("source", path, out var source))
        {
            throw new WireFormatException($"Missing required parameter: '{path}.source'.", path + ".source");
        }
        var sourcePath = path + ".source";
        switch (source.ReadString("type", sourcePath))
        {
            case "base64":
                var mediaType = RequiredString(source, "media_type", sourcePath);
                var data = RequiredString(source, "data", sourcePath);
                // As a data URL: what MessageContentReader checks for Chat Completions images (an image's media type, valid base64).
                return MessageContentReader.ToImage($"data:{mediaType};base64,{data}", sourcePath + ".data");
            case "url":
                return MessageContentReader.ToImage(RequiredString(source, "url", sourcePath), sourcePath + ".url");
            default:
                return null; // a file id: no file store here
        }
    }

    private static string RequiredString(JsonElement holder, string member, string path) =>
        holder.ReadString(member, path) ?? throw new WireFormatException($"Missing required parameter: '{path}.{member}'.", $"{path}.{member}");
}
