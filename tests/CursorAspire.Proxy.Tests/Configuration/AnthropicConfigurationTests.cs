namespace CursorAspire.Proxy.Tests.Configuration;

/// <summary>Start-up validation of an Anthropic provider's settings.</summary>
public class AnthropicConfigurationTests
{
    private static async Task<string> StartupErrorAsync(Dictionary<string, string?> config)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var proxy = await ProxyHost.StartAsync(config);
        });
        return error.Message;
    }

    [Fact]
    public async Task AnAnthropicProviderWithoutAKeyRefusesToStart()
    {
        var config = ProxyHost.AnthropicConfig(new Uri("http://127.0.0.1:9/"));
        config.Remove("Proxy:Providers:anthropic:ApiKey");

        Assert.Contains("Proxy:Providers:anthropic:ApiKey is missing", await StartupErrorAsync(config));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public async Task ANonPositiveMaxOutputTokensRefusesToStart(string value)
    {
        var config = ProxyHost.AnthropicConfig(new Uri("http://127.0.0.1:9/"));
        config["Proxy:Providers:anthropic:MaxOutputTokens"] = value;

        Assert.Contains("Proxy:Providers:anthropic:MaxOutputTokens must be positive", await StartupErrorAsync(config));
    }
}
