using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Infrastructure.Caching;

/// <summary>
/// A stand-in upstream at the <see cref="IChatClient"/> level: answers from a script, counts its calls,
/// records the options it was given, and can hold answers behind a gate, fail mid-stream or honour cancellation.
/// </summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private int _calls;

    /// <summary>Builds a fresh non-streaming answer per call.</summary>
    public Func<ChatResponse> Response { get; init; } = () => CacheTestData.TextResponse("Hello from upstream");

    /// <summary>Builds a fresh streamed answer per call.</summary>
    public Func<IReadOnlyList<ChatResponseUpdate>> Updates { get; init; } = CacheTestData.ToolCallStream;

    /// <summary>When set, every call waits for it before answering (so concurrent callers pile up).</summary>
    public TaskCompletionSource? Gate { get; init; }

    /// <summary>When set, a stream throws after yielding this many updates.</summary>
    public int? FailAfterUpdates { get; init; }

    /// <summary>Number of upstream calls made.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The options of the last call, as the upstream saw them.</summary>
    public ChatOptions? LastOptions { get; private set; }

    /// <summary>Completed when a call has started (before the gate).</summary>
    public TaskCompletionSource CallStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        LastOptions = options;
        CallStarted.TrySetResult();
        if (Gate is not null)
        {
            await Gate.Task.WaitAsync(cancellationToken);
        }

        return Response();
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        LastOptions = options;
        CallStarted.TrySetResult();
        if (Gate is not null)
        {
            await Gate.Task.WaitAsync(cancellationToken);
        }

        var yielded = 0;
        foreach (var update in Updates())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (FailAfterUpdates == yielded)
            {
                throw new HttpRequestException("upstream connection reset mid-stream");
            }

            await Task.Yield();
            yield return update;
            yielded++;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
