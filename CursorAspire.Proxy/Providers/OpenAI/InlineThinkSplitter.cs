using System.Text;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// Reads a model's reasoning out of the start of its content, where MiniMax-M writes it
/// (<c>&lt;think&gt;\n…\n&lt;/think&gt;\n\n</c> then the answer), as text arrives in pieces that may cut a tag in two: the
/// text inside the block comes out as reasoning (as it was, so it can go back as it was: <see cref="Wrap"/>), the blank
/// after the block is dropped, and the rest is text. Content that does not open with the block is text, unchanged.
/// </summary>
/// <remarks>One instance per answer; pieces go in through <see cref="Split"/> in order, then <see cref="Flush"/>.</remarks>
internal sealed class InlineThinkSplitter
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    /// <summary>What follows the block in MiniMax's own form.</summary>
    private const string AfterClose = "\n\n";

    private readonly StringBuilder _held = new();
    private State _state;

    private enum State
    {
        Start,
        Thinking,
        AfterThink,
        Text,
    }

    /// <summary>
    /// The content of an assistant turn as MiniMax wrote it: the reasoning inside the block it came out of, then the text
    /// (as the splitter read them apart).
    /// </summary>
    public static string Wrap(string reasoning, string text) => string.Concat(Open, reasoning, Close, AfterClose, text);

    /// <summary>Splits one piece of content into reasoning and text (either may be absent) and adds them to <paramref name="into"/>.</summary>
    public void Split(string piece, List<AIContent> into)
    {
        switch (_state)
        {
            case State.Start:
                _held.Append(piece);
                var start = _held.ToString();
                var trimmed = start.AsSpan().TrimStart();
                if (trimmed.StartsWith(Open, StringComparison.Ordinal))
                {
                    _held.Clear();
                    _state = State.Thinking;
                    Think(trimmed[Open.Length..].ToString(), into);
                }
                else if (trimmed.Length >= Open.Length || !Open.AsSpan().StartsWith(trimmed, StringComparison.Ordinal))
                {
                    _held.Clear();
                    _state = State.Text;
                    Add(into, start, reasoning: false);
                }
                break;
            case State.Thinking:
                Think(piece, into);
                break;
            case State.AfterThink:
                AfterThink(piece, into);
                break;
            default:
                Add(into, piece, reasoning: false);
                break;
        }
    }

    /// <summary>At the end of the answer: what is still held (a block cut off while thinking is reasoning to the end).</summary>
    public void Flush(List<AIContent> into)
    {
        if (_held.Length > 0)
        {
            Add(into, _held.ToString(), reasoning: _state == State.Thinking);
            _held.Clear();
        }
        _state = State.Text;
    }

    private void Think(string piece, List<AIContent> into)
    {
        _held.Append(piece);
        var thinking = _held.ToString();
        var close = thinking.IndexOf(Close, StringComparison.Ordinal);
        _held.Clear();
        if (close >= 0)
        {
            Add(into, thinking[..close], reasoning: true);
            _state = State.AfterThink;
            AfterThink(thinking[(close + Close.Length)..], into);
            return;
        }
        // Hold back what may be the start of the closing tag; the rest is reasoning now.
        var keep = HeldBack(thinking);
        Add(into, thinking[..^keep], reasoning: true);
        _held.Append(thinking, thinking.Length - keep, keep);
    }

    private void AfterThink(string piece, List<AIContent> into)
    {
        var text = piece.TrimStart();
        if (text.Length > 0)
        {
            _state = State.Text;
            Add(into, text, reasoning: false);
        }
    }

    /// <summary>How many characters at the end of <paramref name="text"/> could begin <c>&lt;/think&gt;</c>.</summary>
    private static int HeldBack(string text)
    {
        for (var length = Math.Min(Close.Length - 1, text.Length); length > 0; length--)
        {
            if (Close.AsSpan().StartsWith(text.AsSpan(text.Length - length), StringComparison.Ordinal))
            {
                return length;
            }
        }
        return 0;
    }

    private static void Add(List<AIContent> into, string text, bool reasoning)
    {
        if (text.Length > 0)
        {
            into.Add(reasoning ? new TextReasoningContent(text) : new TextContent(text));
        }
    }
}
