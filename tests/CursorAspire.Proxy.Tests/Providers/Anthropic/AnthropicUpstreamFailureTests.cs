namespace CursorAspire.Proxy.Tests.Providers.Anthropic;

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
    [InlineData(500, HttpStatusCode.BadGateway, 2)]
    [InlineData(529, HttpStatusCode.ServiceUnavailable, 2)]
    [InlineData(400, HttpStatusCode.BadRequest, 1)]
    [InlineData(401, HttpStatusCode.BadGateway, 1)]
    public async Task ErrorStatusBeforeTheFirstByteMapsToAGatewayStatus(int upstreamStatus, HttpStatusCode expected, int calls)
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        // The first attempt and its retry (Proxy:Retry:MaxAttempts, 2 by default) both fail.
        anthropic.Enqueue(StandInReply.FromError(upstreamStatus, "upstream says no"), StandInReply.FromError(upstreamStatus, "upstream says no"));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(Model));

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("upstream says no", (string?)ChatRequests.AssertOpenAIError(body)["message"]);
        // The SDK never retries; the proxy retries a 5xx once (Proxy:Retry), never a refused request or refused credentials.
        Assert.Equal(calls, anthropic.CallCount);
    }
}
