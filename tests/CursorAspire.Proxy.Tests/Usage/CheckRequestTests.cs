using CursorAspire.Contracts;

namespace CursorAspire.Proxy.Tests.Usage;

/// <summary>
/// "Check as Cursor" marks its requests (<c>x-cursoraspire-check: 1</c>) and proves them with an HMAC of the time, a
/// nonce and the key, made with the check secret the AppHost shares with the proxy. Only a proven check counts apart
/// from the key's budget, within an allowance reserved atomically that never exceeds the budget itself; a marker without
/// a valid proof, or a proof used twice, counts like any request; a spent budget refuses a check as it refuses Cursor.
/// </summary>
[Collection(GarnetCollection.Name)]
public sealed class CheckRequestTests(GarnetServerFixture garnet)
{
    // One answer spends 250 prompt + 100 completion tokens: over the limited key's 300 a day.
    private static StandInReply Expensive() => StandInReply.FromText("ok") with { Usage = new StandInUsage(250, 100) };

    private static string Proof(string key, string secret = GuardedProxy.CheckSecret, DateTimeOffset? at = null) =>
        CheckProof.Create(secret, key, at ?? DateTimeOffset.UtcNow);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AProvenCheckRequestDoesNotSpendTheKeysBudget(bool stream)
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(Expensive(), Expensive());

