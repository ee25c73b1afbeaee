namespace CursorAspire.AppHost.Tests.Proxy;

/// <summary>
/// The proxy's configuration as the AppHost writes it (environment in its schema, parameters, providers, default model,
/// public URL, health check, waits); nothing runs.
/// </summary>
public sealed class ProxyConfigurationModelTests
{
    [Fact]
    public async Task ProxyEnvironmentFollowsTheProxyConfigurationSchema()
    {
        await using var builder = await AppHostModel.ContainerModeAsync();

        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();

        Assert.Equal("{proxy-api-key.value}", env["Proxy__ApiKeys__0"]);
        Assert.Equal("{cache.connectionString}", env["ConnectionStrings__cache"]);
        Assert.Equal("{ollama.connectionString}", env["ConnectionStrings__ollama"]);
        Assert.Equal("Ollama", env["Proxy__Providers__ollama__Kind"]);
        Assert.Equal("ollama", env["Proxy__Models__local-qwen2.5-coder-7b__Provider"]);
        Assert.Equal("qwen2.5-coder:7b", env["Proxy__Models__local-qwen2.5-coder-7b__Model"]);
        Assert.Equal("32768", env["Proxy__Models__local-qwen2.5-coder-7b__ContextLength"]);
        Assert.Equal("local-qwen2.5-coder-7b", env["Proxy__DefaultModel"]);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("Proxy__Providers__openai", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProxySettingsInTheAppHostsConfigurationReachTheProxyAndTheAppHostsOwnWin()
    {
        // As `dotnet user-secrets set "Proxy:Keys:alice:Key" … --project CursorAspire.AppHost` would give them.
        await using var builder = await AppHostModel.ContainerModeAsync(
            "--Proxy:Keys:alice:Key=sk-alice-0123456789abcdefghij",
            "--Proxy:Keys:alice:TokensPerDay=2000000",
            "--Proxy:Models:local-qwen2.5-coder-7b:Fallbacks:0=openai-gpt-4.1",
            "--Proxy:ApiKeys:0=an-attempt-to-replace-the-generated-key",
            "--Proxy:Models:local-qwen2.5-coder-7b:Model=another-model");

        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();

        Assert.Equal("sk-alice-0123456789abcdefghij", env["Proxy__Keys__alice__Key"]);
        Assert.Equal("2000000", env["Proxy__Keys__alice__TokensPerDay"]);
        Assert.Equal("openai-gpt-4.1", env["Proxy__Models__local-qwen2.5-coder-7b__Fallbacks__0"]);
        Assert.Equal("{proxy-api-key.value}", env["Proxy__ApiKeys__0"]);
        Assert.Equal("qwen2.5-coder:7b", env["Proxy__Models__local-qwen2.5-coder-7b__Model"]);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task TheProxyRunsAsProductionWhateverTheAppHostsEnvironment(string appHostEnvironment)
    {
        // On a public URL: no developer exception page, whatever the launch profile or the AppHost says.
        await using var builder = await AppHostModel.ContainerModeAsync($"--environment={appHostEnvironment}");

        // As a run sets it: the launch profile would say Development.
        var env = await builder.Resource<ProjectResource>("proxy").RunEnvironmentAsync();

        Assert.Equal("Production", env["ASPNETCORE_ENVIRONMENT"].ToString());
    }

    [Fact]
    public async Task TheProxyIsItsOwnResourceTypeWithEverythingAProjectGets()
    {
        await using var builder = await AppHostModel.ContainerModeAsync();

        var proxy = builder.Resource<CursorProxyResource>("proxy");
        var env = await proxy.EnvironmentAsync();

        Assert.Single(proxy.Annotations.OfType<IProjectMetadata>());
        Assert.Contains(proxy.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http" && e.Port == 5190); // its launch profile
        Assert.Equal("in_memory", env["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"]);
        Assert.Equal(1, proxy.Annotations.OfType<ReplicaAnnotation>().Single().Replicas); // AppHost:ProxyReplicas unset: one, running
        Assert.Equal(3, builder.CreateResourceBuilder(proxy).WithReplicas(3).Resource.Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
    }

    [Fact]
    public async Task AppHostProxyReplicasRunsThatManyProxies()
    {
        await using var builder = await AppHostModel.ProcessModeAsync("--AppHost:ProxyReplicas=3");

        Assert.Equal(3, builder.Resource<CursorProxyResource>("proxy").GetReplicaCount());
    }

    [Fact]
    public async Task ProxyIsHealthCheckedOnItsHealthEndpoint()
    {
        await using var builder = await AppHostModel.ContainerModeAsync();

        var proxy = builder.Resource<ProjectResource>("proxy");
        Assert.NotEmpty(proxy.Annotations.OfType<HealthCheckAnnotation>());
        Assert.Contains(proxy.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http");
    }

    [Fact]
    public async Task WithoutOllama_TheProxyGetsNoLocalRoutesButStillItsCacheAndKey()
    {
        await using var builder = await AppHostModel.ProcessModeAsync("--Redis:Command=/nonexistent/redis-server", "--Ollama:Command=/nonexistent/ollama");

        var proxy = builder.Resource<ProjectResource>("proxy");
        var env = await proxy.EnvironmentAsync();
        Assert.Equal("{proxy-api-key.value}", env["Proxy__ApiKeys__0"]);
        Assert.Equal("{cache.connectionString}", env["ConnectionStrings__cache"]);
        Assert.DoesNotContain(env.Keys, k => k.Contains("ollama", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Proxy__Models__", StringComparison.Ordinal));
        Assert.False(env.ContainsKey("Proxy__DefaultModel"));
        Assert.DoesNotContain("ollama", proxy.WaitsFor());
    }

    [Fact]
    public async Task ProxyApiKeyIsASecretParameterWithAGeneratedDefault()
    {
        await using var builder = await AppHostModel.CreateAsync(AppHostModel.NoLocalServices);

        var key = builder.Resource<ParameterResource>("proxy-api-key");
        Assert.True(key.Secret);
        Assert.NotNull(key.Default);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task WithoutAProvidersKey_NoParameterOrProviderOfItExists(string provider)
    {
        await using var builder = await AppHostModel.CreateAsync(AppHostModel.NoLocalServices);

        Assert.DoesNotContain(builder.Resources, r => r.Name == $"{provider}-api-key");
        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();
        Assert.DoesNotContain(env.Keys, k => k.Contains(provider, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task AnOpenAIKey_AddsAnOpenAIProviderWithItsConfiguredModels()
    {
        await using var builder = await AppHostModel.CreateAsync(
            [.. AppHostModel.NoLocalServices, "--Parameters:openai-api-key=sk-test", "--OpenAI:Models:0=gpt-4.1", "--OpenAI:Endpoint=https://example.test/v1"]);

        Assert.True(builder.Resource<ParameterResource>("openai-api-key").Secret);
        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();
        Assert.Equal("OpenAI", env["Proxy__Providers__openai__Kind"]);
        Assert.Equal("https://example.test/v1", env["Proxy__Providers__openai__Endpoint"]);
        Assert.Equal("{openai-api-key.value}", env["Proxy__Providers__openai__ApiKey"]);
        Assert.Equal("openai", env["Proxy__Models__openai-gpt-4.1__Provider"]);
        Assert.Equal("gpt-4.1", env["Proxy__Models__openai-gpt-4.1__Model"]);
        Assert.Equal("openai-gpt-4.1", env["Proxy__DefaultModel"]);
    }

    [Fact]
    public async Task AnAnthropicKey_AddsAnAnthropicProviderWhoseAliasesAvoidCursorsClaudePrefix()
    {
        await using var builder = await AppHostModel.CreateAsync(
            [.. AppHostModel.NoLocalServices, "--Parameters:anthropic-api-key=sk-ant-test", "--Anthropic:Models:0=claude-sonnet-4-5"]);

        Assert.True(builder.Resource<ParameterResource>("anthropic-api-key").Secret);
        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();
        Assert.Equal("Anthropic", env["Proxy__Providers__anthropic__Kind"]);
        Assert.Equal("https://api.anthropic.com", env["Proxy__Providers__anthropic__Endpoint"]);
        Assert.Equal("{anthropic-api-key.value}", env["Proxy__Providers__anthropic__ApiKey"]);
        // "claude-…" would make Cursor call Anthropic itself; the alias starts with the provider name instead.
        Assert.Equal("claude-sonnet-4-5", env["Proxy__Models__anthropic-claude-sonnet-4-5__Model"]);
        Assert.Null(CursorAspire.Contracts.CursorModelNames.FindConflict("anthropic-claude-sonnet-4-5"));
    }

    [Fact]
    public async Task AppHostDefaultModelOverridesTheFirstAlias()
    {
        await using var builder = await AppHostModel.CreateAsync(
            [.. AppHostModel.NoLocalServices, "--Parameters:openai-api-key=sk-test", "--OpenAI:Models:0=gpt-4.1", "--OpenAI:Models:1=gpt-4.1-mini", "--AppHost:DefaultModel=openai-gpt-4.1-mini"]);

        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();
        Assert.Equal("openai-gpt-4.1-mini", env["Proxy__DefaultModel"]);
    }

    [Fact]
    public async Task AFixedPublicBaseUrlReachesTheProxy()
    {
        await using var builder = await AppHostModel.CreateAsync([.. AppHostModel.NoLocalServices, "--AppHost:PublicBaseUrl=https://cursor.example.com/"]);

        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();
        Assert.Equal("https://cursor.example.com", env["Proxy__PublicBaseUrl"]);
    }

    [Fact]
    public async Task APlainHttpPublicBaseUrlIsRefusedWithAReason()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => AppHostModel.CreateAsync([.. AppHostModel.NoLocalServices, "--AppHost:PublicBaseUrl=http://cursor.example.com"]));
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAPublicUrlTheProxyIsNotGivenOne()
    {
        await using var builder = await AppHostModel.CreateAsync(AppHostModel.NoLocalServices);

        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();
        Assert.False(env.ContainsKey("Proxy__PublicBaseUrl"));
    }
}
