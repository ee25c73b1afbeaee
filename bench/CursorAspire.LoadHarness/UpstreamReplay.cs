using System.Text.Json.Nodes;
using CursorAspire.TestUpstreams;

namespace CursorAspire.LoadHarness;

/// <summary>
/// The proxy's own upstream chat call, as the stand-in recorded it (route, body bytes, <c>Content-Type</c>,
/// <c>Authorization</c>), sent again straight to the stand-in: the upstream's work on exactly what the proxy sent, so
/// "proxy − upstream replay" is the proxy's own cost net of it. Each replayed body gets a nonce of its own, written
/// over the recorded one (same width), as no two bodies of the other phases repeat either.
/// </summary>
/// <param name="route">Where and how the proxy sent it.</param>
/// <param name="expected">What the stand-in answers it with: NDJSON for Ollama's <c>/api/chat</c>, SSE or JSON otherwise.</param>
/// <param name="body">The recorded body.</param>
/// <param name="nonce">Where the recorded body's nonce is.</param>
public sealed class UpstreamReplay(ClientRoute route, ExpectedReply expected, byte[] body, Range nonce)
{
    private readonly byte[] _body = body;

    /// <inheritdoc cref="UpstreamReplay(ClientRoute, ExpectedReply, byte[], Range)" path="/param[@name='route']"/>
    public ClientRoute Route { get; } = route;

    /// <inheritdoc cref="UpstreamReplay(ClientRoute, ExpectedReply, byte[], Range)" path="/param[@name='expected']"/>
    public ExpectedReply Expected { get; } = expected;

    /// <summary>Size of one body in bytes.</summary>
    public int Length => _body.Length;

    /// <summary>One line saying what is replayed, for the run's header.</summary>
    public string Describe() =>
        $"{Route.ChatUri.AbsolutePath}, {_body.Length} bytes, Content-Type {Route.ContentType}, {(Route.Headers.Count > 0 ? "with" : "no")} Authorization, {(Expected.Streamed ? Expected.Framing.ToString() : "not streamed")}";

    /// <param name="recorded">The proxy's upstream chat call (the stand-in's last, right after the proxy phase).</param>
    /// <param name="standInRoot">The stand-in's root, which the recorded path is relative to.</param>
    /// <param name="reply">What the stand-in answers every chat call with.</param>
    /// <exception cref="InvalidOperationException">The body does not carry exactly one harness nonce.</exception>
    public static UpstreamReplay Of(RecordedRequest recorded, Uri standInRoot, StandInReply reply)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var body = recorded.BodyBytes.ToArray();
        var nonceAt = body.AsSpan().IndexOf(CursorRequestBodies.NoncePrefix);
        var nonceLength = nonceAt < 0 ? -1 : body.AsSpan(nonceAt).IndexOf("] "u8) + 2;
        if (nonceAt < 0 || nonceLength < 2 || body.AsSpan(nonceAt + 1).IndexOf(CursorRequestBodies.NoncePrefix) >= 0)
        {
            throw new InvalidOperationException($"The recorded upstream body ({body.Length} bytes, {recorded.Path}) does not carry exactly one harness nonce.");
        }

        // Ollama's /api/chat streams NDJSON unless told "stream": false; Chat Completions streams SSE only when told true.
        var ollama = recorded.Path.EndsWith("/api/chat", StringComparison.Ordinal);
        var stream = (recorded.Json as JsonObject)?["stream"] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : ollama;
        var expected = ExpectedReply.Of(reply, stream, ollama ? StreamFraming.NdJson : StreamFraming.ServerSentEvents);

        var uri = new Uri(standInRoot, recorded.Path.TrimStart('/') + recorded.QueryString);
        var headers = recorded.Headers.TryGetValue("Authorization", out var authorization)
            ? new KeyValuePair<string, string>[] { new("Authorization", authorization) }
            : [];
        var route = new ClientRoute(ClientRoute.UpstreamReplay, uri, headers)
        {
            ContentType = recorded.Headers.TryGetValue("Content-Type", out var contentType) ? contentType : "application/json",
        };
        return new UpstreamReplay(route, expected, body, nonceAt..(nonceAt + nonceLength));
    }

    /// <summary>The recorded body with the nonce of request <paramref name="sequence"/> of phase <paramref name="phase"/>.</summary>
    /// <exception cref="InvalidOperationException">That nonce is not as wide as the recorded one (phase 100 or later).</exception>
    public byte[] Create(int phase, int sequence)
    {
        var fresh = CursorRequestBodies.Nonce(phase, sequence);
        var (at, width) = nonce.GetOffsetAndLength(_body.Length);
        if (fresh.Length != width)
        {
            throw new InvalidOperationException($"The nonce of phase {phase}, request {sequence} is {fresh.Length} bytes wide, the recorded one {width}.");
        }
        var copy = (byte[])_body.Clone();
        fresh.CopyTo(copy, at);
        return copy;
    }
}
