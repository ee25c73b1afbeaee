using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Endpoints;
using Xunit.Abstractions;

namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// A model that thinks for 60 seconds before its first text, on each provider's stand-in: Cursor sees the stream open
/// (status, headers and the role chunk) within a second of its request, then the reasoning as it arrives, then the text.
/// The stand-in's clock and the proxy's are fake, so a minute of thinking takes no minute; the stream opening is also
/// measured once on the real clock.
/// </summary>
public sealed class SlowThinkerTests(ITestOutputHelper output)
{
    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    public static TheoryData<string> Kinds() => ["Ollama", "OpenAI", "Anthropic"];

    private static async Task<(StandInServer Upstream, ProxyHost Proxy)> StartAsync(string kind, TimeProvider upstreamClock, TimeProvider? proxyClock)
    {
        StandInServer upstream = kind switch
        {
            "Ollama" => await OllamaStandIn.StartAsync(new() { TimeProvider = upstreamClock }),
            "OpenAI" => await OpenAIStandIn.StartAsync(new() { TimeProvider = upstreamClock }),
            _ => await AnthropicStandIn.StartAsync(new() { TimeProvider = upstreamClock }),
        };
        var configuration = upstream switch
        {
            OllamaStandIn ollama => ProxyHost.OllamaConfig(ollama.BaseUri, "qwen3:8b"),
            OpenAIStandIn openai => ProxyHost.OpenAIConfig(openai.ApiBaseUri, "deepseek-reasoner"),
            _ => ProxyHost.AnthropicConfig(upstream.BaseUri),
        };
        var alias = configuration["Proxy:DefaultModel"]!;
        configuration[$"Proxy:Models:{alias}:Reasoning"] = "true";
        configuration[$"Proxy:Models:{alias}:ReasoningEffort"] = "medium";
        // The proxy's own default, which the test proxies otherwise lengthen.
        configuration["Proxy:StreamOpenAfter"] = StreamOpeningOptions.DefaultStreamOpenAfter.ToString();
        try
        {
            return (upstream, await ProxyHost.StartAsync(configuration, proxyClock is null ? null : b => b.Services.AddSingleton(proxyClock)));
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AModelSilentForAMinuteStillHasItsStreamOpenWithinASecond(string kind)
    {
        var upstreamClock = new FakeTimeProvider();
        var proxyClock = new FakeTimeProvider();
        var (upstream, proxy) = await StartAsync(kind, upstreamClock, proxyClock);
        await using var _ = upstream;
        await using var __ = proxy;
        // Thinks without showing it (as OpenAI's o-series do): not even headers for a minute.
        upstream.Enqueue(new StandInReply { DelayBeforeFirstByte = TimeSpan.FromSeconds(60), TextChunks = ["Here is ", "the plan."] });

        var sending = proxy.Client.SendAsync(Post(Model(proxy)), HttpCompletionOption.ResponseHeadersRead, Guard());
        await upstream.NextChatRequestAsync(cancellationToken: Guard());
        Assert.False(sending.IsCompleted); // the model has said nothing, and no time has passed

        proxyClock.Advance(TimeSpan.FromSeconds(1)); // a second after the request
        using var response = await sending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var events = new EventReader(await response.Content.ReadAsStreamAsync(Guard()));
        var role = await events.NextAsync();
        Assert.Equal("assistant", (string?)role["choices"]![0]!["delta"]!["role"]);
        Assert.Equal(string.Empty, (string?)role["choices"]![0]!["delta"]!["content"]);

        upstreamClock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal("Here is the plan.", await events.ContentUntilFinishAsync());
        Assert.True(await events.DoneAsync());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ASlowThinkersReasoningReachesCursorAsItIsWritten(string kind)
    {
        var upstreamClock = new FakeTimeProvider();
        var (upstream, proxy) = await StartAsync(kind, upstreamClock, new FakeTimeProvider());
        await using var _ = upstream;
        await using var __ = proxy;
        upstream.Enqueue(StandInReply.SlowThinker(TimeSpan.FromSeconds(60), "Here is ", "the plan."));

        // Its first thought comes at once, and with it the stream.
        using var response = await proxy.Client.SendAsync(Post(Model(proxy)), HttpCompletionOption.ResponseHeadersRead, Guard());
        using var events = new EventReader(await response.Content.ReadAsStreamAsync(Guard()));
        var shown = new StringBuilder();
        await events.ReadUntilAsync(shown, "Still thinking (1/60).");

        // Each later second of thinking reaches Cursor once the model wrote it (a read that waited for more would hang).
        for (var second = 2; second <= 60; second++)
        {
            upstreamClock.Advance(TimeSpan.FromSeconds(1));
            await events.ReadUntilAsync(shown, $"Still thinking ({second}/60).");
        }
        Assert.StartsWith("<think>Still thinking (1/60). Still thinking (2/60). ", shown.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Here is", shown.ToString(), StringComparison.Ordinal);

        upstreamClock.Advance(TimeSpan.FromSeconds(1));
        Assert.EndsWith("</think>\n\nHere is the plan.", await events.ContentUntilFinishAsync(), StringComparison.Ordinal);
        Assert.True(await events.DoneAsync());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task MeasuredOnTheRealClockTheStreamOfASilentModelOpensWithinASecond(string kind)
    {
        var (upstream, proxy) = await StartAsync(kind, new FakeTimeProvider(), proxyClock: null);
        await using var _ = upstream;
        await using var __ = proxy;
        // Once warm (a first request compiles the paths), as a running proxy is.
        (await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(Model(proxy)))).Response.EnsureSuccessStatusCode();
        upstream.Enqueue(new StandInReply { DelayBeforeFirstByte = TimeSpan.FromSeconds(60), TextChunks = ["never sent"] });

        var clock = Stopwatch.StartNew();
        using var response = await proxy.Client.SendAsync(Post(Model(proxy)), HttpCompletionOption.ResponseHeadersRead, Guard());
        var headers = clock.Elapsed;
        using var events = new EventReader(await response.Content.ReadAsStreamAsync(Guard()));
        var role = await events.NextAsync();
        var roleChunk = clock.Elapsed;

        // The model's clock never moved: it sent nothing, so the stream opened on the proxy's own clock.
        Assert.Equal("assistant", (string?)role["choices"]![0]!["delta"]!["role"]);
        output.WriteLine($"{kind}: headers after {headers.TotalMilliseconds:F0} ms, role chunk after {roleChunk.TotalMilliseconds:F0} ms (Proxy:StreamOpenAfter {StreamOpeningOptions.DefaultStreamOpenAfter.TotalMilliseconds:F0} ms).");
    }

    private static string Model(ProxyHost proxy) =>
        proxy.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.DefaultModel!;

    private static HttpRequestMessage Post(string model) => new(HttpMethod.Post, "v1/chat/completions")
    {
        Content = new StringContent(ChatRequests.Simple(model, stream: true, text: "Plan the refactor."), Encoding.UTF8, "application/json"),
    };

    /// <summary>Reads a server-sent event stream one <c>data:</c> event at a time, as Cursor does.</summary>
    private sealed class EventReader(Stream stream) : IDisposable
    {
        private readonly StreamReader _reader = new(stream);

        public async Task<JsonNode> NextAsync()
        {
            var data = await NextDataAsync();
            Assert.NotEqual("[DONE]", data);
            return JsonNode.Parse(data)!;
        }

        public async Task<bool> DoneAsync() => await NextDataAsync() == "[DONE]";

        /// <summary>Reads content deltas into <paramref name="shown"/> until it holds <paramref name="expected"/>.</summary>
        public async Task ReadUntilAsync(StringBuilder shown, string expected)
        {
            while (!shown.ToString().Contains(expected, StringComparison.Ordinal))
            {
                var choices = (await NextAsync())["choices"]!.AsArray();
                shown.Append((string?)choices[0]!["delta"]!["content"]);
            }
        }

        /// <summary>The content deltas up to the finish chunk, then the usage chunk read too.</summary>
        public async Task<string> ContentUntilFinishAsync()
        {
            var content = new StringBuilder();
            for (var chunk = await NextAsync(); ; chunk = await NextAsync())
            {
                var choice = chunk["choices"]!.AsArray()[0]!;
                if (choice["finish_reason"] is not null)
                {
                    Assert.Empty((await NextAsync())["choices"]!.AsArray()); // the usage chunk
                    return content.ToString();
                }
                content.Append((string?)choice["delta"]!["content"]);
            }
        }

        private async Task<string> NextDataAsync()
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync(Guard()) ?? throw new InvalidOperationException("The stream ended.");
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    return line["data: ".Length..];
                }
            }
        }

        public void Dispose() => _reader.Dispose();
    }
}
