using System.Net.Sockets;

namespace CursorAspire.Proxy.Tests.Providers;

/// <summary>Upstream failures before and after the stream starts, timeouts, and client disconnects.</summary>
public class UpstreamFailureTests
{
    private static readonly TimeSpan AbortSeen = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UpstreamRateLimitPassesThroughWithRetryAfter(bool stream)
    {
        await using var upstream = await OpenAIStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OpenAIConfig(upstream.ApiBaseUri));
        upstream.Enqueue(StandInReply.FromError(429, "Rate limit reached for requests", TimeSpan.FromSeconds(7)));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("remote", stream));

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Equal("rate_limit_exceeded", (string?)error["code"]);
        Assert.Contains("Rate limit reached for requests", (string?)error["message"]);
        Assert.Equal(1, upstream.CallCount); // no retry storm behind Cursor's back
    }

    [Theory]
    [InlineData(500, HttpStatusCode.BadGateway)]
    [InlineData(503, HttpStatusCode.ServiceUnavailable)]
    [InlineData(400, HttpStatusCode.BadRequest)]
    [InlineData(401, HttpStatusCode.BadGateway)]
    public async Task UpstreamErrorStatusBeforeTheFirstByteMapsToAGatewayStatus(int upstreamStatus, HttpStatusCode expected)
    {
        await using var upstream = await OpenAIStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OpenAIConfig(upstream.ApiBaseUri));
        // The first attempt and its retry (Proxy:Retry:MaxAttempts, 2 by default) both fail.
        upstream.Enqueue(StandInReply.FromError(upstreamStatus, "upstream says no"), StandInReply.FromError(upstreamStatus, "upstream says no"));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("remote"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("upstream says no", (string?)ChatRequests.AssertOpenAIError(body)["message"]);
    }

    [Fact]
    public async Task OllamaErrorBeforeTheFirstByteIsAGatewayError()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));
        // The first attempt and its retry both fail.
        ollama.Enqueue(StandInReply.FromError(500, "llama runner process has terminated"), StandInReply.FromError(500, "llama runner process has terminated"));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple());

        Assert.True((int)response.StatusCode is 502 or 500 or 503, $"status {(int)response.StatusCode}");
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("llama runner process has terminated", (string?)ChatRequests.AssertOpenAIError(body)["message"]);
    }

    [Theory]
    [InlineData("OpenAI", "remote")]
    [InlineData("Anthropic", "anthropic-sonnet")]
    public async Task UnreachableUpstreamIs502NamingTheProvider(string kind, string model)
    {
        var dead = new Uri($"http://127.0.0.1:{FreePort()}/");
        var config = kind == "OpenAI" ? ProxyHost.OpenAIConfig(new Uri(dead, "v1/")) : ProxyHost.AnthropicConfig(dead);
        await using var proxy = await ProxyHost.StartAsync(config);

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(model));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Equal("upstream_unreachable", (string?)error["code"]);
        Assert.Contains($"'{kind.ToLowerInvariant()}'", (string?)error["message"]);
        // Never the address the proxy reaches its upstream at.
        Assert.DoesNotContain(dead.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)error["message"]);
        Assert.DoesNotContain("127.0.0.1", (string?)error["message"]);
    }

    [Theory]
    [InlineData("Ollama", "local")]
    [InlineData("OpenAI", "remote")]
    [InlineData("Anthropic", "anthropic-sonnet")]
    public async Task AnUpstreamsErrorTextKeepsItsWordsButNotOurAddressesNorKeyFragments(string kind, string model)
    {
        StandInServer upstream = kind switch
        {
            "Ollama" => await OllamaStandIn.StartAsync(),
            "OpenAI" => await OpenAIStandIn.StartAsync(),
            _ => await AnthropicStandIn.StartAsync(),
        };
        await using var _ = upstream;
        var config = upstream switch
        {
            OpenAIStandIn openai => ProxyHost.OpenAIConfig(openai.ApiBaseUri),
            OllamaStandIn => ProxyHost.OllamaConfig(upstream.BaseUri),
            _ => ProxyHost.AnthropicConfig(upstream.BaseUri),
        };
        await using var proxy = await ProxyHost.StartAsync(config.With("Proxy:Retry:MaxAttempts", "1"));
        const string Leaky = "Incorrect API key provided: sk-proj-****************************abcd. " +
            "The gateway at http://10.1.2.3:8080/v1/chat and ollama.internal:11434 said so; Authorization: Bearer sk-ant-api03-SECRETSECRET; peer fd00::1:2.";
        upstream.Enqueue(StandInReply.FromError(400, Leaky));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(model, stream: false));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (string?)ChatRequests.AssertOpenAIError(body)["message"];
        Assert.Contains("Incorrect API key provided", message);
        Assert.Contains("said so", message);
        foreach (var leak in new[] { "sk-proj", "****", "abcd", "10.1.2.3", "8080", "ollama.internal", "11434", "SECRETSECRET", "sk-ant", "fd00::1:2", "http://" })
        {
            Assert.DoesNotContain(leak, message);
        }
    }

    [Theory]
    [InlineData("model 'qwen2.5:0.5b' not found", "model 'qwen2.5:0.5b' not found")]
    [InlineData("connect ECONNREFUSED 127.0.0.1:11434", "connect ECONNREFUSED [address]")]
    [InlineData("Connection refused (localhost:8080)", "Connection refused ([address])")]
    [InlineData("at 12:30:45 the model was overloaded", "at 12:30:45 the model was overloaded")]
    [InlineData("std::string is not a tool name", "std::string is not a tool name")]
    [InlineData("key sk-abc123def456 is revoked", "key [key] is revoked")]
    public void UpstreamTextCleansAddressesAndKeysAndNothingElse(string raw, string expected) =>
        Assert.Equal(expected, CursorAspire.Proxy.Providers.UpstreamText.Clean(raw));

    [Fact]
    public async Task SilentUpstreamIs504AfterTheFirstByteTimeout()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri)
            .With("Proxy:UpstreamFirstByteTimeout", "00:00:01")
            .With("Proxy:StreamOpenAfter", "00:00:30")); // the stream does not open before the deadline passes
        ollama.Enqueue(new StandInReply { DelayBeforeFirstByte = TimeSpan.FromSeconds(20), TextChunks = ["late"] });

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple());

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", (string?)ChatRequests.AssertOpenAIError(body)["code"]);
        var upstreamCall = ollama.ChatRequests.Single();
        await upstreamCall.Aborted.WaitAsync(AbortSeen); // and the upstream call was abandoned, not left running
    }

    [Fact]
    public async Task ASilentUpstreamAfterTheStreamOpenedEndsItWithTheTimeoutAsText()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(ollama: true, settings: new Dictionary<string, string?>
        {
            ["Proxy:UpstreamFirstByteTimeout"] = "00:00:01",
            ["Proxy:StreamOpenAfter"] = "00:00:00",
        });
        var ollama = (OllamaStandIn)proxy.Upstream;
        ollama.Enqueue(new StandInReply { DelayBeforeFirstByte = TimeSpan.FromSeconds(20), TextChunks = ["late"] });

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple());

        // The stream opened (status, headers, role chunk) before the model said anything; the user reads what went wrong.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = SseChunks.AssertContract(body, "local");
        Assert.Contains("sent nothing for model 'qwen2.5-coder:7b' within 00:00:01", summary.Content, StringComparison.Ordinal);
        Assert.Equal("stop", summary.FinishReason);
        await ollama.ChatRequests.Single().Aborted.WaitAsync(AbortSeen);
    }

    [Theory]
    [InlineData("Ollama")]
    [InlineData("OpenAI")]
    [InlineData("Anthropic")]
    public async Task FailureAfterTheStreamStartedBecomesAssistantTextThenStopAndDone(string kind)
    {
        var (upstream, config, model) = await StartUpstreamAsync(kind);
        await using var _ = upstream;
        await using var proxy = await ProxyHost.StartAsync(config);
        upstream.Enqueue(new StandInReply { TextChunks = ["Partial ", "answer", " never finished"], FailAfterChunks = 2 });

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(model));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = SseChunks.AssertContract(body, model);
        Assert.Equal("stop", summary.FinishReason);
        Assert.StartsWith("Partial answer", summary.Content);
        Assert.Contains("[CursorAspire] The model stopped with an error", summary.Content);
        Assert.Contains(proxy.Logs.Lines, l => l.Contains("failed after it started"));
    }

    [Theory]
    [InlineData("Ollama")]
    [InlineData("OpenAI")]
    [InlineData("Anthropic")]
    public async Task ClientDisconnectMidStreamAbortsTheUpstreamCall(string kind)
    {
        var (upstream, config, model) = await StartUpstreamAsync(kind);
        await using var _ = upstream;
        await using var proxy = await ProxyHost.StartAsync(config);
        upstream.Enqueue(new StandInReply { TextChunks = ["first chunk", "never sent"], HangAfterChunks = 1 });

        using var cts = new CancellationTokenSource();
        var response = await proxy.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(ChatRequests.Simple(model), System.Text.Encoding.UTF8, "application/json") },
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        var buffer = new byte[1024];
        Assert.True(await stream.ReadAsync(buffer, cts.Token) > 0); // the stream really started
        var upstreamCall = upstream.ChatRequests.Single();
        Assert.False(upstreamCall.WasAborted);

        cts.Cancel();
        response.Dispose();

        await upstreamCall.Aborted.WaitAsync(AbortSeen);
    }

    [Theory]
    [InlineData("Ollama")]
    [InlineData("OpenAI")]
    [InlineData("Anthropic")]
    public async Task ClientDisconnectDuringANonStreamedCallAbortsTheUpstreamCall(string kind)
    {
        var (upstream, config, model) = await StartUpstreamAsync(kind);
        await using var _ = upstream;
        await using var proxy = await ProxyHost.StartAsync(config);
        upstream.Enqueue(new StandInReply { DelayBeforeFirstByte = TimeSpan.FromSeconds(30), TextChunks = ["slow"] });

        using var cts = new CancellationTokenSource();
        var call = ChatRequests.PostAsync(proxy.Client, ChatRequests.Simple(model, stream: false), cancellationToken: cts.Token);
        var upstreamCall = await upstream.NextChatRequestAsync();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        await upstreamCall.Aborted.WaitAsync(AbortSeen);
    }

    /// <summary>A stand-in of the given provider kind, the proxy configuration routing to it, and the alias to ask for.</summary>
    private static async Task<(StandInServer Upstream, Dictionary<string, string?> Config, string Model)> StartUpstreamAsync(string kind)
    {
        switch (kind)
        {
            case "Ollama":
                var ollama = await OllamaStandIn.StartAsync();
                return (ollama, ProxyHost.OllamaConfig(ollama.BaseUri), "local");
            case "OpenAI":
                var openai = await OpenAIStandIn.StartAsync();
                return (openai, ProxyHost.OpenAIConfig(openai.ApiBaseUri), "remote");
            default:
                var anthropic = await AnthropicStandIn.StartAsync();
                return (anthropic, ProxyHost.AnthropicConfig(anthropic.BaseUri), "anthropic-sonnet");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
