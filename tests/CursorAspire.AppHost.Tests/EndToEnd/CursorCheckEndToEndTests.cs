using CursorAspire.AppHost.Check;
using CursorAspire.Check;
using CursorAspire.CloudflaredStandIn;

namespace CursorAspire.AppHost.Tests.EndToEnd;

/// <summary>
/// "Check as Cursor" under the real AppHost: the cloudflared stand-in in front of the real proxy, the Ollama stand-in
/// behind it. The check runs by itself once the tunnel is healthy, shows on the proxy's row and log and once in the
/// console, runs again from the dashboard command, and names each fault: the edge answering 530, a wrong key, a model
/// without tool calls, a small context window, a slow first token, the upstream down.
/// </summary>
[Collection(AspireRunsCollection.Name)]
public sealed class CursorCheckEndToEndTests
{
    private const string ApiKey = "check-e2e-key-0123456789abcdefghijkl";
    private static readonly string ConsoleCategory = typeof(CursorCheck).FullName!;

    [Fact]
    public async Task OnAHealthySetupEveryStepPassesByItselfAndOnDemand_AndAWrongKeyIsNamed()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        var edgePort = StandIn.FreePort();
        var console = new CapturedConsole();
        // The model calls the tool it is offered, and reports no usage (the proxy estimates it, as for any upstream).
        var reply = JsonSerializer.Serialize(new { ToolCalls = new[] { new { Name = "ReadFile", ArgumentsJson = """{"path":"/workspace/README.md"}""" } }, Usage = (object?)null });
        var builder = await CreateBuilderAsync(edgePort, console, reply, ct);

        await using var app = await builder.BuildAsync(ct);
        await using var proxyStates = new ResourceStates(app.Services.GetRequiredService<ResourceNotificationService>(), "proxy");
        await app.StartAsync(ct);

        // By itself, once the tunnel turned healthy: on the proxy's row, in its log step by step, and once in the console.
        await proxyStates.WaitUntilAsync(s => Property(s, CursorCheckPublisher.SummaryProperty) is { } v && v != "running…", ct);
        var log = await ProxyLogAsync(app);
        Assert.True(Property(proxyStates, CursorCheckPublisher.SummaryProperty) == "9/9 passed",
            $"The automatic check did not pass:\n{string.Join('\n', log.Where(l => l.Contains("Cursor check", StringComparison.Ordinal)))}");
        Assert.Equal("none", Property(proxyStates, CursorCheckPublisher.ProblemsProperty));
        foreach (var step in new[] { "Public URL", "Models and key", "Verify", $"Chat ({StandIn.Alias})", $"Agent tools ({StandIn.Alias})", $"Context window ({StandIn.Alias})", $"Agent tools, Claude-style body ({StandIn.Alias})", $"Variant name ({StandIn.Alias}-thinking)", "CORS preflight" })
        {
            Assert.Contains(log, l => l.Contains($"Cursor check: [PASS] {step} (", StringComparison.Ordinal));
        }

        Assert.Contains(log, l => l.Contains("Cursor check: 9/9 passed", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains(ApiKey, StringComparison.Ordinal));
        var report = Assert.Single(console.Messages(ConsoleCategory));
        Assert.Matches(@"^Cursor check of https://[a-z-]+\.trycloudflare\.com/v1: 9/9 passed", report);

        // On demand: the dashboard command.
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var onDemand = await commands.ExecuteCommandAsync("proxy", CursorCheckBuilderExtensions.CommandName, ct);
        Assert.True(onDemand.Success, onDemand.Message);
        Assert.Equal("Cursor check: 9/9 passed", onDemand.Message);

        // A wrong key, through the same public URL: refused, and said so.
        var publicUrl = new Uri(Property(proxyStates, "cursor.baseUrl")!);
        using (var http = new HttpClient(new EdgeRedirectHandler(edgePort) { InnerHandler = new SocketsHttpHandler() }))
        {
            var wrongKey = await new CursorCheck(http, new CursorCheckOptions { BaseUrl = publicUrl, ApiKey = "wrong-key-0123456789abcdefghijklmn" }).RunAsync(cancellationToken: ct);
            var models = Assert.Single(wrongKey.Results, r => r.Name == "Models and key");
            Assert.Equal(CheckOutcome.Fail, models.Outcome);
            Assert.Contains("The key is refused (HTTP 401", models.Message);
        }
    }

    [Fact]
    public async Task TheEdgeAnswering530IsNamedFromTheDashboardCommand()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        var edgePort = StandIn.FreePort();
        var builder = await CreateBuilderAsync(edgePort, new CapturedConsole(), reply: null, ct);
        var tunnel = Assert.Single(builder.Resources.OfType<ICloudflareTunnelResource>());
        builder.CreateResourceBuilder(tunnel).WithEnvironment("CLOUDFLARED_STANDIN_EDGE", "530");

        await using var app = await builder.BuildAsync(ct);
        await using var proxyStates = new ResourceStates(app.Services.GetRequiredService<ResourceNotificationService>(), "proxy");
        await app.StartAsync(ct);
        // The proxy is healthy locally; the tunnel never turns healthy (so the check does not run by itself).
        await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync("proxy", ct);
        await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceAsync(tunnel.Name, e => e.Snapshot.Urls.Any(u => u.Url.Contains(".trycloudflare.com", StringComparison.Ordinal)), ct);

        var result = await app.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync("proxy", CursorCheckBuilderExtensions.CommandName, ct);

