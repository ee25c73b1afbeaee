namespace CursorAspire.Check.Tests;

// Over 300 lines because each step of the check has its faults here, diagnosed against one fake server.

/// <summary>
/// The check's steps against a small in-test server (<see cref="FakeCursorServer"/>): everything passes on a healthy
/// server, and each fault is diagnosed in its own words, with the fix.
/// </summary>
public sealed class CursorCheckTests : IDisposable
{
    private readonly FakeCursorServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
    }

    [Fact]
    public async Task AHealthyServerPassesEveryStep()
    {
        var report = await RunAsync();

        Assert.Equal(["Public URL", "Models and key", "Verify", $"Chat ({FakeCursorServer.Model})", $"Agent tools ({FakeCursorServer.Model})",
            $"Context window ({FakeCursorServer.Model})", $"Agent tools, Claude-style body ({FakeCursorServer.Model})",
            $"Variant name ({FakeCursorServer.Model}-thinking)", "CORS preflight"], report.Results.Select(r => r.Name));
        Assert.True(report.Results.All(r => r.Outcome == CheckOutcome.Pass), report.ToText());
        Assert.Equal("9/9 passed", report.Summary);
        Assert.False(report.HasFailures);
    }

    [Fact]
    public async Task TheChecksOwnRequestsAreMarkedNeverCachedAndAskForLittle()
    {
        await RunAsync();

        var withKey = _server.Requests.Where(r => r.Headers.Authorization?.Parameter == FakeCursorServer.Key).ToList();
        Assert.NotEmpty(withKey);
        Assert.All(_server.Requests, r =>
        {
            Assert.Equal(["1"], r.Headers.GetValues("x-cursoraspire-check"));
            Assert.True(r.Headers.CacheControl is { NoStore: true, NoCache: true }, $"{r.Method} {r.Path} is not sent with Cache-Control: no-store, no-cache");
        });
        var limits = _server.Requests.Where(r => r.Body is not null)
            .Select(r => (int?)(r.Body!["max_tokens"] ?? r.Body["max_output_tokens"])).ToList();
        Assert.All(limits, limit => Assert.InRange(limit!.Value, 1, 256));
    }

    [Fact]
    public async Task TheEdgeAnswering530IsExplainedAsNoTunnelForTheHostname()
    {
        _server.Edge = (530, "error code: 1033", "text/plain");

        var report = await RunAsync();

        AssertStep(report, "Public URL", CheckOutcome.Fail, "Cloudflare has no tunnel connected for this hostname", "error 1033", "new hostname on every start");
        Assert.All(report.Results.Skip(1), r => Assert.Equal(CheckOutcome.Skip, r.Outcome));
        Assert.Equal("0/9 passed, 1 failed, 8 not run", report.Summary); // the expected model's steps are named, not run
    }

    [Theory]
    [InlineData(HttpRequestError.NameResolutionError, "does not resolve")]
    [InlineData(HttpRequestError.SecureConnectionError, "TLS with check.example.test failed")]
    [InlineData(HttpRequestError.ConnectionError, "Nothing answers at check.example.test:443")]
    public async Task NetworkFailuresAreExplained(HttpRequestError error, string expected)
    {
        _server.NetworkError = error;

        AssertStep(await RunAsync(), "Public URL", CheckOutcome.Fail, expected);
    }

    [Fact]
    public async Task AWrongKeyIsRefusedAndTheStepsThatNeedItAreNotRun()
    {
        var report = await RunAsync(key: "not-the-key-0123456789abcdef");

        AssertStep(report, "Models and key", CheckOutcome.Fail, "The key is refused (HTTP 401", "proxy-api-key");
        Assert.Equal(CheckOutcome.Skip, Step(report, "Verify").Outcome);
        Assert.Contains("the key is refused", Step(report, "Verify").Message);
        Assert.Equal(CheckOutcome.Pass, Step(report, "CORS preflight").Outcome); // a preflight carries no key
    }

    [Fact]
    public async Task AMissingModelsEndpointIsWhatCursorCallsUnauthorized()
    {
        _server.ServesModels = false;

        var report = await RunAsync(expected: []);

        AssertStep(report, "Models and key", CheckOutcome.Fail, "\"Unauthorized\"");
        Assert.Equal(CheckOutcome.Skip, Step(report, "Models one by one").Outcome);
    }

    [Fact]
    public async Task AnExpectedModelMissingFromTheListFails()
    {
        var models = Step(await RunAsync(expected: [FakeCursorServer.Model, "local-llama3.1-8b"]), "Models and key");

        Assert.Equal(CheckOutcome.Fail, models.Outcome);
        Assert.Contains("lacks local-llama3.1-8b", models.Message);
    }

    [Fact]
    public async Task AModelNameCursorWouldNotRouteHereIsAWarning()
    {
        _server.Models = ["claude-local"];

        AssertStep(await RunAsync(expected: []), "Models and key", CheckOutcome.Warn, "'claude-local' will not reach this server from Cursor");
    }

    [Fact]
    public async Task RemoteModelsAreNotProbedForTheirContextWindow()
    {
        _server.ContextWindow = 4_096;

        var context = Step(await RunAsync(probeContextOf: _ => false), $"Context window ({FakeCursorServer.Model})");

        Assert.Equal(CheckOutcome.Pass, context.Outcome);
        Assert.StartsWith("Not probed", context.Message);
    }

    /// <summary>
    /// Faults of the model or of its server: the step that fails, each phrase it says (the fault and its fix), and the
    /// outcome of another step that shows how far the fault reaches.
    /// </summary>
    public static TheoryData<string, string, string[], string, CheckOutcome> ModelFaults => new()
    {
        {
            "never-calls-tools", $"Agent tools ({FakeCursorServer.Model})",
            ["This model does not call tools: agent mode will not work with it", "it answered in text: \"I cannot read files"],
            $"Chat ({FakeCursorServer.Model})", CheckOutcome.Pass
        },
        {
            "small-context-window", $"Context window ({FakeCursorServer.Model})",
            ["Ollama would truncate Cursor's prompt: raise `Ollama:ContextLength`", "context window of 4,096 tokens"],
            $"Chat ({FakeCursorServer.Model})", CheckOutcome.Pass
        },
        {
            // Named behind Cursor's rate-limit message, which is all Cursor shows of it.
            "upstream-down", $"Chat ({FakeCursorServer.Model})",
            ["The proxy cannot reach the model's server", "Cursor shows any 429 or 5xx as a rate-limit error"],
            "Verify", CheckOutcome.Fail
        },
    };

    [Theory]
    [MemberData(nameof(ModelFaults))]
    public async Task AModelFaultFailsItsStepWithTheFix(string fault, string name, string[] says, string other, CheckOutcome otherOutcome)
    {
        Action<FakeCursorServer> introduce = fault switch
        {
            "never-calls-tools" => s => s.CallsTools = false,
            "small-context-window" => s => s.ContextWindow = 4_096,
            "upstream-down" => s => s.UpstreamDown = true,
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        introduce(_server);

        var report = await RunAsync();

        AssertStep(report, name, CheckOutcome.Fail, says);
        Assert.Equal(otherOutcome, Step(report, other).Outcome);
    }

    [Fact]
    public async Task AServerThatStopsAnsweringIsNamedOnceAndNotWaitedForAgain()
    {
        _server.Hangs = true;

        var report = await RunAsync();

        AssertStep(report, "Verify", CheckOutcome.Fail, "no answer within 120 s", "down or hanging");
        Assert.All(report.Results.Where(r => r.Name.Contains('(', StringComparison.Ordinal)), r =>
        {
            Assert.Equal(CheckOutcome.Skip, r.Outcome);
            Assert.Contains("no answer in time (see 'Verify')", r.Message);
        });
        Assert.Equal(CheckOutcome.Pass, Step(report, "CORS preflight").Outcome);
    }

    [Fact]
    public async Task ASlowFirstTokenThenAFastOneIsAModelStillLoading()
    {
        _server.FirstTokenDelays.Enqueue(TimeSpan.FromSeconds(42)); // Verify
        _server.FirstTokenDelays.Enqueue(TimeSpan.FromSeconds(38)); // the chat: loading
        _server.FirstTokenDelays.Enqueue(TimeSpan.FromMilliseconds(300)); // the chat again: loaded

        var chat = Step(await RunAsync(), $"Chat ({FakeCursorServer.Model})");

        Assert.Equal(CheckOutcome.Warn, chat.Outcome);
        Assert.Contains("The first token took 38.0 s: the model is still loading", chat.Message);
        Assert.Contains("Once loaded it answered in 300 ms", chat.Message);
    }

    [Fact]
    public async Task AFirstTokenSlowTwiceIsASlowModel()
    {
        _server.FirstTokenDelays.Enqueue(TimeSpan.Zero); // Verify
        _server.FirstTokenDelays.Enqueue(TimeSpan.FromSeconds(30));
        _server.FirstTokenDelays.Enqueue(TimeSpan.FromSeconds(25));

        AssertStep(await RunAsync(), $"Chat ({FakeCursorServer.Model})", CheckOutcome.Warn, "not just loading, the model is slow");
    }

    /// <summary>Faults that one step names, each with the words it uses.</summary>
    public static TheoryData<string, string, string> Faults => new()
    {
        { "edge-502", "Public URL", "The tunnel is up but cannot reach the proxy" },
        { "edge-html-1033", "Public URL", "Cloudflare error 1033" },
        { "accepts-any-key", "Models and key", "The URL accepts a wrong key" },
        { "unknown-model-404", "Verify", "route unknown model names to a default model" },
        { "budget-spent", "Verify", "The key has spent its daily token budget" },
        { "no-responses-shape", $"Agent tools ({FakeCursorServer.Model})", "The server refuses Cursor's agent requests" },
        { "no-anthropic-shape", $"Agent tools, Claude-style body ({FakeCursorServer.Model})", "The server refuses Cursor's Claude-style requests" },
        { "no-variant-names", $"Variant name ({FakeCursorServer.Model}-thinking)", $"the name still means {FakeCursorServer.Model}" },
        { "cuts-prompt", $"Context window ({FakeCursorServer.Model})", "read only 2,048 prompt tokens" },
        { "no-done", $"Chat ({FakeCursorServer.Model})", "without 'data: [DONE]'" },
        { "preflight-wants-key", "CORS preflight", "a browser never sends one on a preflight" },
        { "preflight-without-authorization", "CORS preflight", "Access-Control-Allow-Headers lacks authorization" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task EachFaultIsNamedByItsStep(string fault, string step, string expected)
    {
        Action<FakeCursorServer> introduce = fault switch
        {
            "edge-502" => s => s.Edge = (502, "Bad gateway", "text/plain"),
            "edge-html-1033" => s => s.Edge = (530, """
                <!DOCTYPE html><html><head><title>Cloudflare Tunnel error | check.example.test | Cloudflare</title></head>
                <body><h1><span class="cf-error-type">Error</span> <span class="cf-error-code">1033</span></h1></body></html>
                """, "text/html"),
            "accepts-any-key" => s => s.AcceptsAnyKey = true,
            "unknown-model-404" => s => s.RefusesUnknownModels = true,
            "budget-spent" => s => s.BudgetSpent = true,
            "no-responses-shape" => s => s.ReadsResponsesShape = false,
            "no-anthropic-shape" => s => s.ReadsAnthropicShape = false,
            "no-variant-names" => s => s.RefusesVariantNames = true,
            "cuts-prompt" => s => s.TruncatesTo = 2_048,
            "no-done" => s => s.EndsStreamsWithoutDone = true,
            "preflight-wants-key" => s => s.PreflightNeedsKey = true,
            "preflight-without-authorization" => s => s.AllowHeaders = "content-type",
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        introduce(_server);

        AssertStep(await RunAsync(), step, CheckOutcome.Fail, expected);
    }

    [Fact]
    public async Task TheClaudeStyleTurnGoesToAClaudeNamedModelWhenThereIsOne()
    {
        _server.Models = [FakeCursorServer.Model, "anthropic-claude-sonnet-4-5"];

        var report = await RunAsync(expected: _server.Models);

        Assert.Equal(CheckOutcome.Pass, Step(report, "Agent tools, Claude-style body (anthropic-claude-sonnet-4-5)").Outcome);
        var claudeStyle = _server.Requests.Single(r => r.Body?["system"] is not null).Body!;
        Assert.Equal("anthropic-claude-sonnet-4-5", (string?)claudeStyle["model"]);
        Assert.Equal("input_schema", claudeStyle["tools"]![0]!.AsObject().Select(p => p.Key).Single(k => k == "input_schema"));
        Assert.Equal("tool_result", (string?)claudeStyle["messages"]![2]!["content"]![0]!["type"]);
    }

    [Fact]
    public async Task AThinkingAliasGetsARequestWithoutAnEffortAndItsStreamOpeningIsTimed()
    {
        using var http = _server.CreateClient();
        var options = Options(FakeCursorServer.BaseUrl, FakeCursorServer.Key, [FakeCursorServer.Model]);

        var report = await new CursorCheck(http, new CursorCheckOptions
        {
            BaseUrl = options.BaseUrl, ApiKey = options.ApiKey, ExpectedModels = options.ExpectedModels, ThinkingModels = [FakeCursorServer.Model],
        }, _server.Clock).RunAsync();

        var thinking = Step(report, $"Thinking ({FakeCursorServer.Model})");
        Assert.Equal(CheckOutcome.Pass, thinking.Outcome);
        Assert.Contains("the stream opened after", thinking.Message, StringComparison.Ordinal);
        var sent = _server.Requests.Last(r => r.Body?["max_tokens"] is { } max && (int)max == 1_024).Body!;
        Assert.False(sent.ContainsKey("reasoning") || sent.ContainsKey("reasoning_effort")); // no effort, as Cursor mostly sends
        Assert.Equal("10/10 passed", report.Summary);
    }

    [Fact]
    public async Task AThinkingAliasWhoseStreamOpensLateIsAWarning()
    {
        using var http = _server.CreateClient();
        // The other streamed steps answer at once; the thinking one (the last streamed request) holds its headers for 30 s.
        for (var i = 0; i < 5; i++) // Verify, Chat, Agent tools, Claude-style, Variant name
        {
            _server.FirstTokenDelays.Enqueue(TimeSpan.Zero);
        }
        _server.FirstTokenDelays.Enqueue(TimeSpan.FromSeconds(30));

        var report = await new CursorCheck(http, new CursorCheckOptions
        {
            BaseUrl = FakeCursorServer.BaseUrl, ApiKey = FakeCursorServer.Key, ExpectedModels = [FakeCursorServer.Model], ThinkingModels = [FakeCursorServer.Model],
            ContextProbeTokens = 0,
        }, _server.Clock).RunAsync();

        var thinking = Step(report, $"Thinking ({FakeCursorServer.Model})");
        Assert.Equal(CheckOutcome.Warn, thinking.Outcome);
        Assert.Contains("Cursor shows a hang until then", thinking.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALocalUrlAnswersButIsAWarningForCursorsServers()
    {
        using var http = _server.CreateClient(); // it answers whatever the host
        var report = await new CursorCheck(http, Options(new Uri("http://localhost:5190/v1"), FakeCursorServer.Key, [FakeCursorServer.Model]), _server.Clock).RunAsync();

        AssertStep(report, "Public URL", CheckOutcome.Warn, "Cursor's servers cannot use this URL: it is this machine (localhost)");
        Assert.Equal(CheckOutcome.Pass, Step(report, "Verify").Outcome);
    }

    [Fact]
    public async Task EachResultIsReportedAsItEnds()
    {
        var seen = new List<string>();
        using var http = _server.CreateClient();

        var report = await new CursorCheck(http, Options(FakeCursorServer.BaseUrl, FakeCursorServer.Key, [FakeCursorServer.Model]), _server.Clock)
            .RunAsync((result, _) =>
            {
                seen.Add(result.ToString());
                return Task.CompletedTask;
            });

        Assert.Equal(report.Results.Select(r => r.ToString()), seen);
        Assert.StartsWith("[PASS] Public URL (", seen[0]);
    }

    private async Task<CheckReport> RunAsync(string key = FakeCursorServer.Key, IReadOnlyList<string>? expected = null, Func<string, bool>? probeContextOf = null)
    {
        using var http = _server.CreateClient();
        var options = Options(FakeCursorServer.BaseUrl, key, expected ?? [FakeCursorServer.Model], probeContextOf);
        return await new CursorCheck(http, options, _server.Clock).RunAsync();
    }

    private static CursorCheckOptions Options(Uri baseUrl, string key, IReadOnlyList<string> expected, Func<string, bool>? probeContextOf = null) => new()
    {
        BaseUrl = baseUrl,
        ApiKey = key,
        ExpectedModels = expected,
        ProbeContextOf = probeContextOf ?? (_ => true),
    };

    /// <summary>Asserts that the step named <paramref name="name"/> ended as <paramref name="outcome"/>, its message saying each of <paramref name="says"/>.</summary>
    private static void AssertStep(CheckReport report, string name, CheckOutcome outcome, params string[] says)
    {
        var step = Step(report, name);
        Assert.Equal(outcome, step.Outcome);
        foreach (var phrase in says)
        {
            Assert.Contains(phrase, step.Message);
        }
    }

    private static CheckResult Step(CheckReport report, string name) =>
        report.Results.SingleOrDefault(r => r.Name == name) ?? throw new Xunit.Sdk.XunitException($"No step '{name}' in:\n{report.ToText()}");
}
