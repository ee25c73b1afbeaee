using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Infrastructure.Caching;

/// <summary>What the cache middleware's tests share: the Garnet server, a partition of their own, options and streams.</summary>
public abstract class CacheClientTests(GarnetServerFixture garnet) : IClassFixture<GarnetServerFixture>
{
    /// <summary>The server the tests share.</summary>
    protected GarnetServerFixture Garnet { get; } = garnet;

    /// <summary>The test's own partition, so tests sharing the server never see each other's entries.</summary>
    protected string Partition { get; } = "test-" + Guid.NewGuid().ToString("N");

    internal CacheTestContext Context(ResponseCacheOptions? options = null)
    {
        // These tests are about behaviour, not latency: a generous store timeout keeps a busy build machine from turning
        // a slow first connection into an Error outcome. The latency bound is tested in ResponseCacheOutageTests.
        options ??= new ResponseCacheOptions();
        options.RedisTimeout = TimeSpan.FromSeconds(5);
        return new(Garnet.ConnectionString, options);
    }

    protected ChatOptions Options(Action<ChatOptions>? configure = null, ResponseCacheScope? request = null, string? partition = null) =>
        CacheTestData.Options(partition ?? Partition, configure, request);

    protected static async Task<List<ChatResponseUpdate>> Collect(IAsyncEnumerable<ChatResponseUpdate> stream)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in stream.WithCancellation(CacheTestData.Deadline()))
        {
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>Asks <paramref name="client"/> the conversation, not streamed, with the test's options.</summary>
    protected Task<ChatResponse> AskAsync(IChatClient client, Action<ChatOptions>? configure = null, ResponseCacheScope? request = null, string? partition = null) =>
        client.GetResponseAsync(CacheTestData.Conversation(), Options(configure, request, partition), CacheTestData.Deadline());

    /// <summary>Asks <paramref name="client"/> the conversation, streamed, with the test's options, and collects the updates.</summary>
    protected Task<List<ChatResponseUpdate>> StreamAsync(IChatClient client, Action<ChatOptions>? configure = null, ResponseCacheScope? request = null) =>
        Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(configure, request)));

    /// <summary>Sends the same request twice, each time with a scope of its own: the scopes and the answers, in order.</summary>
    protected async Task<(ResponseCacheScope First, T FirstAnswer, ResponseCacheScope Second, T SecondAnswer)> TwiceAsync<T>(Func<ResponseCacheScope, Task<T>> send)
    {
        var first = new ResponseCacheScope(Partition);
        var firstAnswer = await send(first);
        var second = new ResponseCacheScope(Partition);
        return (first, firstAnswer, second, await send(second));
    }

    /// <summary>Streams the conversation through <paramref name="client"/> with a scope of its own, to read the outcome from.</summary>
    protected async Task<ResponseCacheScope> StreamConversationAsync(IChatClient client)
    {
        var next = new ResponseCacheScope(Partition);
        await StreamAsync(client, request: next);
        return next;
    }

    /// <summary>Streams the conversation through <paramref name="client"/> twice; the second time's scope, to read its outcome from.</summary>
    protected async Task<ResponseCacheScope> StreamTwiceAsync(IChatClient client)
    {
        await StreamConversationAsync(client);
        return await StreamConversationAsync(client);
    }
}
