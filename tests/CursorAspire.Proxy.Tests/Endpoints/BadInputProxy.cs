using System.Net.Http.Headers;

namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// One real proxy on loopback in front of all three upstream kinds (alias <c>local</c> → Ollama stand-in, <c>remote</c>
/// → OpenAI stand-in, <c>anthropic-sonnet</c> → Anthropic stand-in), shared by the property tests, with the check every
/// generated request must pass.
/// </summary>
public sealed class BadInputProxy : IAsyncLifetime
{
    /// <summary>How long one answer may take, stream included, before the proxy counts as hung.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static readonly string[] Aliases = ["local", "remote", "anthropic-sonnet"];

    private OllamaStandIn _ollama = null!;
    private OpenAIStandIn _openai = null!;
    private AnthropicStandIn _anthropic = null!;

    public ProxyHost Proxy { get; private set; } = null!;

    /// <summary>Chat calls that reached any of the three stand-ins.</summary>
    public int UpstreamCalls => _ollama.CallCount + _openai.CallCount + _anthropic.CallCount;

    public async Task InitializeAsync()
    {
        _ollama = await OllamaStandIn.StartAsync();
        _openai = await OpenAIStandIn.StartAsync();
        _anthropic = await AnthropicStandIn.StartAsync();
        var config = ProxyHost.OllamaConfig(_ollama.BaseUri);
        foreach (var (key, value) in ProxyHost.OpenAIConfig(_openai.ApiBaseUri).Concat(ProxyHost.AnthropicConfig(_anthropic.BaseUri)))
        {
            config.TryAdd(key, value);
        }
        // Thousands of requests from one key in seconds: the limits are another test's subject.
        config["Proxy:RateLimit:RequestsPerMinute"] = "0";
        config["Proxy:RateLimit:ConcurrentRequests"] = "0";
        Proxy = await ProxyHost.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await _anthropic.DisposeAsync();
        await _openai.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    /// <summary>
    /// Sends <paramref name="request"/> and throws unless the answer is a defined one: below 500, every 4xx in OpenAI's
    /// error shape, a stream read to its end without an internal error, all within <see cref="RequestTimeout"/>.
    /// </summary>
    public async Task AssertDefinedAnswerAsync(MalformedRequest request)
    {
        using var timeout = new CancellationTokenSource(RequestTimeout);
        using var content = new ByteArrayContent(request.Body);
        if (request.ContentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
        }
        HttpResponseMessage response;
        string body;
        try
        {
            response = await Proxy.Client.PostAsync(request.Path, content, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No complete answer within {RequestTimeout.TotalSeconds:0} s: the proxy hung.");
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"Answered {status}: {body}");
            if (status >= 400)
            {
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                AssertOpenAIErrorShape(body);
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.DoesNotContain("internal_error", body, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Afterwards, each alias still answers a normal request.</summary>
    public async Task AssertStillAnswersAsync()
    {
        foreach (var alias in Aliases)
        {
            using var timeout = new CancellationTokenSource(RequestTimeout);
            using var response = await ChatRequests.PostAsync(Proxy.Client, ChatRequests.Simple(alias, stream: false), cancellationToken: timeout.Token);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{alias}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(timeout.Token)}");
        }
    }

    /// <summary><c>{"error":{"message","type","code","param"}}</c> with a message and a type.</summary>
    private static void AssertOpenAIErrorShape(string body)
    {
        using var document = JsonDocument.Parse(body);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        Assert.True(error.TryGetProperty("code", out _), "no 'code'");
        Assert.True(error.TryGetProperty("param", out _), "no 'param'");
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // never a stack trace
    }
}
