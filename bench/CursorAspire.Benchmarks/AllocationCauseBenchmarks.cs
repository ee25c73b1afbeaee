using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Benchmarks;

/// <summary>
/// Suspects of the chunk writer's per-update allocations, one per benchmark. Read with <c>-- alloc-types</c>
/// (<see cref="AllocationSampler"/>), which names the type allocated inside <c>WriteUpdate</c> itself.
/// </summary>
/// <remarks>
/// The two enumeration benchmarks both show 0 B: in a method this small the .NET 10 JIT devirtualizes
/// <c>GetEnumerator</c> and stack-allocates the boxed enumerator. Inside <c>WriteUpdate</c> it does not (the sampler
/// sees <c>List&lt;AIContent&gt;.Enumerator</c> on the heap, 40 B per call), which is why the index loop is the fix
/// that does not depend on the JIT's mood.
/// </remarks>
[MemoryDiagnoser]
public class AllocationCauseBenchmarks : IDisposable
{
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly Utf8JsonWriter _argumentsJson = new(Stream.Null, WireJson.ArgumentsWriterOptions);
    private readonly Utf8JsonWriter _json = new(Stream.Null);
    private readonly ArrayBufferWriter<byte> _output = new(1 << 12);
    private ChatResponseUpdate _textUpdate = null!;
    private FunctionCallContent _call = null!;

    [GlobalSetup]
    public void Setup()
    {
        _textUpdate = new ChatResponseUpdate(ChatRole.Assistant, " world");
        _call = new FunctionCallContent("call_Q2hC8pXw3nZkYb1vLr0tMd5a", "read_file", new Dictionary<string, object?> { ["target_file"] = "/home/dev/shop-api/src/cart.py" });
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _argumentsJson.Dispose();
        _json.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>What <c>WriteUpdate</c> does: <c>foreach</c> over <c>update.Contents</c>, typed <c>IList&lt;AIContent&gt;</c>.</summary>
    [Benchmark(Baseline = true)]
    public int ForeachOverContentsInterface()
    {
        var count = 0;
        foreach (var content in _textUpdate.Contents)
        {
            count += content is TextContent ? 1 : 0;
        }
        return count;
    }

    /// <summary>The fix: an index loop over the same <c>IList&lt;AIContent&gt;</c>: no enumerator object at all.</summary>
    [Benchmark]
    public int IndexLoopOverContents()
    {
        var count = 0;
        var contents = _textUpdate.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            count += contents[i] is TextContent ? 1 : 0;
        }
        return count;
    }

    /// <summary>The arguments chunk of one tool call: <c>WireJson.WriteArgumentsString</c> with a reused writer, then JsonSerializer.</summary>
    [Benchmark]
    public int WriteArgumentsStringOneCall()
    {
        _output.ResetWrittenCount();
        _json.Reset(_output);
        WireJson.WriteArgumentsString(_json, _call, _scratch, _argumentsJson);
        _json.Flush();
        return _output.WrittenCount;
    }
}
