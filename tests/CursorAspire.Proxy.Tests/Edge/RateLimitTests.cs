namespace CursorAspire.Proxy.Tests.Edge;

/// <summary>Per-key limits on the public URL: a leaked key cannot drain an upstream account at full speed.</summary>
public class RateLimitTests
{
    private static Dictionary<string, string?> Config(Uri ollama, int perMinute, int concurrent)
    {
        var config = ProxyHost.OllamaConfig(ollama);
        config["Proxy:ApiKeys:1"] = ProxyHost.OtherApiKey;
        config["Proxy:RateLimit:RequestsPerMinute"] = perMinute.ToString(CultureInfo.InvariantCulture);
        config["Proxy:RateLimit:ConcurrentRequests"] = concurrent.ToString(CultureInfo.InvariantCulture);
        config["Proxy:Cache:Enabled"] = "false";
        return config;
    }

    [Fact]
    public async Task OverTheRequestsPerMinuteIsA429WithRetryAfterAndTheUpstreamIsNotCalled()
    {
        // Counted per UTC minute: 40 seconds of this one are left.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 4, 2, 9, 30, 20, TimeSpan.Zero));
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(Config(ollama.BaseUri, perMinute: 2, concurrent: 0),
            builder => builder.Services.AddSingleton<TimeProvider>(clock));

        var first = await ChatRequests.PostAsync(proxy.Client, ChatRequests.Simple(stream: false));
        var second = await ChatRequests.PostAsync(proxy.Client, ChatRequests.Simple(stream: false));
        var (third, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(stream: false));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((HttpStatusCode)429, third.StatusCode);
        Assert.Equal("40", third.Headers.GetValues("Retry-After").Single());
        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Equal("rate_limit_exceeded", (string?)error["code"]);
        Assert.Contains("Proxy:RateLimit", (string?)error["message"]);
        Assert.Equal(2, ollama.CallCount);

        // Limits are per key: another key still gets through, and health is never limited.
        using var other = proxy.CreateClient(ProxyHost.OtherApiKey);
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(other, ChatRequests.Simple(stream: false))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await proxy.Client.GetAsync("health")).StatusCode);

        // The next minute starts from zero.
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(proxy.Client, ChatRequests.Simple(stream: false))).StatusCode);
    }

    [Fact]
    public async Task OverTheConcurrentRequestsIsA429WhileTheFirstStreamIsOpen()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        var abandonedRequestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var proxy = await ProxyHost.StartAsync(Config(ollama.BaseUri, perMinute: 0, concurrent: 1),
            builder => builder.Services.AddSingleton<IStartupFilter>(new SignalAbandonedRequestEnd(abandonedRequestEnded)));
        ollama.Enqueue(new StandInReply { TextChunks = ["first", "never"], HangAfterChunks = 1 });

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var open = await proxy.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(ChatRequests.Simple(), Encoding.UTF8, "application/json") },
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);

        var (second, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(stream: false));
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        ChatRequests.AssertOpenAIError(body);

        open.Dispose(); // the first stream ends: its permit comes back
        await ollama.ChatRequests[0].Aborted.WaitAsync(TimeSpan.FromSeconds(5));
        await abandonedRequestEnded.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var third = await ChatRequests.PostAsync(proxy.Client, ChatRequests.Simple(stream: false));
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task ByDefaultLimitsAreOnAndGenerous()
    {
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(new Uri("http://127.0.0.1:9/")));
        var options = proxy.Services.GetRequiredService<IOptions<CursorAspire.Proxy.Edge.EdgeOptions>>().Value.RateLimit;
        Assert.Equal(600, options.RequestsPerMinute);
        Assert.Equal(32, options.ConcurrentRequests);
    }

    /// <summary>
    /// The outermost middleware: signals when a request its client abandoned has left the proxy's pipeline, so after
    /// the rate limiter has released its permit.
    /// </summary>
    private sealed class SignalAbandonedRequestEnd(TaskCompletionSource ended) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                try
                {
                    await inner(context);
                }
                finally
                {
                    if (context.RequestAborted.IsCancellationRequested)
                    {
                        ended.TrySetResult();
                    }
                }
            });
            next(app);
        };
    }
}
