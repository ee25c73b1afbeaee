using System.Buffers;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using CursorAspire.Proxy.Wire.ChatCompletions;

namespace CursorAspire.Benchmarks;

/// <summary>
/// The wire-out stage per chunk: <see cref="ChatCompletionChunkWriter"/> writing into a reused buffer, as the endpoint
/// writes into Kestrel's pipe. Updates are built once in setup, so the allocation column is the writer's own.
/// </summary>
[MemoryDiagnoser]
public class ChunkWriterBenchmarks
{
    private const int StreamChunks = 200;

    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private ChatCompletionChunkWriter _writer = null!;
    private ChatResponseUpdate _textUpdate = null!;
    private ChatResponseUpdate _toolCallUpdate = null!;
    private ChatResponseUpdate[] _stream = null!;

    [GlobalSetup]
    public void Setup()
    {
        _textUpdate = new ChatResponseUpdate(ChatRole.Assistant, " world");
        _toolCallUpdate = new ChatResponseUpdate(ChatRole.Assistant,
        [
            new FunctionCallContent("call_Q2hC8pXw3nZkYb1vLr0tMd5a", "read_file", new Dictionary<string, object?> { ["target_file"] = "/home/dev/shop-api/src/cart.py" }),
            new FunctionCallContent("call_Vt7sKq9LmN2xPw4cZa8eYb3h", "grep", new Dictionary<string, object?> { ["pattern"] = "total_items", ["path"] = "/home/dev/shop-api/tests" }),
        ]);
        _stream = new ChatResponseUpdate[StreamChunks + 1];
        for (var i = 0; i < StreamChunks; i++)
        {
            _stream[i] = new ChatResponseUpdate(ChatRole.Assistant, $"token{i} ");
        }
        _stream[StreamChunks] = new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, Contents = [new UsageContent(new UsageDetails { InputTokenCount = 1200, OutputTokenCount = 200 })] };

        _writer = NewWriter();
        // The first delta carries the role; measure the steady state after it.
        _writer.WriteUpdate(_textUpdate, _buffer);
    }

    /// <summary>One short text delta, update prebuilt: the writer's cost per chunk.</summary>
    [Benchmark(Baseline = true)]
    public bool TextDelta()
    {
        _buffer.ResetWrittenCount();
        return _writer.WriteUpdate(_textUpdate, _buffer);
    }

    /// <summary>One text delta including building the update, as an upstream client does for every chunk.</summary>
    [Benchmark]
    public bool TextDeltaWithNewUpdate()
    {
        _buffer.ResetWrittenCount();
        return _writer.WriteUpdate(new ChatResponseUpdate(ChatRole.Assistant, " world"), _buffer);
    }

    /// <summary>One update with two tool calls (each: an opening chunk and an arguments chunk).</summary>
    [Benchmark]
    public bool ToolCallUpdateTwoCalls()
    {
        _buffer.ResetWrittenCount();
        return _writer.WriteUpdate(_toolCallUpdate, _buffer);
    }

    /// <summary>A whole response: a new writer, 200 text deltas, the finish/usage update and <c>WriteEnd</c>.</summary>
    [Benchmark]
    public int WholeStream200Chunks()
    {
        _buffer.ResetWrittenCount();
        var writer = NewWriter();
        foreach (var update in _stream)
        {
            writer.WriteUpdate(update, _buffer);
        }
        writer.WriteEnd(_buffer);
        return _buffer.WrittenCount;
    }

    private static ChatCompletionChunkWriter NewWriter() =>
        new("chatcmpl-6f1d2c3b4a5e4d7f8a9b0c1d2e3f4a5b", "local", 1_764_000_000) { EstimatedPromptTokens = 1200 };
}
