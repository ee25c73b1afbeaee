using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.Extensions.AI;
using CursorAspire.Proxy.Wire.ChatCompletions;

namespace CursorAspire.Benchmarks;

/// <summary>
/// <c>-- alloc-types</c>: runs one writer path in a loop under the runtime's <c>GCAllocationTick</c> events (one sample
/// per ~100 KB allocated, with the type allocated) and prints which types the path allocates. Answers "what are those
/// bytes per chunk" where BenchmarkDotNet only says how many.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _samples = new();
    private volatile bool _recording;

    public static int Run(TextWriter output)
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        var writer = new ChatCompletionChunkWriter("chatcmpl-6f1d2c3b4a5e4d7f8a9b0c1d2e3f4a5b", "local", 1_764_000_000);
        var text = new ChatResponseUpdate(ChatRole.Assistant, " world");
        var tools = new ChatResponseUpdate(ChatRole.Assistant,
        [
            new FunctionCallContent("call_Q2hC8pXw3nZkYb1vLr0tMd5a", "read_file", new Dictionary<string, object?> { ["target_file"] = "/home/dev/shop-api/src/cart.py" }),
            new FunctionCallContent("call_Vt7sKq9LmN2xPw4cZa8eYb3h", "grep", new Dictionary<string, object?> { ["pattern"] = "total_items", ["path"] = "/home/dev/shop-api/tests" }),
        ]);
        var arrayBacked = new ChatResponseUpdate { Role = ChatRole.Assistant, Contents = new AIContent[] { new TextContent(" world") } };

        Measure(output, "text delta, Contents = List<AIContent> (as built by M.E.AI)", () => writer.WriteUpdate(text, buffer), buffer);
        Measure(output, "text delta, Contents = AIContent[] (diagnostic)", () => writer.WriteUpdate(arrayBacked, buffer), buffer);
        Measure(output, "tool-call update, two calls", () => writer.WriteUpdate(tools, buffer), buffer);
        return 0;
    }

    private static void Measure(TextWriter output, string name, Action step, ArrayBufferWriter<byte> buffer)
    {
        const int Iterations = 5_000_000;
        // Warm up into tier 1 first, so the sample is the steady state BenchmarkDotNet measures.
        for (var i = 0; i < 200_000; i++)
        {
            buffer.ResetWrittenCount();
            step();
        }
        Thread.Sleep(500);
        for (var i = 0; i < 200_000; i++)
        {
            buffer.ResetWrittenCount();
            step();
        }

        using var sampler = new AllocationSampler();
        var before = GC.GetAllocatedBytesForCurrentThread();
        sampler._recording = true;
        for (var i = 0; i < Iterations; i++)
        {
            buffer.ResetWrittenCount();
            step();
        }
        sampler._recording = false;
        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Iterations;
        output.WriteLine($"{name}: {perCall:F1} B per call");
        foreach (var (type, count) in sampler._samples.OrderByDescending(s => s.Value))
        {
            output.WriteLine($"    {count,6} samples  {type}");
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is null)
        {
            return;
        }
        var index = eventData.PayloadNames.IndexOf("TypeName");
        var type = index >= 0 ? eventData.Payload?[index] as string ?? "?" : "?";
        _samples.AddOrUpdate(type, 1, (_, n) => n + 1);
    }
}
