using System.Net;
using System.Net.Sockets;
using System.Text;
using CursorAspire.Proxy.Tests.Infrastructure;
using CursorAspire.TestUpstreams;

namespace CursorAspire.Proxy.Tests.Anthropic;

/// <summary>Anthropic upstream failures before and after the stream starts, and client disconnects.</summary>
public class AnthropicUpstreamFailureTests
{
    private const string Model = "anthropic-sonnet";
    private static readonly TimeSpan AbortSeen = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RateLimitPassesThroughAtOnceWithRetryAfter(bool stream)
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        anthropic.Enqueue(StandInReply.FromError(429, "Number of request tokens has exceeded your per-minute rate limit", TimeSpan.FromSeconds(7)));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(Model, stream));

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Equal("rate_limit_exceeded", (string?)error["code"]);
        Assert.Contains("Number of request tokens has exceeded your per-minute rate limit", (string?)error["message"]);
        Assert.Equal(1, anthropic.CallCount); // the SDK did not retry behind Cursor's back
    }

    [Theory]
    [InlineData(500, HttpStatusCode.BadGateway)]
    [InlineData(529, HttpStatusCode.ServiceUnavailable)]
    [InlineData(400, HttpStatusCode.BadRequest)]
    [InlineData(401, HttpStatusCode.BadGateway)]
    public async Task ErrorStatusBeforeTheFirstByteMapsToAGatewayStatus(int upstreamStatus, HttpStatusCode expected)
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        anthropic.Enqueue(StandInReply.FromError(upstreamStatus, "upstream says no"));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(Model));

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("upstream says no", (string?)ChatRequests.AssertOpenAIError(body)["message"]);
        Assert.Equal(1, anthropic.CallCount);
    }

    [Fact]
    public async Task UnreachableUpstreamIs502NamingTheProvider()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var deadPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(new Uri($"http://127.0.0.1:{deadPort}/")));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(Model));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Equal("upstream_unreachable", (string?)error["code"]);
        Assert.Contains("'anthropic'", (string?)error["message"]);
    }

    [Fact]
    public async Task FailureAfterTheStreamStartedBecomesAssistantTextThenStopAndDone()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        anthropic.Enqueue(new StandInReply { TextChunks = ["Partial ", "answer", " never finished"], FailAfterChunks = 2 });

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(Model));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = SseChunks.AssertContract(body, Model);
        Assert.Equal("stop", summary.FinishReason);
        Assert.StartsWith("Partial answer", summary.Content);
        Assert.Contains("[CursorAspire] The model stopped with an error", summary.Content);
        Assert.Contains(proxy.Logs.Lines, l => l.Contains("failed after it started"));
    }

    [Fact]
    public async Task ClientDisconnectMidStreamAbortsTheUpstreamCall()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        anthropic.Enqueue(new StandInReply { TextChunks = ["first chunk", "never sent"], HangAfterChunks = 1 });

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var response = await proxy.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(ChatRequests.Simple(Model), Encoding.UTF8, "application/json") },
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        var buffer = new byte[1024];
        Assert.True(await stream.ReadAsync(buffer, cts.Token) > 0); // the stream really started
        var upstreamCall = anthropic.ChatRequests.Single();
        Assert.False(upstreamCall.WasAborted);

        cts.Cancel();
        response.Dispose();

        await upstreamCall.Aborted.WaitAsync(AbortSeen);
    }

    [Fact]
    public async Task ClientDisconnectDuringANonStreamedCallAbortsTheUpstreamCall()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        anthropic.Enqueue(new StandInReply { TextChunks = ["never sent"], HangAfterChunks = 0 });

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var call = ChatRequests.PostAsync(proxy.Client, ChatRequests.Simple(Model, stream: false), cancellationToken: cts.Token);
        var upstreamCall = await anthropic.NextChatRequestAsync(cancellationToken: cts.Token);
        Assert.False(upstreamCall.WasAborted);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        await upstreamCall.Aborted.WaitAsync(AbortSeen);
    }
}
