using CursorAspire.Contracts;
using Microsoft.Extensions.Configuration;

namespace CursorAspire.Check.Tests;

/// <summary>
/// <c>cursoraspire-check [check] --url …</c>: output, defaults and exit codes; the key from the environment, standard
/// input or the AppHost's user secrets, never the command line; the check's proof with the check secret.
/// </summary>
public sealed class CursorCheckCommandLineTests : IDisposable
{
    private const string Secret = "check-secret-for-the-tests-0123456789abcdef";

    private static readonly Dictionary<string, string?> KeyInEnvironment = new() { [CursorCheckCommandLine.KeyVariable] = FakeCursorServer.Key };

    private readonly FakeCursorServer _server = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        _server.Dispose();
        _output.Dispose();
        _error.Dispose();
    }

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
        var exit = await RunAsync(KeyInEnvironment, "check", "--url", FakeCursorServer.BaseUrl.ToString());

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
        var exit = await RunAsync(KeyInEnvironment, "--url", FakeCursorServer.BaseUrl.ToString());

        Assert.Equal(0, exit);
        Assert.Contains("Cursor check: 9/9 passed", _output.ToString());
    }

    [Fact]
    public async Task AFailedStepExitsOne()
    {
        _server.CallsTools = false;

        var exit = await RunAsync(KeyInEnvironment, "check", "--url", FakeCursorServer.BaseUrl.ToString());

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

        var exit = await RunAsync(KeyInEnvironment, "check", "--url", FakeCursorServer.BaseUrl.ToString(), "--model", "local-other", "--context-tokens", "0");

        Assert.Equal(0, exit);
        Assert.Contains("[PASS] Chat (local-other)", _output.ToString());
        Assert.DoesNotContain("Chat (local-qwen)", _output.ToString());
        Assert.DoesNotContain("Context window", _output.ToString());
    }

    [Fact]
    public async Task TheKeyCanBePipedInOnStandardInput()
    {
        var exit = await RunWithInputAsync(new Dictionary<string, string?>(), FakeCursorServer.Key + "\n", "check", "--url", FakeCursorServer.BaseUrl.ToString(), "--key-stdin");

        Assert.Equal(0, exit);
        Assert.Contains(_server.Requests, r => r.Headers.Authorization?.Parameter == FakeCursorServer.Key);
    }

    [Fact]
    public async Task AKeyOnTheCommandLineIsRefusedWithHowToPassIt()
    {
        var exit = await RunAsync("check", "--url", FakeCursorServer.BaseUrl.ToString(), "--key", FakeCursorServer.Key);

        Assert.Equal(2, exit);
        Assert.Contains("--key is not taken", _error.ToString());
        Assert.Contains(CursorCheckCommandLine.KeyVariable, _error.ToString());
        Assert.Contains("--key-stdin", _error.ToString());
        Assert.DoesNotContain(FakeCursorServer.Key, _error.ToString());
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task WithTheCheckSecretEveryRequestCarriesAProofForItsKeyAndWithoutItNone()
    {
        Assert.Equal(0, await RunAsync(new Dictionary<string, string?>(KeyInEnvironment) { [CursorCheckCommandLine.CheckSecretVariable] = Secret }, "check", "--url", FakeCursorServer.BaseUrl.ToString()));

        var keyed = _server.Requests.Where(r => r.Headers.Authorization?.Parameter is { Length: > 0 }).ToList();
        Assert.NotEmpty(keyed);
        var nonces = new HashSet<string>();
        foreach (var request in keyed)
        {
            var proof = Assert.Single(request.Headers.GetValues(CheckProof.HeaderName));
            Assert.True(CheckProof.TryVerify(Secret, request.Headers.Authorization!.Parameter!, proof, DateTimeOffset.UtcNow, out var nonce), proof);
            Assert.True(nonces.Add(nonce), "a nonce was used twice");
        }
        Assert.DoesNotContain(Secret, _output.ToString());

        _server.Requests.Clear();
        Assert.Equal(0, await RunAsync(KeyInEnvironment, "check", "--url", FakeCursorServer.BaseUrl.ToString()));
        Assert.All(_server.Requests, r => Assert.False(r.Headers.Contains(CheckProof.HeaderName)));
        Assert.All(_server.Requests, r => Assert.Equal(["1"], r.Headers.GetValues(CheckRequestHeader.Name)));
    }

    [Theory]
    [InlineData("check", "--url", "not a url")]
    [InlineData("check", "--url", "https://x.example/v1", "--bogus")]
    [InlineData("check", "--url", "https://x.example/v1", "--timeout", "soon")]
    [InlineData("check", "--url", "https://x.example/v1", "--key-stdin")]
    public async Task AWrongCommandLineExitsTwoWithTheUsage(params string[] args)
    {
        var exit = await RunAsync(KeyInEnvironment, args);

        Assert.Equal(2, exit);
        Assert.Contains("Usage: cursoraspire-check [check] --url", _error.ToString());
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task WithoutAnyKeyItSaysHowToGiveOne()
    {
        var exit = await RunAsync("check", "--url", "https://x.example/v1");

        Assert.Equal(2, exit);
        Assert.Contains($"set {CursorCheckCommandLine.KeyVariable}, or pipe it in with --key-stdin", _error.ToString());
    }

    private Task<int> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    private Task<int> RunAsync(Dictionary<string, string?> settings, params string[] args) => RunWithInputAsync(settings, string.Empty, args);

    private async Task<int> RunWithInputAsync(Dictionary<string, string?> settings, string input, params string[] args)
    {
        using var http = _server.CreateClient();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return await CursorCheckCommandLine.RunAsync(args, http, configuration, new StringReader(input), _output, _error);
    }
}
