namespace CursorAspire.Proxy.Tests.Edge;

/// <summary>Malformed and oversized requests: a clear OpenAI-shaped 4xx, never a 500, and the upstream untouched.</summary>
public class BadInputTests : IAsyncLifetime
{
    private const int Limit = 1024 * 1024;
    private OllamaStandIn _ollama = null!;
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync()
    {
        _ollama = await OllamaStandIn.StartAsync();
        var config = ProxyHost.OllamaConfig(_ollama.BaseUri);
        config["Proxy:MaxRequestBodyBytes"] = Limit.ToString(CultureInfo.InvariantCulture);
        config["Proxy:Models:local:ContextLength"] = "1000000"; // the size tests are about bytes, not the context window
        _proxy = await ProxyHost.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    [Theory]
    [InlineData("{\"model\":\"local\",\"messages\":[", "invalid_json")]
    [InlineData("not json at all", "invalid_json")]
    [InlineData("[1,2,3]", "invalid_json")]
    [InlineData("", "invalid_json")]
    [InlineData("{\"model\":\"local\"}", "invalid_request")]
    [InlineData("{\"model\":\"local\",\"messages\":[{\"role\":\"user\",\"content\":{}}]}", "invalid_request")]
    public async Task MalformedBodiesAre400WithAMessage(string body, string code)
    {
        var (response, text) = await ChatRequests.PostReadAsync(_proxy.Client, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = ChatRequests.AssertOpenAIError(text);
        Assert.Equal(code, (string?)error["code"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal(0, _ollama.CallCount);
    }

    [Fact]
    public async Task MissingMessagesNamesTheParameter()
    {
        var (_, text) = await ChatRequests.PostReadAsync(_proxy.Client, "{\"model\":\"local\",\"stream\":true}");
        Assert.Equal("messages", (string?)ChatRequests.AssertOpenAIError(text)["param"]);
    }

    private static string BodyOfSize(int bytes) => ChatRequests.Simple(text: new string('x', bytes));

    [Fact]
    public async Task OversizedBodyWithContentLengthIs413()
    {
        var (response, text) = await ChatRequests.PostReadAsync(_proxy.Client, BodyOfSize(2 * Limit));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (string?)ChatRequests.AssertOpenAIError(text)["code"]);
        Assert.Equal(0, _ollama.CallCount);
    }

    [Fact]
    public async Task OversizedBodyWithExpectContinueIsRejectedBeforeUpload()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(BodyOfSize(2 * Limit), Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;

        var response = await _proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        ChatRequests.AssertOpenAIError(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OversizedChunkedBodyIs413()
    {
        // A non-seekable stream makes HttpClient send the body chunked, with no Content-Length to check up front.
        var bytes = Encoding.UTF8.GetBytes(BodyOfSize(2 * Limit));
        using var content = new StreamContent(new NonSeekableStream(bytes));
        content.Headers.ContentType = new("application/json");

        var response = await _proxy.Client.PostAsync("v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        ChatRequests.AssertOpenAIError(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _ollama.CallCount);
    }

    [Fact]
    public async Task BodyJustUnderTheLimitIsAccepted()
    {
        var (response, _) = await ChatRequests.PostReadAsync(_proxy.Client, BodyOfSize(Limit - 200));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ACallersLongRoleIsCutInTheErrorAndTheLog()
    {
        var role = new string('r', 200_000);
        var body = "{\"model\":\"local\",\"messages\":[{\"role\":\"" + role + "\",\"content\":\"hi\"}]}";

        var (response, text) = await ChatRequests.PostReadAsync(_proxy.Client, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (string?)ChatRequests.AssertOpenAIError(text)["message"];
        Assert.Contains("is not one of system, developer, user, assistant, tool", message);
        Assert.True(message!.Length < 1024, $"error message is {message.Length} characters");
        var logged = Assert.Single(_proxy.Logs.Lines, l => l.Contains("rejected with 400") && l.Contains("rrrr"));
        Assert.True(logged.Length < 2048, $"log line is {logged.Length} characters");
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
