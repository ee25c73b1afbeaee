using CursorAspire.Proxy.Providers;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Providers;

/// <summary>The request's context travels down the pipeline and is taken off at one point, before the provider's client.</summary>
public sealed class CallContextBoundaryTests(GarnetServerFixture garnet) : IClassFixture<GarnetServerFixture>
{
    [Fact]
    public async Task CallContextIsRemovedFromOptionsBeforeTheUpstream()
    {
        var options = new ResponseCacheOptions { RedisTimeout = TimeSpan.FromSeconds(5) };
        using var context = new CacheTestContext(garnet.ConnectionString, options);
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(new CallContextBoundaryChatClient(inner));
        var requestOptions = CacheTestData.Options("test-" + Guid.NewGuid().ToString("N"),
            o => o.AdditionalProperties = new AdditionalPropertiesDictionary { ["verbosity"] = "low" });

        await client.GetResponseAsync(CacheTestData.Conversation(), requestOptions, CacheTestData.Deadline());

        Assert.NotNull(inner.LastOptions);
        Assert.NotSame(requestOptions, inner.LastOptions);
        Assert.Null(ChatCallContext.Of(inner.LastOptions));
        Assert.Equal("low", inner.LastOptions!.AdditionalProperties!["verbosity"]);
        // The caller's options are left as they were.
        Assert.NotNull(ChatCallContext.Of(requestOptions));
    }
}
