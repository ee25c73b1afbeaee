using CursorAspire.AppHost.Ollama;
using CursorAspire.AppHost.Publishing;
using CursorAspire.Tunnel;

namespace CursorAspire.AppHost.Tests.Publishing;

/// <summary>
/// The real AppHost published (<c>--publisher manifest</c>) for each shape a team deploys, and the manifest checked as a
/// deployment tool reads it: every reference resolves, no executable, every secret a parameter, and the resources the
/// settings call for.
/// </summary>
public sealed class PublishedManifestTests
{
    /// <summary>The machine of the issue: no container runtime, no redis-server, no Ollama. None of it may leak into the manifest.</summary>
    private static readonly string[] BareMachine = [.. AppHostModel.NoLocalServices];

    private static void AssertDeployable(PublishedManifest manifest)
    {
        Assert.True(manifest.Problems() is [], $"Not deployable: {string.Join("; ", manifest.Problems())}\n{manifest.Text}");
        Assert.True(manifest.SecretsNotAsParameters() is [], $"Secrets as values: {string.Join("; ", manifest.SecretsNotAsParameters())}");
    }

    private static void AssertProxyWithHealthEndpoints(PublishedManifest manifest, int replicas)
    {
        Assert.Equal("project.v0", manifest.TypeOf("proxy"));
        Assert.EndsWith("CursorAspire.Proxy.csproj", manifest.Resource("proxy").GetProperty("path").GetString(), StringComparison.Ordinal);
        var environment = manifest.Environment("proxy");
        Assert.Equal("{cache.connectionString}", environment["ConnectionStrings__cache"]);
        Assert.Equal("{proxy-api-key.value}", environment["Proxy__ApiKeys__0"]);
        Assert.Equal("{proxy.bindings.http.targetPort}", environment["HTTP_PORTS"]);
        Assert.Equal("Production", environment["ASPNETCORE_ENVIRONMENT"]);
        var hints = manifest.Hints("proxy");
        Assert.Equal(replicas, hints.GetProperty("replicas").GetInt32());
        var probes = hints.GetProperty("probes").EnumerateArray()
            .ToDictionary(p => p.GetProperty("type").GetString()!, p => (p.GetProperty("path").GetString(), p.GetProperty("binding").GetString()));
        Assert.Equal(("/health", "http"), probes["startup"]);
        Assert.Equal(("/alive", "http"), probes["readiness"]);
        Assert.Equal(("/alive", "http"), probes["liveness"]);
    }

