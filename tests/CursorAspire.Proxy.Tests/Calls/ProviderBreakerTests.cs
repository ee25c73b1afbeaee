using Microsoft.Extensions.Time.Testing;

namespace CursorAspire.Proxy.Tests.Calls;

/// <summary>
/// A breaker per provider (<c>Proxy:Breaker</c>): after repeated failures it opens, and the provider's routes go
/// straight to their fallbacks without calling it (no timeout paid per request); when the break is over, one trial call
/// closes it again.
/// </summary>
public sealed class ProviderBreakerTests
{
    [Fact]
    public async Task ARepeatedlyFailingProviderIsSkippedUntilItsBreakIsOver()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var proxy = await FallbackProxy.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:Retry:MaxAttempts"] = "1",
            ["Proxy:Breaker:MinimumThroughput"] = "3",
            ["Proxy:Breaker:BreakDuration"] = "00:01:00",
        }, configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        for (var i = 0; i < 3; i++)
        {
            proxy.Ollama.Enqueue(StandInReply.FromError(500, "llama runner crashed"));
        }

        // Three failures open the breaker; each of those requests was still answered by the fallback.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(proxy.Proxy.Client, ChatRequests.Simple("fb", stream: false))).StatusCode);
        }
        Assert.Equal(3, proxy.Ollama.ChatRequests.Count);

        // Open: Ollama is not called at all.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(proxy.Proxy.Client, ChatRequests.Simple("fb", stream: true))).StatusCode);
        }
        Assert.Equal(3, proxy.Ollama.ChatRequests.Count);
        Assert.Equal(6, proxy.OpenAI.ChatRequests.Count);
        Assert.Contains("its routes go straight to their fallbacks", proxy.Proxy.Logs.All);

        // After the break a trial goes through; Ollama is healthy again, so the breaker closes and it answers.
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(proxy.Proxy.Client, ChatRequests.Simple("fb", stream: false))).StatusCode);
        }
        Assert.Equal(5, proxy.Ollama.ChatRequests.Count);
        Assert.Equal(6, proxy.OpenAI.ChatRequests.Count);
        Assert.Contains("Provider ollama answers again", proxy.Proxy.Logs.All);
    }

    [Fact]
    public async Task AWrongUpstreamKeyDoesNotOpenTheBreakerSoTheClientKeepsSeeingWhy()
    {
        await using var openai = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { ApiKey = "sk-the-right-upstream-key" });
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OpenAIConfig(openai.ApiBaseUri)
            .With("Proxy:Providers:openai:ApiKey", "sk-a-wrong-upstream-key")
            .With("Proxy:Retry:MaxAttempts", "1")
            .With("Proxy:Breaker:MinimumThroughput", "2"));

        for (var i = 0; i < 5; i++)
        {
            var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("remote", stream: false));
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("upstream_auth_failed", (string?)ChatRequests.AssertOpenAIError(body)["code"]);
        }
        Assert.Equal(5, openai.ChatRequests.Count);
        Assert.DoesNotContain("keeps failing", proxy.Logs.All);
    }

    [Fact]
    public async Task WithNoFallbackAnOpenBreakerIsAClear503()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var proxy = await FallbackProxy.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:Models:fb:Fallbacks:0"] = null,
            ["Proxy:Retry:MaxAttempts"] = "1",
            ["Proxy:Breaker:MinimumThroughput"] = "2",
        }, ollamaDown: true, configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.BadGateway, (await ChatRequests.PostAsync(proxy.Proxy.Client, ChatRequests.Simple("fb", stream: false))).StatusCode);
        }
        var (response, body) = await ChatRequests.PostReadAsync(proxy.Proxy.Client, ChatRequests.Simple("fb", stream: false));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Contains("Proxy:Models:<alias>:Fallbacks", (string?)error["message"]);
    }
}
