
namespace CursorAspire.Proxy.Tests.Usage;

/// <summary>
/// An answer that never finished still cost money: a stream the client left or the upstream broke off, and a
/// non-streamed call the client gave up on, count what they cost so far. A key with a budget cannot spend without
/// limit by disconnecting just before the end.
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
    public async Task ANonStreamedCallTheClientGaveUpOnCountsItsPrompt()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(new StandInReply { DelayBeforeFirstByte = TimeSpan.FromSeconds(30), TextChunks = ["slow"] });

        using var leaving = new CancellationTokenSource();
        var call = ChatRequests.PostAsync(limited, ChatRequests.Simple("local", stream: false, text: LongPrompt()), cancellationToken: leaving.Token);
        await guarded.Ollama.NextChatRequestAsync();
        leaving.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        Assert.InRange(await TokensCountedTodayAsync(limited), 300, 1000);
        var next = await ChatRequests.PostAsync(limited, ChatRequests.Simple("local", stream: false, text: "and now?"));
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
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
