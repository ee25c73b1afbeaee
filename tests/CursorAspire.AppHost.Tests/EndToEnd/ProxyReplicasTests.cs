using System.Net.Http.Json;
using CursorAspire.TestUpstreams;

namespace CursorAspire.AppHost.Tests.EndToEnd;

/// <summary>Started once for the replica tests that leave both replicas running.</summary>
public sealed class ProxyReplicasFixture : IAsyncLifetime
{
    public ProxyReplicasApp App { get; private set; } = null!;

    /// <summary>Prompts starting with this are answered 2 s late, so identical requests overlap.</summary>
    public const string SlowPrompt = "slow:";

    public async Task InitializeAsync() => App = await ProxyReplicasApp.StartAsync(request => StandInReply.EchoOf(request) with
    {
        Usage = new StandInUsage(10, 5),
        DelayBeforeFirstByte = request.LastUserText()?.StartsWith(SlowPrompt, StringComparison.Ordinal) == true ? TimeSpan.FromSeconds(2) : TimeSpan.Zero,
    });

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

/// <summary>
/// Two proxy replicas behind the AppHost's one endpoint share what protects money and what a conversation needs: a key's
/// per-minute limit and its daily budget hold for the two together, a conversation goes on wherever its next turn lands,
/// and identical requests spread over both make one upstream call.
/// </summary>
[Collection(AspireRunsCollection.Name)]
public sealed class ProxyReplicasTests(ProxyReplicasFixture fixture) : IClassFixture<ProxyReplicasFixture>
{
    private ProxyReplicasApp App => fixture.App;

    /// <summary>A Chat Completions body whose prompt no other request sends (nothing is answered from the cache).</summary>
    internal static JsonObject Chat(string prompt, bool stream = false) => new()
    {
        ["model"] = ProxyReplicasApp.Alias,
        ["stream"] = stream,
        ["temperature"] = 0,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
    };

    internal static string Unique(string what) => $"{what} {Guid.NewGuid():N}";

    /// <summary>The text a streamed Chat Completions answer carries, its deltas joined.</summary>
    private static string SseText(string body) => string.Concat(body.Split('\n')
        .Where(l => l.StartsWith("data: {", StringComparison.Ordinal))
        .Select(l => (string?)JsonNode.Parse(l["data: ".Length..])!["choices"]?.AsArray().FirstOrDefault()?["delta"]?["content"]));

    [Fact]
    public async Task TheAppHostsOneEndpointServesThroughTheReplicas()
    {
        using var http = App.EndpointClient();

        using var response = await http.PostAsJsonAsync("/v1/chat/completions", Chat(Unique("through the endpoint")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, App.Replicas.Select(r => r.BaseUri).Distinct().Count());
    }

    [Fact]
    public async Task AKeysPerMinuteLimitHoldsForTheSumOfTheReplicas()
    {
        using var first = App.ReplicaClient(0, ProxyReplicasApp.LimitedKey);
        using var second = App.ReplicaClient(1, ProxyReplicasApp.LimitedKey);

        // The limit is counted per UTC minute; a run that straddles a minute boundary is run again, not judged.
        for (var attempt = 0; ; attempt++)
        {
            var minute = DateTime.UtcNow.Minute;
            var statuses = new List<(int Replica, HttpStatusCode Status, string Body)>();
            for (var i = 0; i < ProxyReplicasApp.LimitedPerMinute + 2; i++)
            {
                var replica = i % 2;
                using var response = await (replica == 0 ? first : second).PostAsJsonAsync("/v1/chat/completions", Chat(Unique("limit")));
                statuses.Add((replica, response.StatusCode, await response.Content.ReadAsStringAsync()));
            }

            if (DateTime.UtcNow.Minute != minute && attempt == 0)
            {
                continue;
            }

            var accepted = statuses.Count(s => s.Status == HttpStatusCode.OK);
            Assert.True(accepted == ProxyReplicasApp.LimitedPerMinute, $"accepted {accepted}: {string.Join(", ", statuses.Select(s => $"{s.Replica}:{(int)s.Status}"))}");
            var refused = statuses.Skip(ProxyReplicasApp.LimitedPerMinute).ToList();
            Assert.Equal([0, 1], refused.Select(s => s.Replica).Order()); // refused by both, each after the other's share
            Assert.All(refused, s =>
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, s.Status);
                Assert.Contains("rate_limit_exceeded", s.Body, StringComparison.Ordinal);
            });
            return;
        }
    }

