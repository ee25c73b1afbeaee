using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Reasoning;

/// <summary>What reasoning and tool calls the messages of a conversation carry, and the message with other reasoning in its place.</summary>
internal static class ReasoningMessages
{
    /// <summary>Whether any assistant message carries reasoning or tool calls (else there is nothing to take out or put in).</summary>
    public static bool NeedWork(IList<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.Assistant && message.Contents.Any(c => c is TextReasoningContent or FunctionCallContent))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether an update carries reasoning or a tool call (what a turn's reasoning is remembered from).</summary>
    public static bool HasReasoningOrCall(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextReasoningContent or FunctionCallContent)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether <paramref name="reasoning"/> is <paramref name="provider"/>'s own: not the client's echo, and written by that provider.</summary>
    public static bool IsFrom(TextReasoningContent reasoning, string provider) =>
        !ReasoningEcho.IsEcho(reasoning) && string.Equals(ReasoningProvenance.Of(reasoning), provider, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="message"/> holds reasoning of <paramref name="provider"/>'s own (<see cref="IsFrom"/>).</summary>
    /// <remarks>Indexed, not LINQ: it runs for every assistant message of every request, and a lambda would be a new delegate each time.</remarks>
    public static bool HasReasoningFrom(ChatMessage message, string provider)
    {
        var contents = message.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextReasoningContent r && IsFrom(r, provider))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The first call id of an assistant message's tool calls: its reasoning is stored under each of them.</summary>
    public static string? FirstCallId(ChatMessage message)
    {
        if (message.Role != ChatRole.Assistant)
        {
            return null;
        }
        // Indexed: it runs for every message of every request.
        var contents = message.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is FunctionCallContent { CallId.Length: > 0 } call)
            {
                return call.CallId;
            }
        }
        return null;
    }

    public static int LastIndexOf(IList<ChatMessage> messages, ChatRole role)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == role)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The client's copy of the turn's reasoning, joined; empty when it kept none (Cursor, mostly).</summary>
    public static string EchoOf(ChatMessage message) =>
        HasReasoning(message)
            ? string.Join("\n", message.Contents.OfType<TextReasoningContent>().Select(r => r.Text).Where(t => t.Length > 0))
            : string.Empty;

    /// <summary>The client's copy's blocks that carry a provider's opaque data, as reasoning of their own (no longer marked as an echo).</summary>
    public static IReadOnlyList<TextReasoningContent> SignedCopyOf(ChatMessage message)
    {
        List<TextReasoningContent>? signed = null;
        foreach (var content in message.Contents)
        {
            if (content is TextReasoningContent { ProtectedData.Length: > 0 } copy && ReasoningEcho.IsEcho(copy))
            {
                (signed ??= []).Add(new TextReasoningContent(copy.Text) { ProtectedData = copy.ProtectedData });
            }
        }
        return signed ?? (IReadOnlyList<TextReasoningContent>)[];
    }

    /// <summary>The message with <paramref name="reasoning"/> first and everything but reasoning after it, in order.</summary>
    public static ChatMessage WithReasoning(ChatMessage message, IReadOnlyCollection<TextReasoningContent> reasoning)
    {
        if (reasoning.Count == 0 && !HasReasoning(message))
        {
            // Nothing to take out or put in, as on most of Cursor's tool-call turns: the message itself, not a copy.
            return message;
        }
        var contents = new List<AIContent>(reasoning);
        contents.AddRange(message.Contents.Where(c => c is not TextReasoningContent));
        return new ChatMessage(message.Role, contents)
        {
            AuthorName = message.AuthorName,
            MessageId = message.MessageId,
            AdditionalProperties = message.AdditionalProperties,
        };
    }

    private static bool HasReasoning(ChatMessage message) => message.Contents.Any(c => c is TextReasoningContent);
}
