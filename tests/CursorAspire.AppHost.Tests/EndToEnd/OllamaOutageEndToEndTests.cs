using CursorAspire.AppHost.Ollama;
using Xunit.Abstractions;

namespace CursorAspire.AppHost.Tests.EndToEnd;

/// <summary>
/// <c>ollama serve</c> killed under the AppHost (an out-of-memory kill, a user quitting it), played by the Ollama
/// stand-in run as a real process: the next requests are told within a second that Ollama is not running, streamed and
/// not; Ollama is started again by itself, with the model it downloaded still there, and answers again.
/// </summary>
[Collection(AspireRunsCollection.Name)]
public sealed class OllamaOutageEndToEndTests(ITestOutputHelper output)
{
    private const string ApiKey = "outage-e2e-key-0123456789abcdefghijklm";

    [Fact]
    public async Task AKilledOllamaIsA503WithinASecondStreamedAndNotThenItIsRestartedWithItsModelAndAnswers()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        var models = Directory.CreateTempSubdirectory("ollama-models-").FullName;
        await using var otlp = await OtlpTraceReceiver.StartAsync(); // a live intake, as the dashboard's: the proxy's stops stay short
        try
        {
            var (builder, ollamaStandIn) = await StandIn.CreateAppHostAsync(ApiKey, ["--CloudflareTunnel:AutoInstall=false"], ct);
            // The model is not there at first: it is downloaded once, into OLLAMA_MODELS, as real Ollama keeps it.
            ollamaStandIn
                .WithEnvironment("OLLAMA_MODELS", models)
                .WithEnvironment("STANDIN_PULL_STEP_MS", "20");
            otlp.ExportHere(builder);

            await using var app = await builder.BuildAsync(ct);
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            await app.StartAsync(ct);
            await notifications.WaitForResourceHealthyAsync("proxy", ct);
            using var http = app.CreateHttpClient("proxy", "http");
            await AssertAnswersAsync(http, ct);

            // Kill it, as the kernel's out-of-memory killer would.
            var running = await notifications.WaitForResourceAsync("ollama", e => Pid(e) is not null, ct);
            using (var ollama = Process.GetProcessById(Pid(running)!.Value))
            {
                ollama.Kill();
                await ollama.WaitForExitAsync(ct);
            }

            var killed = Stopwatch.StartNew();
            var answers = await Task.WhenAll(TimedAsync(http, stream: false, ct), TimedAsync(http, stream: true, ct));
            foreach (var (stream, status, body, took) in answers)
            {
                output.WriteLine($"{(stream ? "Streamed" : "Non-streamed")} request after the kill: {(int)status} in {took.TotalMilliseconds:0} ms.");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                var error = JsonNode.Parse(body)!["error"]!;
                Assert.Equal("upstream_unavailable", (string?)error["code"]);
                Assert.StartsWith("Ollama is not running", (string?)error["message"], StringComparison.Ordinal);
                Assert.Contains("the dashboard's 'ollama' row", (string?)error["message"], StringComparison.Ordinal);
                Assert.True(took < TimeSpan.FromSeconds(1), $"The {(stream ? "streamed" : "non-streamed")} answer took {took.TotalMilliseconds:0} ms.");
            }

            // Started again by itself; the dashboard says so and why.
            var restarted = await notifications.WaitForResourceAsync(
                "ollama", e => e.Snapshot.State?.Text == KnownResourceStates.Running && Pid(e) is { } pid && pid != Pid(running), ct);
            await notifications.WaitForResourceHealthyAsync("ollama", ct);
            output.WriteLine($"Ollama running and healthy again {killed.Elapsed.TotalSeconds:0.0} s after the kill.");
            var restarts = restarted.Snapshot.Properties.Single(p => p.Name == "restarts").Value as string;
            Assert.StartsWith("1 (last: was killed at ", restarts, StringComparison.Ordinal);
            Assert.Contains(await LogAsync(app, "ollama", ct), l => l.Contains("ollama was killed after running", StringComparison.Ordinal) && l.Contains("restarting it in 1 s (restart 1)", StringComparison.Ordinal));

            await AssertAnswersAsync(http, ct);
            output.WriteLine($"First 200 {killed.Elapsed.TotalSeconds:0.0} s after the kill.");

            // Its model was still there: the restarted Ollama lists it (the model's health) and was never asked to pull it.
            await notifications.WaitForResourceHealthyAsync(OllamaModelNames.ToResourceName("ollama", StandIn.Model), ct);
            var log = await LogAsync(app, "ollama", ct); // the restarted process's output, with its access log
            Assert.Contains(log, l => l.Contains("\"/api/tags\"", StringComparison.Ordinal));
            Assert.DoesNotContain(log, l => l.Contains("\"/api/pull\"", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }
    }

    private static int? Pid(ResourceEvent e) =>
        e.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            && int.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), out var pid) && pid > 0 ? pid : null;

    private static async Task AssertAnswersAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.SendAsync(Chat(stream: true), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("data: [DONE]\n\n", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    private static async Task<(bool Stream, HttpStatusCode Status, string Body, TimeSpan Took)> TimedAsync(HttpClient http, bool stream, CancellationToken ct)
    {
        var took = Stopwatch.StartNew();
        using var response = await http.SendAsync(Chat(stream), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return (stream, response.StatusCode, body, took.Elapsed);
    }

    private static HttpRequestMessage Chat(bool stream)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{StandIn.Alias}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return request;
    }

    private static async Task<List<string>> LogAsync(DistributedApplication app, string resourceName, CancellationToken ct)
    {
        var resource = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var lines = new List<string>();
        await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resource).WithCancellation(ct))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }

        return lines;
    }
}