    [Fact]
    public async Task OnAMachineWithoutContainersThePublishIsTheContainerModel()
    {
        var manifest = await PublishedManifest.PublishAsync(BareMachine);

        AssertDeployable(manifest);
        AssertProxyWithHealthEndpoints(manifest, replicas: PublishingPlanner.DefaultProxyReplicas);
        Assert.True(manifest.IsExternal("proxy", "http"), "no tunnel is published, so the platform's ingress fronts the proxy");
        Assert.DoesNotContain("tunnel", manifest.Resources.Keys);

        // Redis: the pinned image, its password a generated secret parameter, a data volume, the log on disk, the ceiling and policy.
        Assert.Equal("container.v0", manifest.TypeOf("cache"));
        Assert.StartsWith("docker.io/library/redis:", manifest.Resource("cache").GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.Equal("{cache-password.value}", manifest.Environment("cache")["REDIS_PASSWORD"]);
        Assert.Contains("generate", manifest.Resource("cache-password").GetProperty("inputs").GetProperty("value").GetProperty("default").ToString(), StringComparison.Ordinal);
        var command = manifest.Arguments("cache")[^1];
        Assert.Contains("--requirepass $REDIS_PASSWORD", command, StringComparison.Ordinal);
        Assert.Contains("--appendonly yes --maxmemory 512mb --maxmemory-policy volatile-lru", command, StringComparison.Ordinal);
        Assert.Equal("/data", Assert.Single(manifest.Resource("cache").GetProperty("volumes").EnumerateArray()).GetProperty("target").GetString());

        // Ollama: the pinned image, its models volume, one NVIDIA GPU, and the configured model pulled as it starts.
        Assert.Equal("container.v0", manifest.TypeOf("ollama"));
        Assert.Equal($"docker.io/{OllamaContainerImageTags.Image}:{PinnedVersions.Ollama}", manifest.Resource("ollama").GetProperty("image").GetString());
        Assert.Equal(OllamaContainerImageTags.ModelsPath, Assert.Single(manifest.Resource("ollama").GetProperty("volumes").EnumerateArray()).GetProperty("target").GetString());
        Assert.Equal("qwen2.5-coder:7b", manifest.Environment("ollama")[PublishedOllamaBuilderExtensions.ModelsToPullVariable]);
        Assert.Equal(["-c", PublishedOllamaBuilderExtensions.StartScript], manifest.Arguments("ollama"));
        var gpu = manifest.Hints("ollama").GetProperty("gpu");
        Assert.Equal(("nvidia", 1, "nvidia.com/gpu"), (gpu.GetProperty("vendor").GetString(), gpu.GetProperty("count").GetInt32(), gpu.GetProperty("kubernetesResource").GetString()));
        Assert.Equal("{ollama.connectionString}", manifest.Environment("proxy")["ConnectionStrings__ollama"]);
        Assert.Equal("ollama", manifest.Environment("proxy")["Proxy__Models__local-qwen2.5-coder-7b__Provider"]);

        // Nothing of this machine's process mode: no Garnet, no redis-server, no placeholder rows.
        Assert.All(manifest.Resources, r => Assert.DoesNotContain(r.Value.GetProperty("type").GetString(), new[] { "executable.v0", "error" }));
    }

    [Fact]
    public async Task ManagedRedisYourOllamaAndANamedTunnel()
    {
        var manifest = await PublishedManifest.PublishAsync(
        [
            .. BareMachine,
            "--ConnectionStrings:cache=contoso.redis.cache.windows.net:6380,password=managedRedisSecret,ssl=true",
            "--ConnectionStrings:ollama=Endpoint=http://gpu-box.internal:11434",
            "--CloudflareTunnel:Hostname=cursor.example.com",
            "--Parameters:cloudflare-tunnel-token=tunnelTokenSecret",
            "--AppHost:ProxyReplicas=3",
        ]);

        AssertDeployable(manifest);
        AssertProxyWithHealthEndpoints(manifest, replicas: 3);

        // The managed Redis and your Ollama are connection strings the deployment asks for, never written here.
        foreach (var existing in new[] { "cache", "ollama" })
        {
            Assert.Equal("parameter.v0", manifest.TypeOf(existing));
            Assert.Equal($"{{{existing}.value}}", manifest.Resource(existing).GetProperty("connectionString").GetString());
            Assert.True(manifest.Resource(existing).GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        }

        // Your Ollama's models are local aliases like ours: compacted, with the window Cursor's agent needs for auto (no advisor sees that machine).
        Assert.Equal("ollama", manifest.Environment("proxy")["Proxy__Models__local-qwen2.5-coder-7b__Provider"]);
        Assert.Equal("true", manifest.Environment("proxy")["Proxy__Models__local-qwen2.5-coder-7b__Compaction"]);
        Assert.Equal("32768", manifest.Environment("proxy")["Proxy__Models__local-qwen2.5-coder-7b__ContextLength"]);

        Assert.DoesNotContain("managedRedisSecret", manifest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("gpu-box", manifest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("cache-password", manifest.Resources.Keys);

        // The named tunnel: the pinned cloudflared running the token's tunnel; the proxy internal behind it, its URL fixed.
        Assert.Equal("container.v0", manifest.TypeOf("tunnel"));
        Assert.Equal($"docker.io/cloudflare/cloudflared:{PinnedVersions.Cloudflared}", manifest.Resource("tunnel").GetProperty("image").GetString());
        Assert.Equal(["tunnel", "--no-autoupdate", "run"], manifest.Arguments("tunnel"));
        Assert.Equal("{cloudflare-tunnel-token.value}", manifest.Environment("tunnel")["TUNNEL_TOKEN"]);
        Assert.DoesNotContain("tunnelTokenSecret", manifest.Text, StringComparison.Ordinal);
        Assert.False(manifest.IsExternal("proxy", "http"), "behind a named tunnel nothing but cloudflared should reach the proxy");
        Assert.Equal("https://cursor.example.com", manifest.Environment("proxy")["Proxy__PublicBaseUrl"]);
    }

    [Fact]
    public async Task YourOwnIngressAndNoLocalModels()
    {
        var manifest = await PublishedManifest.PublishAsync(
            [.. BareMachine, "--AppHost:PublicBaseUrl=https://cursor.example.com", "--Ollama:Models:0=", "--Cache:MaxMemory=2gb"]);

        AssertDeployable(manifest);
        AssertProxyWithHealthEndpoints(manifest, replicas: 2);
        Assert.True(manifest.IsExternal("proxy", "http"));
        Assert.Equal("https://cursor.example.com", manifest.Environment("proxy")["Proxy__PublicBaseUrl"]);
        Assert.DoesNotContain("tunnel", manifest.Resources.Keys);
        Assert.DoesNotContain("ollama", manifest.Resources.Keys); // no model, no GPU node for nothing
        Assert.DoesNotContain("ConnectionStrings__ollama", manifest.Environment("proxy").Keys);
        Assert.Contains("--maxmemory 2gb --maxmemory-policy volatile-lru", manifest.Arguments("cache")[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AmdGpusTakeTheRocmImage()
    {
        var manifest = await PublishedManifest.PublishAsync([.. BareMachine, "--Ollama:Gpu=amd"]);

        AssertDeployable(manifest);
        Assert.Equal($"docker.io/{OllamaContainerImageTags.Image}:{PinnedVersions.OllamaRocm}", manifest.Resource("ollama").GetProperty("image").GetString());
        Assert.Equal("amd.com/gpu", manifest.Hints("ollama").GetProperty("gpu").GetProperty("kubernetesResource").GetString());
    }

    [Fact]
    public async Task EverySecretIsAParameterNeverAValue()
    {
        string[] secrets =
        [
            "openAIKeySecret0123456789", "anthropicKeySecret0123456789", "aliceKeySecret0123456789", "groqKeySecret0123456789",
            "secondApiKeySecret0123456789", "tunnelTokenSecret0123456789",
        ];
        var manifest = await PublishedManifest.PublishAsync(
        [
            .. BareMachine,
            $"--Parameters:openai-api-key={secrets[0]}",
            $"--Parameters:anthropic-api-key={secrets[1]}",
            $"--Proxy:Keys:alice:Key={secrets[2]}",
            "--Proxy:Keys:alice:TokensPerDay=100000",
            "--Proxy:Providers:groq:Kind=OpenAI",
            "--Proxy:Providers:groq:Endpoint=https://api.groq.com/openai/v1",
            $"--Proxy:Providers:groq:ApiKey={secrets[3]}",
            $"--Proxy:ApiKeys:1={secrets[4]}",
            "--CloudflareTunnel:Hostname=cursor.example.com",
            $"--Parameters:cloudflare-tunnel-token={secrets[5]}",
        ]);

        AssertDeployable(manifest);
        foreach (var secret in secrets.Append(AppHostModel.TestApiKey).Append(AppHostModel.TestCachePassword))
        {
            Assert.DoesNotContain(secret, manifest.Text, StringComparison.Ordinal);
        }

        var proxy = manifest.Environment("proxy");
        Assert.Equal("{proxy-keys-alice-key.value}", proxy["Proxy__Keys__alice__Key"]);
        Assert.Equal("100000", proxy["Proxy__Keys__alice__TokensPerDay"]); // not a secret: written as it is
        Assert.Equal("{proxy-providers-groq-apikey.value}", proxy["Proxy__Providers__groq__ApiKey"]);
        Assert.Equal("https://api.groq.com/openai/v1", proxy["Proxy__Providers__groq__Endpoint"]);
        Assert.Equal("{proxy-apikeys-1.value}", proxy["Proxy__ApiKeys__1"]);
        Assert.Equal("{openai-api-key.value}", proxy["Proxy__Providers__openai__ApiKey"]);
        Assert.Equal("{anthropic-api-key.value}", proxy["Proxy__Providers__anthropic__ApiKey"]);
    }

    [Fact]
    public void ACheckerThatFindsNothingWrongFindsWhatIsWrong()
    {
        var broken = PublishedManifest.Read("""
            {
              "resources": {
                "tool": { "type": "executable.v0", "command": "x" },
                "app": {
                  "type": "container.v0",
                  "image": "x",
                  "env": {
                    "ConnectionStrings__cache": "{cache.connectionString}",
                    "API": "{app.bindings.https.url}",
                    "Proxy__ApiKeys__0": "literal-key",
                    "TUNNEL_TOKEN": "{plain.value}"
                  },
                  "bindings": { "http": { "scheme": "http", "protocol": "tcp", "transport": "http" } }
                },
                "plain": { "type": "parameter.v0", "value": "{plain.inputs.value}", "inputs": { "value": { "type": "string" } } },
                "encoded": { "type": "annotated.string", "value": "{plain.value}", "filter": "uri" }
              }
            }
            """);

        var problems = broken.Problems();
        Assert.Contains("tool is an executable", problems);
        Assert.Contains(problems, p => p.StartsWith("app: {cache.connectionString} names no resource", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("app: {app.bindings.https.url} but app has no binding https", StringComparison.Ordinal));
        Assert.Contains("encoded is a annotated.string, which not every deployment tool knows", problems);
        Assert.Equal(["app: Proxy__ApiKeys__0=literal-key", "app: TUNNEL_TOKEN={plain.value}"], broken.SecretsNotAsParameters().Order());
    }
}
