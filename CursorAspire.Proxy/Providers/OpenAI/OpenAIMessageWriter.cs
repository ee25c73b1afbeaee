using System.ClientModel.Primitives;
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
internal sealed class OpenAIMessageWriter : IDisposable
{
    /// <summary>M.E.AI's role for OpenAI's <c>developer</c> messages.</summary>
    private static readonly ChatRole Developer = new("developer");

    private readonly OpenAIToolCallWriter _toolCalls = new();

    /// <summary>Whether a huge argument or result grew the scratch buffer: the caller lets this writer go rather than keep it.</summary>
    public bool Oversized => _toolCalls.Oversized;

    public void Dispose() => _toolCalls.Dispose();

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
            OpenAIContentParts.Write(writer, message.Contents, emptyAsText: true);
            OpenAIAuthorName.Write(writer, message.AuthorName);
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
        OpenAIContentParts.Write(writer, contents, emptyAsText: calls == 0);
        if (refusal is not null)
        {
            writer.WriteString("refusal"u8, refusal);
        }
        OpenAIAuthorName.Write(writer, message.AuthorName);
        if (calls > 0)
        {
            _toolCalls.WriteCalls(writer, contents, compact: false);
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
            _toolCalls.WriteCalls(writer, contents, compact: true);
        }
        writer.WriteString("reasoning_content"u8, reasonings switch
        {
            0 => string.Empty,
            1 => reasoning,
            _ => string.Join("\n", contents.OfType<TextReasoningContent>().Select(r => r.Text).Where(r => r.Length > 0)),
        });
        writer.WriteEndObject();
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
                    _toolCalls.WriteResultContent(writer, value);
                    break;
            }
            writer.WriteEndObject();
            written++;
        }
        return written;
    }
}
