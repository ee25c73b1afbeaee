using System.Text.Json.Nodes;
using CursorAspire.Check.Http;

namespace CursorAspire.Check.Steps;

/// <summary>
/// What came of one streamed request: refused before the stream (<see cref="Refusal"/>), a stream Cursor could not use
/// (<see cref="Problem"/>), or a usable stream.
/// </summary>
/// <param name="Stream">The stream read, when the server answered 200 with one.</param>
/// <param name="Refusal">The answer, when it was not 200.</param>
/// <param name="Problem">Why Cursor could not use the stream, when it could not.</param>
internal sealed record StreamedTurn(ChatStream? Stream, HttpAnswer? Refusal, string? Problem)
{
    /// <summary>From sending the request to its response headers (the stream opening, for a stream).</summary>
    public TimeSpan HeadersAfter { get; init; }

    /// <summary>What CursorAspire streams as text when the model fails after the stream started.</summary>
    private const string StreamedErrorPrefix = "The model stopped with an error:";

    /// <summary>Sends <paramref name="body"/> (streamed) and reads the answer the way Cursor does.</summary>
    public static async Task<StreamedTurn> SendAsync(CheckContext context, JsonObject body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var exchange = await context.SendAsync(context.Request(HttpMethod.Post, context.Api("chat/completions"), body), timeout, cancellationToken).ConfigureAwait(false);
        if (exchange.Status != 200)
        {
            return new StreamedTurn(null, await exchange.ReadAnswerAsync().ConfigureAwait(false), null);
        }

        var contentType = exchange.Response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(contentType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return new StreamedTurn(null, null, $"it answered a streamed request with {contentType ?? "no content type"} instead of text/event-stream, and Cursor shows nothing");
        }

        var headersAfter = exchange.Elapsed;
        var stream = await ChatStream.ReadAsync(exchange, context.Time).ConfigureAwait(false);
        return new StreamedTurn(stream, null, ProblemOf(stream)) { HeadersAfter = headersAfter };
    }

    private static string? ProblemOf(ChatStream stream)
    {
        if (stream.Error is { } error)
        {
            return $"the stream carried an error: {error}";
        }

        if (stream.Text.Contains(StreamedErrorPrefix, StringComparison.Ordinal))
        {
            return $"the stream started, then the model failed ({HttpAnswer.Shorten(stream.Text)})";
        }

        if (stream.Malformed is { } malformed)
        {
            return $"the stream holds an event that is not JSON ({malformed}), which Cursor cannot parse";
        }

        if (!stream.Done)
        {
            return "the stream ended without 'data: [DONE]', so Cursor treats the answer as broken";
        }

        if (stream.FirstToken is null)
        {
            return $"the stream carried no text and no tool call ({stream.Chunks} chunks), so Cursor shows an empty answer";
        }

        return null;
    }
}
