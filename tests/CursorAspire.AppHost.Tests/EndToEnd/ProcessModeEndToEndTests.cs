using CursorAspire.AppHost.Cursor;
using CursorAspire.AppHost.Ollama;
using StackExchange.Redis;

namespace CursorAspire.AppHost.Tests.EndToEnd;

/// <summary>One <c>dotnet run</c> worth of system, without containers: cache + Ollama stand-in + model + proxy.</summary>
[Collection(AspireRunsCollection.Name)]
public sealed class ProcessModeEndToEndTests(ProcessModeAppFixture fixture) : IClassFixture<ProcessModeAppFixture>
{
    [Fact]
    public void TheModelWentThroughItsDownloadStatesBeforeTheProxyBecameHealthy()
    {
        var seen = fixture.ModelStates.Seen;
        Assert.Contains(seen, s => s.StartsWith(OllamaModelStates.DownloadingPrefix, StringComparison.Ordinal));
        Assert.Contains($"{OllamaModelStates.DownloadingPrefix}100%", seen);
        Assert.Equal(KnownResourceStates.Running, seen[^1]);
    }

    [Fact]
    public async Task AStreamedCursorRequestWithToolsGetsAStreamedAnswer()
    {
        using var http = fixture.CreateProxyClient();
        using var response = await http.SendAsync(ChatRequest(stream: true), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var chunks = await ReadSseAsync(response);
        Assert.Equal("[DONE]", chunks[^1]);
        var objects = chunks.SkipLast(1).Select(c => JsonNode.Parse(c)!.AsObject()).ToList();
        Assert.All(objects, o => Assert.Equal(ProcessModeAppFixture.Alias, (string?)o["model"]));
        Assert.Contains(objects, o => o["choices"]?.AsArray().Count > 0 && o["choices"]![0]!["finish_reason"] is JsonValue);
    }

    [Fact]
    public async Task AStreamedToolCallReachesTheClientAsToolCallChunks()
    {
        using var http = fixture.CreateProxyClient();
        using var response = await http.SendAsync(ChatRequest(stream: true), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var chunks = await ReadSseAsync(response);
        var deltas = chunks.Where(c => c != "[DONE]").Select(c => JsonNode.Parse(c)!)
            .SelectMany(o => o["choices"]!.AsArray()).ToList();
        var toolCalls = deltas.Select(c => c!["delta"]?["tool_calls"]).OfType<JsonArray>().SelectMany(a => a).ToList();
        var text = string.Concat(deltas.Select(c => (string?)c!["delta"]?["content"]));
        Assert.True(
            toolCalls.Count > 0,
            "The stand-in answered with text, not the scripted tool call. The Ollama stand-in's executable mode must honour " +
            $"STANDIN_REPLY (a JSON StandInReply, here a {ProcessModeAppFixture.ScriptedToolName} call) — missing in tests/CursorAspire.TestUpstreams. Text was: {text}");
        Assert.Equal(ProcessModeAppFixture.ScriptedToolName, (string?)toolCalls[0]!["function"]?["name"]);
        Assert.Contains(deltas, c => (string?)c!["finish_reason"] == "tool_calls");
    }

    [Fact]
    public async Task ARequestWithoutTheKeyIsRefused()
    {
        using var http = fixture.CreateProxyClient();
        var request = ChatRequest(stream: false);
        request.Headers.Authorization = null;

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ResponsesAreCachedInTheAppHostsCache()
    {
        using var http = fixture.CreateProxyClient();
        for (var i = 0; i < 2; i++)
        {
            using var response = await http.SendAsync(ChatRequest(stream: false, question: "What is 2+2? (cache test)"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var connectionString = await fixture.App.GetConnectionStringAsync("cache");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString! + ",allowAdmin=true");
        var server = redis.GetServers().Single();
        var keys = await server.DatabaseSizeAsync();
        Assert.True(
            keys > 0,
            $"The cache resource ({connectionString}) holds no keys after two identical requests: the proxy did not store " +
            "responses in its IDistributedCache (ConnectionStrings:cache). The proxy's response-cache middleware is missing.");
    }

    [Fact]
    public async Task TheCacheRefusesAClientWithoutThePasswordWhileTheProxyUsesIt()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var connectionString = await fixture.App.GetConnectionStringAsync("cache", cts.Token);

        // The proxy is healthy and caches (above) through this connection string, password included.
        Assert.EndsWith($",password={ProcessModeAppFixture.CachePassword}", connectionString, StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", await RedisWire.SendWithoutPasswordAsync(connectionString!, cts.Token, "PING"), StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", await RedisWire.SendWithoutPasswordAsync(connectionString!, cts.Token, "KEYS", "*"), StringComparison.Ordinal);
    }

    [Fact]
    public void TheDashboardShowsTheCursorBaseUrlOnTheProxy()
    {
        var snapshot = fixture.ProxyStates.Last;
        Assert.NotNull(snapshot);
        Assert.Contains(snapshot.Urls, u => u.Url.EndsWith("/v1", StringComparison.Ordinal) && u.Url.StartsWith("http://", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheDashboardShowsTheCursorSettingsAsProxyPropertiesWithTheKeyMasked()
    {
        // Published when the proxy is ready, a moment after it turns healthy.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await fixture.ProxyStates.WaitUntilAsync(s => s.Last?.Properties.Any(p => p.Name == "cursor.apiKey") == true, cts.Token);

        var properties = fixture.ProxyStates.Last!.Properties.ToDictionary(p => p.Name);
        Assert.True(properties.ContainsKey("cursor.apiKey"), $"No Cursor properties on the proxy; it has: {string.Join(", ", properties.Keys)}");
        Assert.True(properties["cursor.apiKey"].IsSensitive);
        Assert.Equal(ProcessModeAppFixture.ApiKey, properties["cursor.apiKey"].Value as string);
        Assert.EndsWith("/v1", properties["cursor.baseUrl"].Value as string, StringComparison.Ordinal);
        Assert.Equal(ProcessModeAppFixture.Alias, properties["cursor.models"].Value as string);
    }

    [Fact]
    public async Task TheCursorSetupIsLoggedOnceOnTheProxyWithoutTheKey()
    {
        // The announcement follows the proxy's ready event; give it a moment on a busy machine.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await fixture.WaitForProxyLogLineAsync(l => l.Contains("Cursor setup", StringComparison.Ordinal), cts.Token);
        var lines = await fixture.ProxyLogAsync();

        var log = string.Join('\n', lines);
        Assert.True(
            lines.Count(l => l.Contains("Cursor setup", StringComparison.Ordinal)) == 1,
            $"Expected the Cursor setup exactly once in the proxy's log ({lines.Count} lines):\n{log}");
        Assert.Contains(ProcessModeAppFixture.Alias, log, StringComparison.Ordinal);
        Assert.Contains(CursorSetupInstructions.LocalOnlyNote, log, StringComparison.Ordinal);
        Assert.DoesNotContain(ProcessModeAppFixture.ApiKey, log, StringComparison.Ordinal);
    }

    [Fact]
    public void TheModelsRowSaysHowItFitsTheGpuAndTheProxyHasTheWindowTheAdvisorChose()
    {
        var properties = fixture.ModelStates.Last!.Properties.ToDictionary(p => p.Name, p => p.Value as string);
        // The proxy's environment as it was started (the dashboard's): advised before the model turned Running, so before the proxy started.
        var proxyEnv = fixture.ProxyStates.Last!.EnvironmentVariables.ToDictionary(e => e.Name, e => e.Value);

        Assert.Equal("NVIDIA GeForce RTX 4090: 25.8 GB, 11.0 GB for the model (nvidia-smi)", properties["fit-gpu"]);
        Assert.Equal("48K tokens", properties["fit-largest-window"]);
        Assert.Equal("48K (Ollama:ContextLength=auto: the largest that fits the GPU)", properties["fit-window"]);
        Assert.StartsWith("Fits on the GPU: a 48K window needs about", properties["fit-verdict"], StringComparison.Ordinal);
        Assert.Equal(ProcessModeAppFixture.AdvisedWindow.ToString(System.Globalization.CultureInfo.InvariantCulture), proxyEnv[$"Proxy__Models__{ProcessModeAppFixture.Alias}__ContextLength"]);
        Assert.Equal("true", proxyEnv[$"Proxy__Models__{ProcessModeAppFixture.Alias}__Compaction"]);
    }

    [Fact]
    public async Task OnceAChatLoadedTheModelItsRowSaysWhatOllamaDid()
    {
        using (var http = fixture.CreateProxyClient())
        using (var response = await http.SendAsync(ChatRequest(stream: false, question: "Which window did Ollama load? (fit test)")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // /api/ps is asked every 15 seconds.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await fixture.ModelStates.WaitUntilAsync(s => Loaded(s)?.StartsWith("With ", StringComparison.Ordinal) == true, cts.Token);

        // A short prompt: the proxy asks for its smallest window, 8K, which the GPU holds whole.
        Assert.Equal("With an 8K window: 6.2 GB, all on the GPU.", Loaded(fixture.ModelStates));
    }

    private static string? Loaded(ResourceStates states) => states.Last?.Properties.FirstOrDefault(p => p.Name == "fit-loaded")?.Value as string;

    private static HttpRequestMessage ChatRequest(bool stream, string question = "Open src/app.cs and tell me what it does.")
    {
        var body = new JsonObject
        {
            ["model"] = ProcessModeAppFixture.Alias,
            ["stream"] = stream,
            ["temperature"] = 0,
            ["stream_options"] = stream ? new JsonObject { ["include_usage"] = true } : null,
            ["tool_choice"] = "auto",
            ["messages"] = new JsonArray
            {
                new JsonObject { ["role"] = "system", ["content"] = "You are a coding assistant." },
                new JsonObject { ["role"] = "user", ["content"] = question },
            },
            ["tools"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "function",
                    ["function"] = new JsonObject
                    {
                        ["name"] = ProcessModeAppFixture.ScriptedToolName,
                        ["description"] = "Read a file",
                        ["parameters"] = JsonNode.Parse("""{"type":"object","properties":{"target_file":{"type":"string"}},"required":["target_file"]}"""),
                    },
                },
            },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ProcessModeAppFixture.ApiKey);
        return request;
    }

    private static async Task<List<string>> ReadSseAsync(HttpResponseMessage response)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var data = new List<string>();
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line["data: ".Length..]);
            }
        }

        Assert.NotEmpty(data);
        return data;
    }
}
