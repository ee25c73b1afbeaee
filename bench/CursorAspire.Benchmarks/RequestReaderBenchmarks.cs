using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Wire.ChatCompletions;

namespace CursorAspire.Benchmarks;

/// <summary>
/// The wire-in stage: <see cref="JsonDocument"/> parse of a Cursor body plus <see cref="ChatRequestReader.Read"/>, as the
/// endpoint does per request, and the parse alone to split the two. The setup prints the body size, for per-MB figures.
/// </summary>
[MemoryDiagnoser]
public class RequestReaderBenchmarks
{
    private byte[] _body = null!;

    /// <summary><c>agent-fixture</c>: the recorded 16 KB agent turn; <c>synthetic-2mb</c>: the same grown to 2 MB.</summary>
    [Params("agent-fixture", "synthetic-2mb")]
    public string Body { get; set; } = "agent-fixture";

    [GlobalSetup]
    public void Setup()
    {
        _body = Body switch
        {
            "agent-fixture" => BenchmarkFixtures.ReadBytes(BenchmarkFixtures.AgentChatToolsMultiturn),
            "synthetic-2mb" => BenchmarkFixtures.SyntheticAgentBody(2_000_000),
            _ => throw new ArgumentOutOfRangeException(nameof(Body), Body, "Unknown body."),
        };
        Console.WriteLine($"// Body {Body}: {_body.Length} bytes");
        // Fail fast when the body stops being readable rather than timing an exception. Its tools are kept, as the
        // intake keeps a valid request's: what is timed is a request after the first, as Cursor sends them.
        using var document = JsonDocument.Parse(_body);
        using var tools = CursorAspire.Proxy.Tools.ToolDeclarationCache.Collect();
        _ = ChatRequestReader.Read(document.RootElement);
        tools.Keep();
    }

    /// <summary>Parse and read: the endpoint's wire-in cost per request.</summary>
    [Benchmark(Baseline = true)]
    public int ParseAndRead()
    {
        using var document = JsonDocument.Parse(_body);
        return ChatRequestReader.Read(document.RootElement).Messages.Count;
    }

    /// <summary>The <see cref="JsonDocument"/> parse alone.</summary>
    [Benchmark]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_body);
        return document.RootElement.GetProperty("messages").GetArrayLength();
    }
}
