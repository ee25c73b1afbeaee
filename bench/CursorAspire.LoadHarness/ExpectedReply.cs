using System.Text;
using CursorAspire.TestUpstreams;

namespace CursorAspire.LoadHarness;

/// <summary>
/// What a successful response looks like, whichever path it took: a streamed one is an SSE stream ending with
/// <c>data: [DONE]</c> whose first text chunk is <see cref="FirstToken"/>; a non-streamed one is a JSON completion
/// carrying the whole reply text.
/// </summary>
public sealed class ExpectedReply
{
    private ExpectedReply(bool streamed, byte[] firstToken, byte[] text)
    {
        Streamed = streamed;
        FirstToken = firstToken;
        Text = text;
    }

    public bool Streamed { get; }

    /// <summary>The first text chunk's UTF-8 bytes; its arrival is the time to first token.</summary>
    public byte[] FirstToken { get; }

    /// <summary>The whole reply text's UTF-8 bytes (plain ASCII words, so the same inside a JSON string).</summary>
    public byte[] Text { get; }

    /// <exception cref="ArgumentException">The reply has no text, or text JSON would escape.</exception>
    public static ExpectedReply Of(StandInReply reply, bool streamed)
    {
        if (reply.TextChunks.Count == 0 || reply.Text.Any(c => c is < ' ' or > '~' or '"' or '\\'))
        {
            throw new ArgumentException("The harness's reply must be plain ASCII text chunks.", nameof(reply));
        }
        return new ExpectedReply(streamed, Encoding.ASCII.GetBytes(reply.TextChunks[0]), Encoding.ASCII.GetBytes(reply.Text));
    }
}