    [Fact]
    public async Task AKeysDailyBudgetHoldsForTheSumOfTheReplicas()
    {
        using var first = App.ReplicaClient(0, ProxyReplicasApp.BudgetKey);
        using var second = App.ReplicaClient(1, ProxyReplicasApp.BudgetKey);
        var statuses = new List<(int Replica, HttpStatusCode Status, string Body)>();

        // Each answer costs 15 tokens (the stand-in's usage): one budget of 40 lets at most 3 through (the last may overrun
        // it), two budgets counted apart would let 6.
        for (var i = 0; i < 8; i++)
        {
            var replica = i % 2;
            using var response = await (replica == 0 ? first : second).PostAsJsonAsync("/v1/chat/completions", Chat(Unique("budget")));
            statuses.Add((replica, response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        var accepted = statuses.TakeWhile(s => s.Status == HttpStatusCode.OK).Count();
        var summary = string.Join(", ", statuses.Select(s => $"{s.Replica}:{(int)s.Status}"));
        Assert.True(accepted is > 0 and <= 3, $"the two replicas together spent past one budget: {summary}");
        Assert.All(statuses.Skip(accepted), s =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, s.Status);
            Assert.Contains("insufficient_quota", s.Body, StringComparison.Ordinal);
        });
        Assert.Equal([0, 1], statuses.Skip(accepted).Select(s => s.Replica).Distinct().Order());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IdenticalConcurrentMissesSpreadOverBothReplicasMakeOneUpstreamCall(bool stream)
    {
        var prompt = Unique(ProxyReplicasFixture.SlowPrompt + " identical");
        var clients = new[] { App.ReplicaClient(0), App.ReplicaClient(1) };
        try
        {
            // Six at once, three on each replica, while the first one's upstream call takes two seconds.
            var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
            {
                using var response = await clients[i % 2].PostAsJsonAsync("/v1/chat/completions", Chat(prompt, stream));
                return (response.StatusCode, Cache: response.Headers.GetValues("x-cache").Single(), Body: await response.Content.ReadAsStringAsync());
            }));

            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            Assert.Single(App.Upstream.ChatRequests, r => r.Body.Contains(prompt, StringComparison.Ordinal));
            Assert.Equal(["HIT", "HIT", "HIT", "HIT", "HIT", "MISS"], responses.Select(r => r.Cache).Order());
            Assert.All(responses, r => Assert.Contains($"Echo: {prompt}", stream ? SseText(r.Body) : r.Body, StringComparison.Ordinal));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task AResponsesConversationStartedOnOneReplicaContinuesOnTheOther()
    {
        using var first = App.ReplicaClient(0);
        using var second = App.ReplicaClient(1);
        var opening = Unique("Remember the word avocado");

        using var started = await first.PostAsJsonAsync("/v1/responses", new JsonObject
        {
            ["model"] = ProxyReplicasApp.Alias,
            ["input"] = opening,
            ["store"] = true,
        });
        var startedBody = await started.Content.ReadAsStringAsync();
        Assert.True(started.StatusCode == HttpStatusCode.OK, startedBody);
        var id = (string?)JsonNode.Parse(startedBody)!["id"];
        Assert.False(string.IsNullOrEmpty(id));
        var callsBefore = App.Upstream.CallCount;

        using var continued = await second.PostAsJsonAsync("/v1/responses", new JsonObject
        {
            ["model"] = ProxyReplicasApp.Alias,
            ["input"] = "Which word?",
            ["previous_response_id"] = id,
        });

        var continuedBody = await continued.Content.ReadAsStringAsync();
        Assert.True(continued.StatusCode == HttpStatusCode.OK, continuedBody);
        Assert.Equal(callsBefore + 1, App.Upstream.CallCount);
        var upstreamBody = App.Upstream.ChatRequests[^1].Body;
        Assert.Contains(opening, upstreamBody, StringComparison.Ordinal); // the first turn, kept by the other replica
        Assert.Contains($"Echo: {opening}", upstreamBody, StringComparison.Ordinal); // and its answer
        Assert.Contains("Which word?", upstreamBody, StringComparison.Ordinal);
    }
}
