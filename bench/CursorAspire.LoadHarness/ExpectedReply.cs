using System.Text;
using CursorAspire.TestUpstreams;

namespace CursorAspire.LoadHarness;

/// <summary>
/// What a successful response looks like, whichever path it took: a streamed one carries <see cref="FirstToken"/> and
/// ends as its <see cref="Framing"/> says (an SSE stream with <c>data: [DONE]</c>, Ollama's NDJSON with a
/// <c>"done":true</c> line); a non-streamed one is a JSON completion carrying the whole reply text.
/// </summary>
public sealed class ExpectedReply
{
    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();
    private static readonly byte[] DoneField = "\"done\":true"u8.ToArray();

    /// <summary>Enough of an NDJSON stream's end to hold its whole last line (the stand-in's is a few hundred bytes).</summary>
    private const int NdJsonTailLength = 1024;

    private ExpectedReply(bool streamed, StreamFraming framing, byte[] firstToken, byte[] text)
    {
        Streamed = streamed;
        Framing = framing;
        FirstToken = firstToken;
        Text = text;
    }

    public bool Streamed { get; }

    /// <summary>How a streamed reply is framed (meaningless when not <see cref="Streamed"/>).</summary>
    public StreamFraming Framing { get; }

    /// <summary>The first text chunk's UTF-8 bytes; its arrival is the time to first token.</summary>
    public byte[] FirstToken { get; }

    /// <summary>The whole reply text's UTF-8 bytes (plain ASCII words, so the same inside a JSON string).</summary>
    public byte[] Text { get; }

    /// <summary>The <c>Accept</c> header a client asking for this reply sends.</summary>
    public string AcceptMediaType => !Streamed ? "application/json"
        : Framing == StreamFraming.NdJson ? "application/x-ndjson" : "text/event-stream";

    /// <summary>How many of a stream's last bytes <see cref="EndsWell"/> needs to see.</summary>
    public int TailLength => Framing == StreamFraming.NdJson ? NdJsonTailLength : DoneEvent.Length;

    /// <summary>What a stream must end with, for error messages.</summary>
    public string EndDescription => Framing == StreamFraming.NdJson ? "a line with \"done\":true" : "data: [DONE]";

    /// <summary>Whether a stream whose last bytes are <paramref name="tail"/> (at most <see cref="TailLength"/>) ended as it should.</summary>
    public bool EndsWell(ReadOnlySpan<byte> tail)
    {
        if (Framing == StreamFraming.ServerSentEvents)
        {
            return tail.SequenceEqual(DoneEvent);
        }
        // The last line, whole: it must start after a line break within the tail.
        var lines = tail.TrimEnd("\r\n"u8);
        var lastBreak = lines.LastIndexOf((byte)'\n');
        return lastBreak >= 0 && lines[(lastBreak + 1)..].IndexOf(DoneField) >= 0;
    }

    /// <exception cref="ArgumentException">The reply has no text, or text JSON would escape.</exception>
    public static ExpectedReply Of(StandInReply reply, bool streamed, StreamFraming framing = StreamFraming.ServerSentEvents)
    {
        if (reply.TextChunks.Count == 0 || reply.Text.Any(c => c is < ' ' or > '~' or '"' or '\\'))
        {
            throw new ArgumentException("The harness's reply must be plain ASCII text chunks.", nameof(reply));
        }
        return new ExpectedReply(streamed, framing, Encoding.ASCII.GetBytes(reply.TextChunks[0]), Encoding.ASCII.GetBytes(reply.Text));
    }
}
