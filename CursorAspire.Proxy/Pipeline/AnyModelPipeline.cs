using System.Runtime.CompilerServices;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>
/// The pipeline of one model a client named on an <c>AllowAnyModel</c> provider, as <see cref="RoutePipelines"/> keeps
/// it: once evicted it is disposed when its last call ends, so a key naming thousands of models leaves nothing behind
/// (each pipeline holds its provider client, its telemetry's meter and instruments, which live until disposed).
/// </summary>
/// <remarks>A call that finds it already disposed gets a pipeline of its own, disposed with the call.</remarks>
/// <param name="build">Builds the model's pipeline.</param>
/// <param name="live">Counts the pipelines built and not yet disposed (shared and per-call ones).</param>
internal sealed class AnyModelPipeline(Func<IChatClient> build, StrongBox<int> live) : IChatClient
{
    private readonly Lock _gate = new();
    private IChatClient? _inner = Built(build, live);
    private int _calls;
    private bool _evicted;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (client, own) = Acquire();
        try
        {
            return await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Release(client, own);
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (client, own) = Acquire();
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            Release(client, own);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner?.GetService(serviceType, serviceKey);

    /// <summary>The cache let it go: dispose it now if idle, else when its last call ends.</summary>
    public void Evict()
    {
        IChatClient? idle = null;
        lock (_gate)
        {
            _evicted = true;
            if (_calls == 0)
            {
                (idle, _inner) = (_inner, null);
            }
        }
        Dispose(idle);
    }

    public void Dispose() => Evict();

    private (IChatClient Client, bool Own) Acquire()
    {
        lock (_gate)
        {
            if (_inner is { } shared)
            {
                _calls++;
                return (shared, false);
            }
        }
        return (Built(build, live), true);
    }

    private static IChatClient Built(Func<IChatClient> build, StrongBox<int> live)
    {
        var client = build();
        Interlocked.Increment(ref live.Value);
        return client;
    }

    private void Dispose(IChatClient? client)
    {
        if (client is not null)
        {
            client.Dispose();
            Interlocked.Decrement(ref live.Value);
        }
    }

    private void Release(IChatClient client, bool own)
    {
        if (own)
        {
            Dispose(client);
            return;
        }
        IChatClient? idle = null;
        lock (_gate)
        {
            if (--_calls == 0 && _evicted)
            {
                (idle, _inner) = (_inner, null);
            }
        }
        Dispose(idle);
    }
}
