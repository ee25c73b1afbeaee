namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// Rounds of concurrent requests on one key: each admitted request is held at its stand-in (its reply's first byte waits
/// on the stand-ins' fake clock) until every request of the round is either upstream or refused, so all the admitted
/// ones are in flight together; then the clock lets them answer. No sleeps: the round waits on the stand-ins' counts.
/// </summary>
/// <param name="upstreamClock">The stand-ins' clock.</param>
/// <param name="lanes">Where requests go, in turn: a client of a proxy and that proxy's stand-in.</param>
public sealed class BudgetRounds(FakeTimeProvider upstreamClock, IReadOnlyList<(HttpClient Client, StandInServer Upstream)> lanes)
{
    /// <summary>How long each reply holds its first byte on the stand-ins' clock.</summary>
    public static readonly TimeSpan Held = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A reply that waits for the clock, then says "ok" and reports 5 prompt and 5 completion tokens: less than a
    /// <see cref="SmallRequest"/> reserves (its estimated prompt plus its <c>max_tokens</c>), as a real provider's would be.
    /// </summary>
    public static StandInReply HeldReply => new() { TextChunks = ["ok"], Usage = new StandInUsage(5, 5), DelayBeforeFirstByte = Held };

    /// <summary>A small request: a short prompt with a nonce (no two are alike, so none is a cache hit) and <c>max_tokens</c>.</summary>
    public static string SmallRequest(int index, bool stream, int maxTokens = 40, string model = "local") =>
        new JsonObject
        {
            ["model"] = model,
            ["stream"] = stream,
            ["max_tokens"] = maxTokens,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Say ok. {Guid.NewGuid():N} {index:D4}" }),
        }.ToJsonString();

    /// <summary>Sends <paramref name="count"/> requests at once and lets them answer.</summary>
    /// <param name="count">Requests in the round, spread over the lanes.</param>
    /// <param name="headers">Headers for request <c>i</c> (e.g. the check's marker and proof).</param>
    /// <returns>How many were answered and how many refused for the budget.</returns>
    public async Task<(int Admitted, int Refused)> RunAsync(int count, Func<int, IEnumerable<KeyValuePair<string, string>>>? headers = null)
    {
        foreach (var (_, upstream) in lanes)
        {
            upstream.Enqueue([.. Enumerable.Repeat(HeldReply, count)]);
        }
        var before = lanes.Sum(l => l.Upstream.CallCount);
        var calls = Enumerable.Range(0, count).Select(i => SendAsync(lanes[i % lanes.Count].Client, SmallRequest(i, stream: i % 2 == 0), headers?.Invoke(i) ?? [])).ToList();

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (lanes.Sum(l => l.Upstream.CallCount) - before + calls.Count(c => c.IsCompleted) < count)
        {
            await Task.Delay(10, deadline.Token);
        }
        var upstreamNow = lanes.Sum(l => l.Upstream.CallCount) - before;
        // A reply starts waiting on the clock just after its request is logged: advance until every one has answered.
        var all = Task.WhenAll(calls);
        while (!all.IsCompleted)
        {
            upstreamClock.Advance(Held);
            await Task.WhenAny(all, Task.Delay(20, deadline.Token));
        }
        var answers = await all;

        var admitted = answers.Count(a => a.Status == HttpStatusCode.OK);
        var refused = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.All(refused, r => Assert.Equal("insufficient_quota", (string?)ChatRequests.AssertOpenAIError(r.Body)["code"]));
        Assert.Equal(count, admitted + refused.Count);
        Assert.Equal(upstreamNow, admitted); // every admitted request was upstream at once, before any answered
        return (admitted, refused.Count);
    }

    /// <summary>Rounds until one admits nothing (the budget is spent); returns the requests admitted in each.</summary>
    public async Task<List<int>> UntilSpentAsync(int perRound, Func<int, IEnumerable<KeyValuePair<string, string>>>? headers = null)
    {
        var rounds = new List<int>();
        for (var round = 0; round < 100; round++)
        {
            var (admitted, _) = await RunAsync(perRound, headers);
            if (admitted == 0)
            {
                return rounds;
            }
            rounds.Add(admitted);
        }
        throw new InvalidOperationException("The budget never ran out.");
    }

    /// <summary>Today's usage of the key <paramref name="client"/> sends: budget tokens and check tokens.</summary>
    public static async Task<(long Tokens, long CheckTokens, long Requests)> TodayAsync(HttpClient client)
    {
        var today = JsonNode.Parse(await client.GetStringAsync("v1/usage"))!["today"]!;
        return ((long)today["tokens"]!, (long)today["check_tokens"]!, (long)today["total"]!["requests"]!);
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, string body, IEnumerable<KeyValuePair<string, string>> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
