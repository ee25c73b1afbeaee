using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CursorAspire.Proxy.Wire.Anthropic;
using CursorAspire.Proxy.Wire.ChatCompletions;

namespace CursorAspire.Benchmarks;

/// <summary>
/// The wire-in stage: <see cref="JsonDocument"/> parse of a Cursor body plus <see cref="ChatRequestReader.Read"/>, as the
/// endpoint does per request, and the parse alone to split the two; and the look at a body that decides whether it is
/// Anthropic-shaped, which every <c>messages</c> body pays. The setup prints the body size, for per-MB figures.
/// </summary>
[MemoryDiagnoser]
public class RequestReaderBenchmarks
{
    private byte[] _body = null!;
    private JsonDocument _parsed = null!;

    /// <summary>
    /// <c>agent-fixture</c>: the recorded 16 KB agent turn; <c>synthetic-2mb</c>: the same grown to 2 MB;
    /// <c>anthropic-loop</c>: Cursor's 21 KB Anthropic-shaped agent loop.
    /// </summary>
    [Params("agent-fixture", "synthetic-2mb", "anthropic-loop")]
    public string Body { get; set; } = "agent-fixture";

    [GlobalSetup]
    public void Setup()
    {
        _body = Body switch
        {
            "agent-fixture" => BenchmarkFixtures.ReadBytes(BenchmarkFixtures.AgentChatToolsMultiturn),
            "synthetic-2mb" => BenchmarkFixtures.SyntheticAgentBody(2_000_000),
            "anthropic-loop" => BenchmarkFixtures.ReadBytes(BenchmarkFixtures.AnthropicShapedAgentLoop),
            _ => throw new ArgumentOutOfRangeException(nameof(Body), Body, "Unknown body."),
        };
        Console.WriteLine($"// Body {Body}: {_body.Length} bytes");
        // Fail fast when the body stops being readable rather than timing an exception. Its tools are kept, as the
        // intake keeps a valid request's: what is timed is a request after the first, as Cursor sends them.
        using var document = JsonDocument.Parse(_body);
        using var tools = CursorAspire.Proxy.Tools.ToolDeclarationCache.Collect();
        _ = ChatRequestReader.Read(document.RootElement);
        tools.Keep();
        _parsed = JsonDocument.Parse(_body);
    }

    [GlobalCleanup]
    public void Cleanup() => _parsed.Dispose();

    /// <summary>Parse and read: the endpoint's wire-in cost per request.</summary>
    [Benchmark(Baseline = true)]
    public int ParseAndRead()
    {
        using var document = JsonDocument.Parse(_body);
        return ChatRequestReader.Read(document.RootElement).Messages.Count;
    }

    /// <summary>
    /// Deciding the dialect of the parsed body alone (<see cref="AnthropicShape.Is"/>): what every <c>messages</c> body pays
    /// for the third dialect (a Chat Completions body the whole look, an Anthropic-shaped one until its first sign).
    /// </summary>
    [Benchmark]
    public bool DetectDialect() => AnthropicShape.Is(_parsed.RootElement);

    /// <summary>The <see cref="JsonDocument"/> parse alone.</summary>
    [Benchmark]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_body);
        return document.RootElement.GetProperty("messages").GetArrayLength();
    }
}
