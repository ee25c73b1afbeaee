using CursorAspire.TestUpstreams;

namespace CursorAspire.AppHost.Tests.EndToEnd;

/// <summary>
/// The real AppHost, stopped and started again on the same cache data folder, in each cache mode this machine can run
/// (<c>redis-server</c>, embedded Garnet): a key's usage (what its budget counts) and a stored conversation are still
/// there. A remote provider played by an OpenAI stand-in answers; no Ollama, no tunnel (a fixed public URL).
/// </summary>
[Collection(AspireRunsCollection.Name)]
public sealed class CacheRestartTests
{
    private const string BudgetKey = "sk-conformance-budget-key-abcdef0123456789";
    private const string Alias = "openai-gpt-4o-mini";

    [Theory]
    [InlineData("redis-server")]
    [InlineData("garnet")]
    public async Task AnAppHostRestartKeepsAKeysUsageAndAStoredConversation(string mode)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = cts.Token;
        await using var openai = await OpenAIStandIn.StartAsync(cancellationToken: ct);
        var redisServer = mode == "redis-server" ? RedisServerOnPath() : "/nonexistent/redis-server";
        string[] args =
        [
            "--AppHost:ContainerRuntime=none",
            $"--Redis:Command={redisServer}",
            "--Ollama:Command=/nonexistent/ollama",
            "--AppHost:PublicBaseUrl=https://restart.example.test",
            "--CursorCheck:AutoRun=false",
            "--Parameters:openai-api-key=sk-restart-test-upstream",
            $"--OpenAI:Endpoint={openai.ApiBaseUri}",
            "--OpenAI:Models:0=gpt-4o-mini",
            $"--Proxy:Keys:budget:Key={BudgetKey}",
            "--Proxy:Keys:budget:TokensPerDay=1000000",
            $"--Parameters:proxy-api-key={AppHostModel.TestApiKey}",
            $"--Parameters:cache-password={AppHostModel.TestCachePassword}",
            $"--Parameters:check-secret={AppHostModel.TestCheckSecret}",
            $"--Cache:DataPath={TestCacheData.NewFolder()}",
            // About keeping, not latency (as in the replica tests): a script that outlives the 250 ms operation timeout on
            // a fresh cache still runs there, and the request is then counted in process as well, once more than it cost.
            "--Proxy:Storage:Timeout=00:00:05",
        ];

        long tokens;
        string responseId;
        await using (var app = await StartAsync(args, mode, ct))
        {
            using var client = Client(app);
            var chat = new JsonObject { ["model"] = Alias, ["stream"] = false, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Count me." }) };
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", Json(chat), ct)).StatusCode);
            var stored = await client.PostAsync("v1/responses", Json(new JsonObject { ["model"] = Alias, ["input"] = "My name is Ada." }), ct);
            var storedBody = JsonNode.Parse(await stored.Content.ReadAsStringAsync(ct))!;
            Assert.True(stored.StatusCode == HttpStatusCode.OK, storedBody.ToJsonString());
            responseId = (string)storedBody["id"]!;
            tokens = await TokensTodayAsync(client, ct);
            Assert.True(tokens > 0);
            await app.StopAsync(ct);
        }

        await using (var app = await StartAsync(args, mode, ct))
        {
            using var client = Client(app);
            // The budget goes on from where it was: a restart hands out no fresh day.
            Assert.Equal(tokens, await TokensTodayAsync(client, ct));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"v1/responses/{responseId}", ct)).StatusCode);
            var continued = await client.PostAsync("v1/responses", Json(new JsonObject { ["model"] = Alias, ["input"] = "What is my name?", ["previous_response_id"] = responseId }), ct);
            Assert.Equal(HttpStatusCode.OK, continued.StatusCode);
            Assert.Contains("My name is Ada.", openai.ChatRequests[^1].Body, StringComparison.Ordinal);
            await app.StopAsync(ct);
        }
    }

    private static async Task<DistributedApplication> StartAsync(string[] args, string mode, CancellationToken ct)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CursorAspire_AppHost>(args, ct);
        Assert.Single(builder.Resources, r => r.Name == "cache" && (mode == "garnet" ? r is GarnetResource : r is RedisServerResource));
        var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync("proxy", ct);
        return app;
    }

    private static HttpClient Client(DistributedApplication app)
    {
        var client = app.CreateHttpClient("proxy", "http");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BudgetKey);
        client.Timeout = TimeSpan.FromSeconds(60);
        return client;
    }

    private static async Task<long> TokensTodayAsync(HttpClient client, CancellationToken ct) =>
        (long)JsonNode.Parse(await client.GetStringAsync("v1/usage", ct))!["today"]!["tokens"]!;

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static string RedisServerOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, OperatingSystem.IsWindows() ? "redis-server.exe" : "redis-server"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("This test needs redis-server on PATH (e.g. apt-get install -y redis-server, brew install redis).");
}
