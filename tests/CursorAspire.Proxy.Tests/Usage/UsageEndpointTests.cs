namespace CursorAspire.Proxy.Tests.Usage;

/// <summary>
/// <c>GET /v1/usage</c>: a key's tokens, estimated cost and savings today and this month, per alias, counted in Redis;
/// another key's usage is never shown. The same numbers reach the dashboard as metrics per model and key name.
/// </summary>
[Collection(GarnetCollection.Name)]
public sealed class UsageEndpointTests(GarnetServerFixture garnet)
{
    // Fresh keys per test: the Garnet server is shared by the collection, and counters are per key.
    private readonly string _mine = $"sk-usage-mine-{Guid.NewGuid():N}";
    private readonly string _theirs = $"sk-usage-theirs-{Guid.NewGuid():N}";

    private Dictionary<string, string?> Priced(GarnetServerFixture garnet) => new()
    {
        ["ConnectionStrings:cache"] = garnet.ConnectionString,
        ["Proxy:Keys:mine:Key"] = _mine,
        ["Proxy:Keys:theirs:Key"] = _theirs,
        ["Proxy:Models:remote:Pricing:InputPerMillion"] = "2",
        ["Proxy:Models:remote:Pricing:CachedInputPerMillion"] = "0.5",
        ["Proxy:Models:remote:Pricing:OutputPerMillion"] = "8",
        ["Proxy:Cache:CacheUnspecifiedTemperature"] = "true",
    };

    [Fact]
    public async Task AKeySeesItsOwnUsageCostAndSavingsAndNothingOfAnotherKeys()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString, settings: Priced(garnet));
        var factory = proxy.Services.GetRequiredService<IMeterFactory>();
        var costs = new ConcurrentBag<(double Value, string? Key, string? Model)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "cursoraspire.cost")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? key = null, model = null;
            foreach (var tag in tags)
            {
                key = tag.Key == "cursoraspire.key.name" ? tag.Value as string : key;
                model = tag.Key == "gen_ai.request.model" ? tag.Value as string : model;
            }
            costs.Add((value, key, model));
        });
        meters.Start();
        var unique = Guid.NewGuid().ToString("N");
        proxy.Upstream.Enqueue(
            StandInReply.FromText("a") with { Usage = new StandInUsage(1000, 100) },
            StandInReply.FromText("b") with { Usage = new StandInUsage(3000, 200) });

        using var client = proxy.CreateClient(_mine);
        await ChatRequests.PostReadAsync(client, ChatRequests.Simple("remote", stream: true, text: $"one {unique}"));
        await ChatRequests.PostReadAsync(client, ChatRequests.Simple("remote", stream: false, text: $"two {unique}"));
        // The same request again: the proxy's response cache answers it, and that is a saving, not a cost.
        var replay = await ChatRequests.PostAsync(client, ChatRequests.Simple("remote", stream: false, text: $"two {unique}"));
        Assert.Equal("HIT", replay.Headers.GetValues("x-cache").Single());

        using var other = proxy.CreateClient(_theirs);
        var mine = JsonNode.Parse(await client.GetStringAsync("v1/usage"))!;
        var theirs = JsonNode.Parse(await other.GetStringAsync("v1/usage"))!;

        Assert.Equal("usage", (string?)mine["object"]);
        Assert.Equal("mine", (string?)mine["key"]);
        var today = mine["today"]!["models"]!["remote"]!;
        Assert.Equal(2, (long)today["requests"]!);
        Assert.Equal(1, (long)today["cache_hits"]!);
        Assert.Equal(4000, (long)today["input_tokens"]!);
        Assert.Equal(300, (long)today["output_tokens"]!);
        // 4,000 in × 2 + 300 out × 8, per million; the hit saved 3,000 × 2 + 200 × 8 per million.
        Assert.Equal(0.0104m, (decimal)today["cost"]!);
        Assert.Equal(0.0076m, (decimal)today["saved"]!);
        Assert.Equal(4300, (long)mine["today"]!["tokens"]!);
        Assert.Equal((long)today["requests"]!, (long)mine["month"]!["models"]!["remote"]!["requests"]!);

        Assert.Equal("theirs", (string?)theirs["key"]);
        Assert.Null(theirs["today"]!["models"]!["remote"]);
        Assert.Equal(0, (long)theirs["today"]!["tokens"]!);

        Assert.Equal(0.0104, costs.Where(c => c.Key == "mine" && c.Model == "remote").Sum(c => c.Value), 6);
    }

    [Fact]
    public async Task UsageNeedsAKey()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        using var anonymous = proxy.CreateClient(apiKey: null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("v1/usage")).StatusCode);
    }
}
