using System.Text;
using System.Text.Json.Nodes;
using CursorAspire.TestUpstreams.Fixtures;

namespace CursorAspire.LoadHarness;

/// <summary>
/// Cursor agent requests (the recorded <c>agent-chat-tools-multiturn.json</c>: system prompt, tools, a multi-turn tool
/// conversation) addressed to a given model, streamed as Cursor sends them or not, each with a unique nonce in the
/// first user message so no cache anywhere can answer it.
/// </summary>
/// <remarks>
/// A streamed body asks for usage (<c>stream_options.include_usage</c>), as Cursor's agent requests do: the proxy asks
/// its upstream for it on every streamed call, so without it the direct path's upstream would do less work than the
/// proxy's (an OpenAI-compatible stream with usage carries <c>"usage":null</c> on every chunk; the stand-in writing it
/// cost ~37 KB a request), and that difference would be counted as the proxy's own.
/// </remarks>
public sealed class CursorRequestBodies
{
    public const string FixtureName = CursorFixtures.AgentChatToolsMultiturn;
    private const string Marker = "\u0001NONCE\u0001";

    private readonly byte[] _prefix;
    private readonly byte[] _suffix;

    private CursorRequestBodies(byte[] prefix, byte[] suffix)
    {
        _prefix = prefix;
        _suffix = suffix;
    }

    /// <summary>Size of one body in bytes (nonces are fixed width).</summary>
    public int Length => _prefix.Length + _suffix.Length + Nonce(0, 0).Length;

    public static CursorRequestBodies ForModel(string model, bool stream = true)
    {
        var root = JsonNode.Parse(CursorFixtures.Read(FixtureName))!.AsObject();
        root["model"] = model;
        root["stream"] = stream;
        if (stream)
        {
            root["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        var firstUser = root["messages"]!.AsArray().First(m => (string?)m!["role"] == "user")!;
        firstUser["content"] = Marker + (string?)firstUser["content"];
        var json = root.ToJsonString();
        var at = json.IndexOf("\\u0001NONCE\\u0001", StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException("The nonce marker was not found in the serialized fixture.");
        }
        return new CursorRequestBodies(
            Encoding.UTF8.GetBytes(json[..at]),
            Encoding.UTF8.GetBytes(json[(at + "\\u0001NONCE\\u0001".Length)..]));
    }

    /// <summary>The body of request <paramref name="sequence"/> of phase <paramref name="phase"/>.</summary>
    public byte[] Create(int phase, int sequence)
    {
        var nonce = Nonce(phase, sequence);
        var body = new byte[_prefix.Length + nonce.Length + _suffix.Length];
        _prefix.CopyTo(body, 0);
        nonce.CopyTo(body, _prefix.Length);
        _suffix.CopyTo(body, _prefix.Length + nonce.Length);
        return body;
    }

    /// <summary>How every nonce starts (<see cref="Nonce"/>); a replayed body's nonce is found by it.</summary>
    public static ReadOnlySpan<byte> NoncePrefix => "[load "u8;

    /// <summary>The nonce of request <paramref name="sequence"/> of phase <paramref name="phase"/>: fixed width, plain ASCII.</summary>
    public static byte[] Nonce(int phase, int sequence) => Encoding.ASCII.GetBytes($"[load {phase:D2}-{sequence:D7}] ");
}
