using CursorAspire.Check.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CursorAspire.Check.Tests;

/// <summary><c>cursoraspire-check [check] --url … --key …</c>: output, defaults and exit codes.</summary>
public sealed class CursorCheckCommandLineTests
{
    private readonly FakeCursorServer _server = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    [Fact]
    public void OnlyALeadingCheckSelectsTheCheck()
    {
        Assert.True(CursorCheckCommandLine.IsCheck(["check", "--url", "https://x/v1"]));
        Assert.False(CursorCheckCommandLine.IsCheck(["--AppHost:ContainerRuntime=none", "check"]));
        Assert.False(CursorCheckCommandLine.IsCheck([]));
    }

    [Fact]
    public async Task AHealthyServerPrintsEachStepAndExitsZero()
    {
        var exit = await RunAsync("check", "--url", FakeCursorServer.BaseUrl.ToString(), "--key", FakeCursorServer.Key);

        Assert.Equal(0, exit);
        var lines = _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"Checking {FakeCursorServer.BaseUrl} as Cursor would…", lines[0]);
        Assert.Equal(9, lines.Count(l => l.StartsWith("[PASS]", StringComparison.Ordinal)));
        Assert.Equal("Cursor check: 9/9 passed", lines[^1]);
        Assert.DoesNotContain(FakeCursorServer.Key, _output.ToString());
    }

    [Fact]
    public async Task TheVerbMayBeLeftOut()
    {
        var exit = await RunAsync("--url", FakeCursorServer.BaseUrl.ToString(), "--key", FakeCursorServer.Key);

        Assert.Equal(0, exit);
        Assert.Contains("Cursor check: 9/9 passed", _output.ToString());
    }

    [Fact]
    public async Task AFailedStepExitsOne()
    {
        _server.CallsTools = false;

        var exit = await RunAsync("check", "--url", FakeCursorServer.BaseUrl.ToString(), "--key", FakeCursorServer.Key);

        Assert.Equal(1, exit);
        Assert.Contains("[FAIL] Agent tools (local-qwen)", _output.ToString());
        Assert.Contains("Cursor check: 7/9 passed, 2 failed", _output.ToString());
    }

    [Fact]
    public async Task TheKeyDefaultsToTheVariableThenToTheAppHostsOwnParameter()
    {
        Assert.Equal(0, await RunAsync(new Dictionary<string, string?> { ["Parameters:proxy-api-key"] = FakeCursorServer.Key }, "check", "--url", FakeCursorServer.BaseUrl.ToString()));
        Assert.Equal(0, await RunAsync(new Dictionary<string, string?>
        {
            [CursorCheckCommandLine.KeyVariable] = FakeCursorServer.Key,
            ["Parameters:proxy-api-key"] = "some-other-key",
        }, "check", "--url", FakeCursorServer.BaseUrl.ToString()));
    }

    [Fact]
    public async Task ModelsAndTheContextProbeCanBeChosen()
    {
        _server.Models = [FakeCursorServer.Model, "local-other"];

        var exit = await RunAsync("check", "--url", FakeCursorServer.BaseUrl.ToString(), "--key", FakeCursorServer.Key, "--model", "local-other", "--context-tokens", "0");

        Assert.Equal(0, exit);
        Assert.Contains("[PASS] Chat (local-other)", _output.ToString());
        Assert.DoesNotContain("Chat (local-qwen)", _output.ToString());
        Assert.DoesNotContain("Context window", _output.ToString());
    }

    [Theory]
    [InlineData("check", "--key", "k")]
    [InlineData("check", "--url", "not a url", "--key", "k")]
    [InlineData("check", "--url", "https://x.example/v1")]
    [InlineData("check", "--url", "https://x.example/v1", "--key", "k", "--bogus")]
    [InlineData("check", "--url", "https://x.example/v1", "--key", "k", "--timeout", "soon")]
    public async Task AWrongCommandLineExitsTwoWithTheUsage(params string[] args)
    {
        var exit = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains("Usage: cursoraspire-check [check] --url", _error.ToString());
        Assert.Empty(_server.Requests);
    }

    private Task<int> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    private async Task<int> RunAsync(Dictionary<string, string?> settings, params string[] args)
    {
        using var http = _server.CreateClient();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return await CursorCheckCommandLine.RunAsync(args, http, configuration, _output, _error);
    }
}
