namespace CursorAspire.Proxy.Tests.Configuration;

/// <summary>A configuration the proxy cannot serve fails start-up with a message that names the key.</summary>
public class ConfigurationTests
{
    private static async Task<string> StartFailureAsync(Dictionary<string, string?> config)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var proxy = await ProxyHost.StartAsync(config);
        });
        return error.Message;
    }

    private static Dictionary<string, string?> Valid() => ProxyHost.OllamaConfig(new Uri("http://127.0.0.1:11434/"));

    [Fact]
    public async Task NoApiKeyRefusesToStartAndSaysHowToSetOne()
    {
        var config = Valid();
        config.Remove("Proxy:ApiKeys:0");
        var message = await StartFailureAsync(config);
        Assert.Contains("No API key is configured (Proxy:ApiKeys or Proxy:Keys)", message);
        Assert.Contains("Proxy__ApiKeys__0", message);
        Assert.Contains("user-secrets", message);
    }

    [Theory]
    [InlineData("Proxy:Models:local:Provider", "nowhere", "Proxy:Models:local:Provider 'nowhere' is not a configured provider")]
    [InlineData("Proxy:Models:local:Model", "", "Proxy:Models:local:Model is missing")]
    [InlineData("Proxy:Providers:ollama:Endpoint", "not a url", "Proxy:Providers:ollama:Endpoint 'not a url' is not an absolute http(s) URL")]
    [InlineData("Proxy:DefaultModel", "ghost", "Proxy:DefaultModel 'ghost' is neither")]
    [InlineData("Proxy:MaxRequestBodyBytes", "0", "Proxy:MaxRequestBodyBytes must be positive")]
    [InlineData("Proxy:Models:local:ContextLength", "-5", "Proxy:Models:local:ContextLength must be positive")]
    [InlineData("Proxy:RateLimit:RequestsPerMinute", "-1", "Proxy:RateLimit:RequestsPerMinute must be 0 (off) or positive")]
    [InlineData("Proxy:RateLimit:ConcurrentRequests", "-1", "Proxy:RateLimit:ConcurrentRequests must be 0 (off) or positive")]
    [InlineData("Proxy:RateLimit:FailedAuthenticationsPerMinute", "-1", "Proxy:RateLimit:FailedAuthenticationsPerMinute must be 0 (off) or positive")]
    [InlineData("Proxy:Retry:MaxRetryAfter", "-00:00:01", "Proxy:Retry:MaxRetryAfter must not be negative")]
    [InlineData("Proxy:ShutdownTimeout", "-00:00:01", "Proxy:ShutdownTimeout must not be negative")]
    [InlineData("Proxy:Breaker:FailureRatio", "1.5", "Proxy:Breaker:FailureRatio must be greater than 0 and at most 1")]
    [InlineData("Proxy:Breaker:MinimumThroughput", "1", "Proxy:Breaker:MinimumThroughput must be at least 2")]
    [InlineData("Proxy:Storage:Breaker:BreakDuration", "00:00:00.100", "Proxy:Storage:Breaker:BreakDuration must be between")]
    [InlineData("Proxy:Storage:Timeout", "00:00:00", "Proxy:Storage:Timeout must be a positive time span")]
    [InlineData("Proxy:Conversations:MaxBytes", "0", "Proxy:Conversations:MaxBytes must be positive")]
    [InlineData("Proxy:Reasoning:Ttl", "00:00:00", "Proxy:Reasoning:Ttl must be a positive time span")]
    [InlineData("Proxy:Reasoning:MaxBytes", "0", "Proxy:Reasoning:MaxBytes must be positive")]
    [InlineData("Proxy:UpstreamIdleTimeout", "00:00:00", "Proxy:UpstreamIdleTimeout must be a positive time span")]
    [InlineData("Proxy:Retry:MaxAttempts", "0", "Proxy:Retry:MaxAttempts must be at least 1")]
    [InlineData("Proxy:Cache:MaxEntryBytes", "10", "Proxy:Cache:MaxEntryBytes must be at least 1024")]
    public async Task InvalidSettingFailsNamingTheKey(string key, string value, string expected)
    {
        var config = Valid();
        config[key] = value;
        Assert.Contains(expected, await StartFailureAsync(config));
    }

    [Fact]
    public async Task MissingProviderKindFailsNamingTheKey()
    {
        var config = Valid();
        config.Remove("Proxy:Providers:ollama:Kind");
        config["Proxy:Providers:ollama:Endpoint"] = "http://127.0.0.1:11434";
        Assert.Contains("Proxy:Providers:ollama:Kind is missing", await StartFailureAsync(config));
    }

    [Theory]
    [InlineData("http://10.1.2.3:11434")]
    [InlineData("Endpoint=http://10.1.2.3:11434")]
    [InlineData("Endpoint=http://10.1.2.3:11434;Model=x")]
    public async Task AspireConnectionStringSuppliesAMissingEndpoint(string connectionString)
    {
        var config = Valid();
        config.Remove("Proxy:Providers:ollama:Endpoint");
        config["ConnectionStrings:ollama"] = connectionString;
        await using var proxy = await ProxyHost.StartAsync(config);
        var options = proxy.Services.GetRequiredService<IOptions<CursorAspire.Proxy.Configuration.ProxyOptions>>().Value;
        Assert.Equal("http://10.1.2.3:11434", options.Providers["ollama"].Endpoint);
    }

    [Fact]
    public async Task AliasCollidingWithCursorNamesIsWarnedAtStartUp()
    {
        var config = Valid();
        config["Proxy:Models:claude-local:Provider"] = "ollama";
        config["Proxy:Models:claude-local:Model"] = "qwen3:8b";
        await using var proxy = await ProxyHost.StartAsync(config);
        Assert.Contains(proxy.Logs.Lines, l => l.Contains("Model alias claude-local collides") && l.Contains("instead of the proxy"));
    }

    [Fact]
    public async Task NoModelsConfiguredStartsButAnswers503WithAClearMessage()
    {
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["Proxy:ApiKeys:0"] = ProxyHost.ApiKey });
        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("anything"));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("no_models_configured", (string?)ChatRequests.AssertOpenAIError(body)["code"]);
    }
}
