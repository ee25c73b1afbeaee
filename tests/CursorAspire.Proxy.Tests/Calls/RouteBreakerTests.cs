namespace CursorAspire.Proxy.Tests.Calls;

/// <summary>
/// Breakers per route and per provider (<c>Proxy:Breaker</c>): after repeated failures a route's breaker opens and it
/// goes straight to its fallbacks without calling the model (no timeout paid per request), while the provider's other
/// models answer; a failure of the whole provider (refused connection, refused key) opens all its routes at once. When
/// the break is over, one trial call closes it again.
/// </summary>
public sealed class RouteBreakerTests
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
        Assert.Contains("ollama/qwen2.5-coder:7b failed 3 requests in a row", proxy.Proxy.Logs.All);
        Assert.Contains("its route goes straight to its fallbacks", proxy.Proxy.Logs.All);

        // After the break a trial goes through; Ollama is healthy again, so the breaker closes and it answers.
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(proxy.Proxy.Client, ChatRequests.Simple("fb", stream: false))).StatusCode);
        }
        Assert.Equal(5, proxy.Ollama.ChatRequests.Count);
        Assert.Equal(6, proxy.OpenAI.ChatRequests.Count);
        Assert.Contains("ollama/qwen2.5-coder:7b answers again", proxy.Proxy.Logs.All);
    }

    [Fact]
    public async Task OneFailingModelOpensItsOwnRouteWhileAnotherModelOfTheSameProviderKeepsAnswering()
    {
        // Two models on one Ollama: the 70B one runs out of memory on every request, the 7B one beside it is fine.
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions
        {
            DefaultReply = request => request.Model == "llama3.3:70b"
                ? StandInReply.FromError(500, "model requires more system memory (48.0 GiB) than is available (31.2 GiB)")
                : StandInReply.EchoOf(request),
        });
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri)
            .With("Proxy:Models:big:Provider", "ollama")
            .With("Proxy:Models:big:Model", "llama3.3:70b"));

        // The default evidence: three requests in a row, each retried once (two calls), then the route is open.
        for (var i = 0; i < 3; i++)
        {
            var (failed, _) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("big", stream: false));
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        }
        Assert.Equal(6, ollama.ChatRequests.Count);

        var (open, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("big", stream: false));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, open.StatusCode);
        var message = (string?)ChatRequests.AssertOpenAIError(body)["message"];
        Assert.Contains("Model 'llama3.3:70b' of provider 'ollama' keeps failing (its other models are not affected)", message);
        Assert.Contains("requires more system memory", message);
        Assert.Equal(6, ollama.ChatRequests.Count); // not called while open

        // The 7B model of the same provider is not affected, streamed or not.
        foreach (var stream in new[] { false, true })
        {
            var (ok, _) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("local", stream: stream));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        Assert.Equal(8, ollama.ChatRequests.Count);
    }

    [Fact]
    public async Task TwoFailedRequestsDoNotOpenABreaker()
    {
        // What used to open the whole provider for 30 s (two failed requests, four calls with the retry) is not enough.
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));
        for (var i = 0; i < 4; i++)
        {
            ollama.Enqueue(StandInReply.FromError(500, "llama runner process has terminated"));
        }

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.BadGateway, (await ChatRequests.PostAsync(proxy.Client, ChatRequests.Simple("local", stream: false))).StatusCode);
        }
        Assert.Equal(4, ollama.ChatRequests.Count);

        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(proxy.Client, ChatRequests.Simple("local", stream: false))).StatusCode);
        Assert.DoesNotContain("requests in a row", proxy.Logs.All);
    }

    [Fact]
    public async Task AWrongUpstreamKeyOpensAllTheProvidersRoutesAndTheOpenBreakerStillSaysWhy()
    {
        await using var openai = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { ApiKey = "sk-the-right-upstream-key" });
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OpenAIConfig(openai.ApiBaseUri)
            .With("Proxy:Providers:openai:ApiKey", "sk-a-wrong-upstream-key")
            .With("Proxy:Models:other:Provider", "openai")
            .With("Proxy:Models:other:Model", "gpt-4.1"));

        // A refused key is not retried: three requests, three calls, and the provider is open for every model.
        for (var i = 0; i < 3; i++)
        {
            var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("remote", stream: false));
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("upstream_auth_failed", (string?)ChatRequests.AssertOpenAIError(body)["code"]);
        }
        Assert.Equal(3, openai.ChatRequests.Count);

        var (other, otherBody) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("other", stream: true));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, other.StatusCode);
        var message = (string?)ChatRequests.AssertOpenAIError(otherBody)["message"];
        Assert.Contains("Provider 'openai' failed as a whole, for all its models", message);
        Assert.Contains("rejected the proxy's credentials", message);
        Assert.Equal(3, openai.ChatRequests.Count);
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

        // Ollama is not running: each request is told so, and after two of them its provider is open.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ChatRequests.PostAsync(proxy.Proxy.Client, ChatRequests.Simple("fb", stream: false))).StatusCode);
        }
        var (response, body) = await ChatRequests.PostReadAsync(proxy.Proxy.Client, ChatRequests.Simple("fb", stream: false));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var message = (string?)ChatRequests.AssertOpenAIError(body)["message"];
        Assert.Contains("Provider 'ollama' failed as a whole", message);
        Assert.Contains("Ollama is not running", message); // why it opened, still said
        Assert.Contains("Proxy:Models:<alias>:Fallbacks", message);
    }
}