        Assert.False(result.Success);
        Assert.Equal("Cursor check: 0/9 passed, 1 failed, 8 not run", result.Message);
        var log = string.Join('\n', await ProxyLogAsync(app));
        Assert.Contains("Cursor check: [FAIL] Public URL", log, StringComparison.Ordinal);
        Assert.Contains("Cloudflare has no tunnel connected for this hostname (HTTP 530, Cloudflare error 1033)", log, StringComparison.Ordinal);
        Assert.Equal("0/9 passed, 1 failed, 8 not run", Property(proxyStates, CursorCheckPublisher.SummaryProperty));
    }

    [Fact]
    public async Task WithAFixedPublicUrlAModelWithoutToolsASmallWindowASlowFirstTokenAndAProviderDownAreEachNamed()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        const string publicHost = "cursor-check.example.test";
        DistributedApplication? started = null;
        var (builder, ollama) = await StandIn.CreateAppHostAsync(
            ApiKey,
            [
                $"--AppHost:PublicBaseUrl=https://{publicHost}",
                "--Ollama:ContextLength=4096",
                "--CursorCheck:SlowFirstToken=00:00:00.5",
                // A remote provider whose server is down: nothing listens at its endpoint.
                "--Parameters:openai-api-key=sk-check-e2e",
                $"--OpenAI:Endpoint=http://127.0.0.1:{StandIn.FreePort()}/v1",
                "--OpenAI:Models:0=gpt-4.1",
            ],
            ct);
        ollama
            .WithEnvironment("STANDIN_MODELS", StandIn.Model)
            // A model that answers in text, and takes a second to start every answer.
            .WithEnvironment("STANDIN_REPLY", JsonSerializer.Serialize(new { TextChunks = new[] { "I would read ", "the file." }, DelayBeforeFirstByte = "00:00:01" }));
        // Your own HTTPS front end, played by a handler: the public hostname reaches the proxy's local endpoint.
        builder.Services.AddHttpClient(CursorCheckPublisher.HttpClientName)
            .AddHttpMessageHandler(() => new FrontEnd(publicHost, () => started!.GetEndpoint("proxy", "http")));

        await using var app = started = await builder.BuildAsync(ct);
        await using var proxyStates = new ResourceStates(app.Services.GetRequiredService<ResourceNotificationService>(), "proxy");
        await app.StartAsync(ct);

        await proxyStates.WaitUntilAsync(s => Property(s, CursorCheckPublisher.SummaryProperty) is { } v && v != "running…", ct);
        var log = string.Join('\n', await ProxyLogAsync(app));
        Assert.True(Property(proxyStates, CursorCheckPublisher.SummaryProperty) == "6/12 passed, 1 warning, 5 failed", log);
        Assert.Contains($"Cursor check: [PASS] Public URL (", log, StringComparison.Ordinal);
        Assert.Contains($"Cursor check: [WARN] Chat ({StandIn.Alias})", log, StringComparison.Ordinal);
        Assert.Contains("The first token took", log, StringComparison.Ordinal);
        Assert.Contains($"Cursor check: [FAIL] Agent tools ({StandIn.Alias})", log, StringComparison.Ordinal);
        Assert.Contains("This model does not call tools: agent mode will not work with it", log, StringComparison.Ordinal);
        Assert.Contains($"Cursor check: [FAIL] Context window ({StandIn.Alias})", log, StringComparison.Ordinal);
        Assert.Contains("Ollama would truncate Cursor's prompt: raise `Ollama:ContextLength`", log, StringComparison.Ordinal);
        Assert.Contains("Cursor check: [FAIL] Chat (openai-gpt-4.1)", log, StringComparison.Ordinal);
        Assert.Contains("The proxy cannot reach the model's server", log, StringComparison.Ordinal);
        Assert.Contains("Cursor check: [PASS] Context window (openai-gpt-4.1) (", log, StringComparison.Ordinal); // remote: not probed
        Assert.Contains($"Cursor check: [FAIL] Agent tools, Claude-style body ({StandIn.Alias})", log, StringComparison.Ordinal); // it calls no tools in any dialect
        Assert.Contains($"Cursor check: [PASS] Variant name ({StandIn.Alias}-thinking)", log, StringComparison.Ordinal);
        var problems = Property(proxyStates, CursorCheckPublisher.ProblemsProperty)!;
        Assert.Equal(6, problems.Split('\n').Length);
    }

    private static async Task<IDistributedApplicationTestingBuilder> CreateBuilderAsync(int edgePort, CapturedConsole console, string? reply, CancellationToken ct)
    {
        var (builder, ollama) = await StandIn.CreateAppHostAsync(ApiKey, [$"--CloudflareTunnel:CloudflaredPath={StandIn.CloudflaredPath}"], ct);
        ollama.WithEnvironment("STANDIN_MODELS", StandIn.Model); // present already: no download
        if (reply is not null)
        {
            ollama.WithEnvironment("STANDIN_REPLY", reply);
        }

        StandIn.RouteTunnelThroughEdge(builder, edgePort);
        builder.Services.AddLogging(logging => logging.AddProvider(console));
        return builder;
    }

    private static string? Property(ResourceStates states, string name) =>
        states.Last?.Properties.FirstOrDefault(p => p.Name == name)?.Value as string;

    private static async Task<List<string>> ProxyLogAsync(DistributedApplication app)
    {
        var proxy = Assert.Single(app.Services.GetRequiredService<DistributedApplicationModel>().Resources, r => r.Name == "proxy");
        var lines = new List<string>();
        await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(proxy))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }

        return lines;
    }

    /// <summary>Sends requests for <paramref name="host"/> to <paramref name="target"/>, as an HTTPS front end would.</summary>
    private sealed class FrontEnd(string host, Func<Uri> target) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.Host == host)
            {
                var endpoint = target();
                request.RequestUri = new UriBuilder(request.RequestUri) { Scheme = endpoint.Scheme, Host = endpoint.Host, Port = endpoint.Port }.Uri;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
