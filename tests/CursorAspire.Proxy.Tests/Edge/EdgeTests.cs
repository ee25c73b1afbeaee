namespace CursorAspire.Proxy.Tests.Edge;

/// <summary>The HTTP surface Cursor meets first: paths under any prefix, the key, CORS, health.</summary>
public class EdgeTests : IAsyncLifetime
{
    private OllamaStandIn _ollama = null!;
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync()
    {
        _ollama = await OllamaStandIn.StartAsync();
        _proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(_ollama.BaseUri));
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    [Theory]
    [InlineData("chat/completions")]
    [InlineData("v1/chat/completions")]
    [InlineData("x/y/v1/chat/completions")]
    [InlineData("openai/v1/chat/completions/")]
    public async Task ChatCompletionsIsServedUnderAnyPrefix(string path)
    {
        var (response, body) = await ChatRequests.PostReadAsync(_proxy.Client, ChatRequests.Simple(stream: false), path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chat.completion", (string?)JsonNode.Parse(body)!["object"]);
    }

    [Theory]
    [InlineData("models")]
    [InlineData("v1/models")]
    [InlineData("anything/v1/models")]
    public async Task ModelsListsTheAliasesUnderAnyPrefix(string path)
    {
        var response = await _proxy.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("list", (string?)list["object"]);
        var model = Assert.Single(list["data"]!.AsArray())!;
        Assert.Equal("local", (string?)model["id"]);
        Assert.Equal("model", (string?)model["object"]);
    }

    [Fact]
    public async Task MissingKeyIs401InOpenAIShapeAndTheUpstreamIsNeverCalled()
    {
        using var anonymous = _proxy.CreateClient(apiKey: null);
        var (response, body) = await ChatRequests.PostReadAsync(anonymous, ChatRequests.Simple());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Equal("invalid_api_key", (string?)error["code"]);
        Assert.Contains("Missing API key", (string?)error["message"]);
        Assert.Equal(0, _ollama.CallCount);
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData(ProxyHost.ApiKey + "x")]
    [InlineData("test-key-6b1f0c2e9d8a4f7")]
    public async Task WrongKeyIs401AndIsNeverLogged(string key)
    {
        using var client = _proxy.CreateClient(key);
        var (response, body) = await ChatRequests.PostReadAsync(client, ChatRequests.Simple());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Invalid API key", (string?)ChatRequests.AssertOpenAIError(body)["message"]);
        Assert.Equal(0, _ollama.CallCount);
        Assert.DoesNotContain(key, _proxy.Logs.All);
        Assert.DoesNotContain(ProxyHost.ApiKey, _proxy.Logs.All);
    }

    [Fact]
    public async Task ModelsNeedsTheKeyToo()
    {
        using var anonymous = _proxy.CreateClient(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("v1/models")).StatusCode);
    }

    [Fact]
    public async Task HealthAndStatusAnswerWithoutTheKey()
    {
        using var anonymous = _proxy.CreateClient(apiKey: null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health")).StatusCode);
        var status = await anonymous.GetStringAsync("/");
        Assert.Contains("CursorAspire proxy is running", status);
        Assert.DoesNotContain(ProxyHost.ApiKey, status);
    }

    [Fact]
    public async Task CorsAppliesToTheModelEndpointsOnly()
    {
        using var anonymous = _proxy.CreateClient(apiKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Options, "some/other/path");
        request.Headers.Add("Origin", "https://elsewhere.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await anonymous.SendAsync(request);

        // Still no 401 for an OPTIONS, but no browser is told it may call anything but the model endpoints.
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("v1/chat/completions")]
    [InlineData("openai/v1/chat/completions")]
    [InlineData("models")]
    public async Task PreflightIs204WithoutAuthAndReflectsTheOrigin(string path)
    {
        using var anonymous = _proxy.CreateClient(apiKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", "vscode-file://vscode-app");
        // A browser preflights the method it will send: GET for the model list, POST for a chat.
        request.Headers.Add("Access-Control-Request-Method", path.EndsWith("models", StringComparison.Ordinal) ? "GET" : "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-custom");

        var response = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("vscode-file://vscode-app", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        var methods = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods"));
        Assert.All(new[] { "GET", "POST", "OPTIONS" }, m => Assert.Contains(m, methods));
        var headers = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.All(new[] { "authorization", "content-type", "x-custom" }, h => Assert.Contains(h, headers));
        Assert.Equal("86400", response.Headers.GetValues("Access-Control-Max-Age").Single());
    }

    [Fact]
    public async Task PlainOptionsWithoutPreflightHeadersIs204Too()
    {
        using var anonymous = _proxy.CreateClient(apiKey: null);
        var response = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Options, "v1/chat/completions"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task RealResponsesCarryAllowOrigin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(ChatRequests.Simple(stream: false), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", "vscode-file://vscode-app");
        var response = await _proxy.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("vscode-file://vscode-app", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task UnknownPathIs404InOpenAIShape()
    {
        var response = await _proxy.Client.GetAsync("v1/embeddings");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        ChatRequests.AssertOpenAIError(await response.Content.ReadAsStringAsync());
    }
}
