
namespace CursorAspire.Proxy.Tests.Usage;

/// <summary>
/// An answer that never finished still cost money, and every request settles its reservation however it ends: a stream
/// the client left or the upstream broke off counts its prompt and the output so far; a request cut before its first
/// byte (the client leaving, the proxy's deadline) its prompt; a non-streamed call cut that way its whole reservation,
/// since the provider may have finished an answer nobody received; a request the upstream refused, nothing. A key with
/// a budget cannot spend without limit by disconnecting just before the end.
/// </summary>
public sealed class UnfinishedAnswerUsageTests
{
    // About 450 prompt tokens by the proxy's estimate: one such request is over the limited key's 300 a day.
    private static string LongPrompt() => $"{Guid.NewGuid()} " + string.Concat(Enumerable.Repeat("Explain this function in detail. ", 55));

    [Fact]
    public async Task AStreamTheClientLeftCountsAgainstTheBudget()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(new StandInReply { TextChunks = ["first", " never sent"], HangAfterChunks = 1 });

        using (var leaving = new CancellationTokenSource())
        {
            var response = await limited.SendAsync(
                new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(ChatRequests.Simple("local", stream: true, text: LongPrompt())) },
                HttpCompletionOption.ResponseHeadersRead, leaving.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var stream = await response.Content.ReadAsStreamAsync(leaving.Token);
            Assert.True(await stream.ReadAsync(new byte[256], leaving.Token) > 0); // the answer started
            leaving.Cancel();
            response.Dispose();
        }

        var counted = await TokensCountedTodayAsync(limited);
        Assert.InRange(counted, 300, 1000);
        var next = await ChatRequests.PostAsync(limited, ChatRequests.Simple("local", stream: false, text: "and now?"));
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
    }

    [Fact]
    public async Task ANonStreamedCallTheClientGaveUpOnCountsItsWholeReservation()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(new StandInReply { DelayBeforeFirstByte = TimeSpan.FromSeconds(30), TextChunks = ["slow"] });

        using var leaving = new CancellationTokenSource();
        var call = ChatRequests.PostAsync(limited, WithMaxTokens(LongPrompt(), stream: false, 200), cancellationToken: leaving.Token);
        await guarded.Ollama.NextChatRequestAsync();
        leaving.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        // About 450 prompt tokens by the estimate, plus the 200 it may have written.
        Assert.InRange(await TokensCountedTodayAsync(limited), 600, 750);
        var next = await ChatRequests.PostAsync(limited, ChatRequests.Simple("local", stream: false, text: "and now?"));
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
    }

    [Theory]
    [InlineData(false, 600, 750)] // non-streamed: prompt (~450) plus the 200 it may have written; before, nothing
    [InlineData(true, 300, 599)] // streamed: nothing written yet, the prompt
    public async Task ACallCutByTheFirstByteDeadlineIsSettled(bool stream, long least, long most)
    {
        await using var guarded = await GuardedProxy.StartAsync(new Dictionary<string, string?> { ["Proxy:UpstreamFirstByteTimeout"] = "00:00:00.300" });
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(new StandInReply { DelayBeforeFirstByte = TimeSpan.FromSeconds(30), TextChunks = ["slow"] });

        var (response, _) = await ChatRequests.PostReadAsync(limited, WithMaxTokens(LongPrompt(), stream, 200));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        // Settled before the 504 went out: no waiting needed.
        var usage = JsonNode.Parse(await limited.GetStringAsync("v1/usage"))!;
        Assert.InRange((long)usage["today"]!["tokens"]!, least, most);
    }

    [Fact]
    public async Task ARequestTheUpstreamRefusedCountsNothingAndFreesItsReservation()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var budget = guarded.Proxy.CreateClient(GuardedProxy.BudgetKey);
        guarded.Ollama.Enqueue(StandInReply.FromError(400, "invalid request"));

        // No max_tokens: it reserves 4,096+ tokens, more than the budget, and is refused upstream.
        var (refused, _) = await ChatRequests.PostReadAsync(budget, ChatRequests.Simple("local", stream: false, text: $"bad {Guid.NewGuid()}"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var usage = JsonNode.Parse(await budget.GetStringAsync("v1/usage"))!;
        Assert.Equal(0, (long)usage["today"]!["tokens"]!);
        // Its reservation is gone: the next request has the whole budget.
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(budget, ChatRequests.Simple("local", stream: false, text: $"good {Guid.NewGuid()}"))).StatusCode);
    }

    [Fact]
    public async Task AStreamTheUpstreamBrokeOffCountsWhatItCostSoFar()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(new StandInReply { TextChunks = ["first", " never sent"], FailAfterChunks = 1 });

        var (response, body) = await ChatRequests.PostReadAsync(limited, ChatRequests.Simple("local", stream: true, text: LongPrompt()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("[CursorAspire]", body); // the break reached the client in the stream

        // Counted before the response ended: no waiting needed.
        var usage = JsonNode.Parse(await limited.GetStringAsync("v1/usage"))!;
        Assert.InRange((long)usage["today"]!["tokens"]!, 300, 1000);
        var next = await ChatRequests.PostAsync(limited, ChatRequests.Simple("local", stream: false, text: "and now?"));
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private static string WithMaxTokens(string text, bool stream, int maxTokens)
    {
        var body = JsonNode.Parse(ChatRequests.Simple("local", stream, text))!.AsObject();
        body["max_tokens"] = maxTokens;
        return body.ToJsonString();
    }

    /// <summary>
    /// Today's counted tokens, once the abandoned request was counted: the proxy counts it when it notices the client
    /// left, which is after the client's own cancellation returned, so this polls the real number.
    /// </summary>
    private static async Task<long> TokensCountedTodayAsync(HttpClient client)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var usage = JsonNode.Parse(await client.GetStringAsync("v1/usage", deadline.Token))!;
            var tokens = (long)usage["today"]!["tokens"]!;
            if (tokens > 0)
            {
                return tokens;
            }
            await Task.Delay(20, deadline.Token);
        }
    }
}
