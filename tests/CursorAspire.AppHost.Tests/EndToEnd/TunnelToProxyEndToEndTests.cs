using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CursorAspire.AppHost.Tests.EndToEnd;

/// <summary>
/// The whole path Cursor's servers take, on loopback: the real AppHost with a cloudflared stand-in (real log lines,
/// an edge that forwards by hostname) in front of the real proxy, and the Ollama stand-in behind it.
/// </summary>
public sealed class TunnelToProxyEndToEndTests
{
    private const string ApiKey = "tunnel-e2e-key-0123456789abcdefghijkl";

    [Fact]
    public async Task PublicUrlReachesTheProxyHealthPassesThroughItAndCursorTrafficFlowsEndToEnd()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = cts.Token;
        var edgePort = StandIn.FreePort();
        var (builder, ollama) = await StandIn.CreateAppHostAsync(
            ApiKey,
            [
                $"--CloudflareTunnel:CloudflaredPath={StandIn.CloudflaredPath}",
                // The stand-in's trycloudflare.com URL does not resolve: Check as Cursor has its own end-to-end tests.
                "--CursorCheck:AutoRun=false",
            ],
            ct);
        ollama
            .WithEnvironment("STANDIN_MODELS", StandIn.Model); // present already: no download in this test
        var tunnel = StandIn.RouteTunnelThroughEdge(builder, edgePort);

        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();

        // The tunnel turns healthy only when GET <public URL>/health answered through the edge: the proxy answered.
        var healthy = await notifications.WaitForResourceAsync(tunnel.Name,
            e => e.Snapshot.HealthStatus == HealthStatus.Healthy && e.Snapshot.Urls.Any(u => u.Url.Contains(".trycloudflare.com", StringComparison.Ordinal)), ct);
        var publicUrl = healthy.Snapshot.Urls.First(u => u.DisplayProperties.DisplayName == "Public URL").Url.TrimEnd('/');
        var publicHost = new Uri(publicUrl).Host;
        Assert.Contains(healthy.Snapshot.Urls, u => u.Url == publicUrl + "/v1");

        // The proxy got the URL and says it on its status page, fetched through the tunnel as Cursor would reach it.
        await notifications.WaitForResourceHealthyAsync("proxy", ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using (var status = await SendThroughEdgeAsync(http, edgePort, publicHost, HttpMethod.Get, "/", null, null, ct))
        {
            Assert.Contains($"{publicUrl}/v1", await status.Content.ReadAsStringAsync(ct));
        }

        // Cursor's traffic: a streamed chat through the edge, the proxy and the local model.
        var body = $$"""{"model":"local-qwen2.5-coder-7b","stream":true,"messages":[{"role":"user","content":"hello through the tunnel"}]}""";
        using var chat = await SendThroughEdgeAsync(http, edgePort, publicHost, HttpMethod.Post, "/v1/chat/completions", body, ApiKey, ct);
        var text = await chat.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal("text/event-stream", chat.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("data: [DONE]\n\n", text);
        var content = string.Concat(text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e["data: ".Length..])
            .Where(d => d != "[DONE]")
            .Select(d => System.Text.Json.JsonDocument.Parse(d).RootElement.GetProperty("choices"))
            .Where(c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out _))
            .Select(c => c[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal("Echo: hello through the tunnel", content); // the Ollama stand-in's echo, streamed back intact

        // And without the key the public URL gives nothing away.
        using var anonymous = await SendThroughEdgeAsync(http, edgePort, publicHost, HttpMethod.Post, "/v1/chat/completions", body, null, ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendThroughEdgeAsync(
        HttpClient http, int edgePort, string host, HttpMethod method, string path, string? json, string? apiKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, $"http://127.0.0.1:{edgePort}{path}");
        request.Headers.Host = host;
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        if (apiKey is not null)
        {
            request.Headers.Authorization = new("Bearer", apiKey);
        }
        return await http.SendAsync(request, ct);
    }
}
