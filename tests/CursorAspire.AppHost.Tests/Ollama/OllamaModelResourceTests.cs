using System.Net.Http.Json;
using CursorAspire.AppHost.Ollama;

namespace CursorAspire.AppHost.Tests.Ollama;

/// <summary>The Ollama integration run by Aspire against the Ollama stand-in executable (<c>serve</c>).</summary>
[Collection(AspireRunsCollection.Name)]
public sealed class OllamaModelResourceTests
{
    private const string ModelName = "qwen2.5-coder:7b";

    [Fact]
    public async Task AMissingModelIsPulledShowingDownloadProgressThenBecomesHealthy()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var run = await ModelRun.StartAsync(cts.Token, ("STANDIN_PULL_STEP_MS", "100"));

        var seen = run.States.Seen;
        var progress = seen.Where(s => s.StartsWith(OllamaModelStates.DownloadingPrefix, StringComparison.Ordinal))
            .Select(s => int.Parse(s[OllamaModelStates.DownloadingPrefix.Length..].TrimEnd('%'), CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(progress.Count >= 3, $"Expected several download states, saw: {string.Join(" → ", seen)}");
        Assert.Equal(100, progress[^1]);
        Assert.Equal(KnownResourceStates.Running, seen[^1]);
        Assert.Contains(await ListedModelsAsync(run.Server, cts.Token), m => OllamaModelNames.AreSame(ModelName, m));
    }

    [Fact]
    public async Task APresentModelIsNotDownloadedAgain()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var run = await ModelRun.StartAsync(cts.Token, ("STANDIN_MODELS", ModelName));
        var states = run.States;

        Assert.DoesNotContain(states.Seen, s => s.StartsWith(OllamaModelStates.DownloadingPrefix, StringComparison.Ordinal));
        Assert.Equal(KnownResourceStates.Running, states.Seen[^1]);
    }

    [Fact]
    public async Task TheModelWaitsForTheServerBeforePulling()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var run = await ModelRun.StartAsync(cts.Token);
        var states = run.States;

        // Aspire shows "Waiting" while WaitFor(server) holds the model back; the pull comes after.
        var seen = states.Seen.ToList();
        var waiting = seen.IndexOf(KnownResourceStates.Waiting);
        var firstPullStep = seen.FindIndex(s => s.StartsWith(OllamaModelStates.DownloadingPrefix, StringComparison.Ordinal) || s.StartsWith("Pulling", StringComparison.Ordinal));
        Assert.True(waiting >= 0 && firstPullStep > waiting, $"Expected Waiting before the pull, saw: {string.Join(" → ", seen)}");
    }

    [Fact]
    public async Task ThePullAgainCommandDownloadsAPresentModelAgain()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var run = await ModelRun.StartAsync(cts.Token, ("STANDIN_MODELS", ModelName), ("STANDIN_PULL_STEP_MS", "50"));
        var states = run.States;
        Assert.DoesNotContain(states.Seen, s => s.StartsWith(OllamaModelStates.DownloadingPrefix, StringComparison.Ordinal));

        var result = await run.App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(run.Model, OllamaResourceBuilderExtensions.PullCommandName, cts.Token);

        Assert.True(result.Success, result.Message);
        // The watcher sees notifications asynchronously: wait for the model to settle back to Running.
        var downloaded = $"{OllamaModelStates.DownloadingPrefix}100%";
        await states.WaitUntilAsync(s => s.Seen.Contains(downloaded) && s.Seen[^1] == KnownResourceStates.Running, cts.Token); // the 120 s token fails the test if it never settles
        var seen = states.Seen;
        Assert.True(Array.LastIndexOf(seen.ToArray(), downloaded) < seen.Count - 1, $"Running after the download: {string.Join(" → ", seen)}");
    }

    /// <summary>
    /// The Ollama stand-in (<c>serve</c>, with the environment given to <see cref="StartAsync"/>) and <see cref="ModelName"/> on it in an
    /// empty app, started and the model healthy; its states recorded from before the start.
    /// </summary>
    private sealed record ModelRun(DistributedApplication App, IOllamaServerResource Server, OllamaModelResource Model, ResourceStates States) : IAsyncDisposable
    {
        public static async Task<ModelRun> StartAsync(CancellationToken ct, params (string Name, string Value)[] environment)
        {
            var builder = await EmptyApp.CreateAsync(ct);
            var ollama = builder.AddOllamaExecutable("test-ollama", StandIn.Dotnet, StandIn.AssemblyPath, "serve");
            foreach (var (name, value) in environment)
            {
                ollama.WithEnvironment(name, value);
            }

            var model = ollama.AddModel(ModelName);
            var app = await builder.BuildAsync(ct);
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            var run = new ModelRun(app, ollama.Resource, model.Resource, new ResourceStates(notifications, model.Resource.Name));
            try
            {
                await app.StartAsync(ct);
                await notifications.WaitForResourceHealthyAsync(model.Resource.Name, ct);
                return run;
            }
            catch
            {
                await run.DisposeAsync(); // stops the stand-in the test will never see
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await States.DisposeAsync();
            await App.DisposeAsync();
        }
    }

    private static async Task<List<string>> ListedModelsAsync(IOllamaServerResource server, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.PrimaryEndpoint.Url) };
        using var tags = await http.GetFromJsonAsync<JsonDocument>("/api/tags", ct);
        return tags!.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()!).ToList();
    }
}