        var check = await PostAsync(limited, stream, Proof(GuardedProxy.LimitedKey));
        // Ordinary requests unstreamed: a stream's usage is counted just after its end, which a next request could overtake.
        var first = await PostAsync(limited, stream: false, proof: null, marked: false);
        var second = await PostAsync(limited, stream: false, proof: null, marked: false);

        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode); // had the check counted, its 350 tokens would have spent the 300
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        var (tokens, checkTokens, _) = await BudgetRounds.TodayAsync(limited);
        Assert.Equal((350, 350), (tokens, checkTokens));
    }

    [Fact]
    public async Task AMarkerWithoutAValidProofCountsLikeAnyRequest()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        var invalid = new (string Label, string? Proof)[]
        {
            ("none", null),
            ("another secret", Proof(GuardedProxy.LimitedKey, secret: "not-the-check-secret-0123456789abcdef")),
            ("another key's", Proof(GuardedProxy.BudgetKey)),
            ("ten minutes old", Proof(GuardedProxy.LimitedKey, at: DateTimeOffset.UtcNow.AddMinutes(-10))),
            ("garbled", "v1:123:abc:def"),
        };

        foreach (var (label, proof) in invalid)
        {
            await using var fresh = await GuardedProxy.StartAsync();
            using var client = fresh.Limited();
            fresh.Ollama.Enqueue(Expensive());
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, stream: false, proof)).StatusCode);
            var next = await PostAsync(client, stream: false, proof: null, marked: false);
            Assert.True(next.StatusCode == HttpStatusCode.TooManyRequests, $"a marker with {label} proof was counted apart");
        }
    }

    [Fact]
    public async Task AProofUsedTwiceCountsTheSecondTime()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(Expensive(), Expensive());
        var proof = Proof(GuardedProxy.LimitedKey);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(limited, stream: false, proof)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(limited, stream: false, proof)).StatusCode); // replayed: an ordinary request

        var (tokens, checkTokens, _) = await BudgetRounds.TodayAsync(limited);
        Assert.Equal((350, 350), (tokens, checkTokens));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(limited, stream: false, proof: null, marked: false)).StatusCode);
    }

    [Fact]
    public async Task ASpentBudgetStillRefusesAProvenCheckRequest()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(Expensive());

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(limited, stream: false, proof: null, marked: false)).StatusCode);
        var check = await PostAsync(limited, stream: false, Proof(GuardedProxy.LimitedKey));

        Assert.Equal(HttpStatusCode.TooManyRequests, check.StatusCode);
    }

    [Fact]
    public async Task WithoutACheckSecretEvenAWellFormedProofCountsLikeAnyRequest()
    {
        await using var guarded = await GuardedProxy.StartAsync(new Dictionary<string, string?> { ["Proxy:CheckSecret"] = null });
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(Expensive());

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(limited, stream: false, Proof(GuardedProxy.LimitedKey))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(limited, stream: false, proof: null, marked: false)).StatusCode);
    }

    [Fact]
    public async Task TwentyMarkedRequestsWithoutAProofOnTheMarkerKeyAreCountedAndRefusedPast400()
    {
        await using var marked = await MarkerRoundsAsync(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero));
        IEnumerable<KeyValuePair<string, string>> Marked(int _) => [new(CheckRequestHeader.Name, CheckRequestHeader.Value)];

        var admitted = await marked.Rounds.UntilSpentAsync(perRound: 20, Marked);
        var marker = marked.Client;

        Assert.InRange(admitted[0], 1, 19); // before, all 20 went through outside the budget
        var (tokens, checkTokens, requests) = await BudgetRounds.TodayAsync(marker);
        Assert.Equal(0, checkTokens);
        Assert.InRange(tokens, 400, 400 + tokens / requests - 1);
    }

    [Fact]
    public async Task ConcurrentProvenChecksStayWithinTheAllowanceWhichNeverExceedsTheBudget()
    {
        await using var proven = await MarkerRoundsAsync(new DateTimeOffset(2026, 7, 2, 12, 0, 0, TimeSpan.Zero));
        var marker = proven.Client;
        // Each with a fresh proof, signed on the proxy's clock.
        IEnumerable<KeyValuePair<string, string>> Proven(int _) =>
            [new(CheckRequestHeader.Name, CheckRequestHeader.Value), new(CheckProof.HeaderName, CheckProof.Create(GuardedProxy.CheckSecret, GuardedProxy.MarkerKey, proven.Clock.GetUtcNow()))];

        await proven.Rounds.UntilSpentAsync(perRound: 20, Proven);

        // The marker key's allowance is its budget (400 < 250,000): checks past it count against the budget, which then refuses.
        var (tokens, checkTokens, requests) = await BudgetRounds.TodayAsync(marker);
        var perRequest = (tokens + checkTokens) / requests;
        Assert.InRange(checkTokens, 400 - 60, 400);
        Assert.InRange(tokens, 400, 400 + perRequest - 1);
    }

    /// <summary>The proxy, a client with the marker key, and rounds of concurrent requests on it, on a day of its own.</summary>
    private async Task<MarkerRounds> MarkerRoundsAsync(DateTimeOffset day)
    {
        var clock = new FakeTimeProvider(day);
        var upstreamClock = new FakeTimeProvider();
        var guarded = await GuardedProxy.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = garnet.ConnectionString,
            ["Proxy:Cache:Enabled"] = "false",
            ["Proxy:RateLimit:RequestsPerMinute"] = "0",
        }, builder => builder.Services.AddSingleton<TimeProvider>(clock), upstreamTime: upstreamClock);
        var client = guarded.Proxy.CreateClient(GuardedProxy.MarkerKey);
        return new MarkerRounds(guarded, client, clock, new BudgetRounds(upstreamClock, [(client, guarded.Ollama)]));
    }

    private sealed record MarkerRounds(GuardedProxy Proxy, HttpClient Client, FakeTimeProvider Clock, BudgetRounds Rounds) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Proxy.DisposeAsync();
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, bool stream, string? proof, bool marked = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            // A check's requests are small; their reservation (prompt + max_tokens) fits the limited key's 300.
            Content = new StringContent(BudgetRounds.SmallRequest(0, stream, maxTokens: 20), System.Text.Encoding.UTF8, "application/json"),
        };
        if (marked)
        {
            request.Headers.Add(CheckRequestHeader.Name, CheckRequestHeader.Value);
        }
        if (proof is not null)
        {
            request.Headers.Add(CheckProof.HeaderName, proof);
        }
        var response = await client.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        return response;
    }
}
