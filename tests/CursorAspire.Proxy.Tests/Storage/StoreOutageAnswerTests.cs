namespace CursorAspire.Proxy.Tests.Storage;

/// <summary>
/// With Redis down, what needs stored state answers clearly: 503 in OpenAI's shape for a stored response or a
/// continuation that cannot be read, and a <c>store: true</c> request is answered and says it was not stored.
/// </summary>
public sealed class StoreOutageAnswerTests
{
    private static async Task<ProxyHost> StartAsync(GarnetServerFixture garnet) =>
        await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString, settings: new Dictionary<string, string?> { ["Proxy:Cache:Enabled"] = "false" });

    [Fact]
    public async Task StoredResponsesAndContinuationsAre503WhileRedisIsDown()
    {
        using var garnet = GarnetServerFixture.StartNew();
        await using var proxy = await StartAsync(garnet);
        var created = await ChatRequests.PostAsync(proxy.Client, """{"model":"remote","input":"remember this"}""", "v1/responses");
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
        garnet.Stop();

        var read = await proxy.Client.GetAsync($"v1/responses/{id}");
        var (continued, body) = await ChatRequests.PostReadAsync(proxy.Client, $$"""{"model":"remote","input":"go on","previous_response_id":"{{id}}"}""", "v1/responses");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        var readError = ChatRequests.AssertOpenAIError(await read.Content.ReadAsStringAsync());
        Assert.Equal("conversation_store_unavailable", (string?)readError["code"]);
        Assert.Equal("response_id", (string?)readError["param"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, continued.StatusCode);
        Assert.Equal("previous_response_id", (string?)ChatRequests.AssertOpenAIError(body)["param"]);
        Assert.Single(proxy.Upstream.ChatRequests); // the continuation never went upstream
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AStoreTrueRequestIsAnsweredAndSaysNothingWasStored(bool stream)
    {
        using var garnet = GarnetServerFixture.StartNew();
        await using var proxy = await StartAsync(garnet);
        garnet.Stop();
        // The first failures open the store's breaker; from then on nothing waits on Redis.
        for (var i = 0; i < 4; i++)
        {
            await ChatRequests.PostAsync(proxy.Client, """{"model":"remote","input":"warm the breaker"}""", "v1/responses");
        }

        var response = await ChatRequests.PostAsync(proxy.Client, $$"""{"model":"remote","input":"hello","store":true,"stream":{{(stream ? "true" : "false")}}}""", "v1/responses");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("x-cursoraspire-stored").Single());
        var text = await response.Content.ReadAsStringAsync();
        var final = stream ? JsonNode.Parse(text.Split('\n').Last(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..])!["response"]! : JsonNode.Parse(text)!;
        Assert.False((bool)final["store"]!);
    }

    [Fact]
    public async Task ANonStreamedResponseWhoseStoreFailsSaysSo()
    {
        using var garnet = GarnetServerFixture.StartNew();
        await using var proxy = await StartAsync(garnet);
        garnet.Stop();

        var response = await ChatRequests.PostAsync(proxy.Client, """{"model":"remote","input":"hello"}""", "v1/responses");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("x-cursoraspire-stored").Single());
        Assert.False((bool)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["store"]!);
    }

    [Fact]
    public async Task AStreamedResponseWhoseStoreFailsSaysSoInItsLastEvent()
    {
        using var garnet = GarnetServerFixture.StartNew();
        await using var proxy = await StartAsync(garnet);
        garnet.Stop();

        var response = await ChatRequests.PostAsync(proxy.Client, """{"model":"remote","input":"hello","stream":true}""", "v1/responses");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var events = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).ToList();
        var completed = events.Last();
        Assert.Equal("response.completed", (string?)completed["type"]);
        Assert.False((bool)completed["response"]!["store"]!);
        Assert.True((bool)events.First()["response"]!["store"]!); // what response.created said before the write was tried
        Assert.Contains(events, e => (string?)e["type"] == "response.output_item.done");
    }
}
