using System.Security.Cryptography;

namespace CursorAspire.Proxy.Tests.Edge;

/// <summary>
/// Named keys (<c>Proxy:Keys:&lt;name&gt;</c>): their model lists, their own limits, hashed keys, the name (never the
/// key) in telemetry, and the refusal of keys too short for a public URL.
/// </summary>
public sealed class NamedKeyTests
{
    [Fact]
    public async Task AModelTheKeyMayNotUseIsA403AndTheUpstreamIsUntouched()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();

        var (response, body) = await ChatRequests.PostReadAsync(limited, ChatRequests.Simple("remote", stream: false));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Equal("model_not_allowed", (string?)error["code"]);
        Assert.Contains("'limited'", (string?)error["message"]);
        Assert.Contains("local", (string?)error["message"]);
        Assert.Empty(guarded.OpenAI.ChatRequests);
        Assert.Empty(guarded.Ollama.ChatRequests);
    }

    [Fact]
    public async Task CursorsVerifyWithALimitedKeyGoesToTheKeysFirstAllowedAlias()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();

        // The default alias is "remote", which this key may not use: Verify must still pass, on "local".
        var (response, _) = await ChatRequests.PostReadAsync(limited, CursorFixtures.Read(CursorFixtures.Verify));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(guarded.Ollama.ChatRequests);
        Assert.Empty(guarded.OpenAI.ChatRequests);

        // An unlimited key gets the default alias.
        var (unlimited, _) = await ChatRequests.PostReadAsync(guarded.Proxy.Client, CursorFixtures.Read(CursorFixtures.Verify));
        Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
        Assert.Single(guarded.OpenAI.ChatRequests);
    }

    [Fact]
    public async Task TheModelListShowsOnlyWhatTheKeyMayUse()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();

        var limitedList = JsonNode.Parse(await limited.GetStringAsync("v1/models"))!["data"]!.AsArray().Select(m => (string?)m!["id"]);
        var fullList = JsonNode.Parse(await guarded.Proxy.Client.GetStringAsync("v1/models"))!["data"]!.AsArray().Select(m => (string?)m!["id"]);

        Assert.Equal(["local"], limitedList);
        Assert.Equal(["local", "remote"], fullList.Order());
    }

    [Fact]
    public async Task AHashedKeyAuthenticatesWithoutTheKeyInConfiguration()
    {
        const string secret = "sk-hashed-key-for-ci-0123456789abcdef";
        var hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        await using var guarded = await GuardedProxy.StartAsync(new Dictionary<string, string?> { ["Proxy:Keys:ci:KeyHash"] = hash });
        using var client = guarded.Proxy.CreateClient(secret);
        using var wrong = guarded.Proxy.CreateClient(hash);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("v1/models")).StatusCode);
    }

    [Fact]
    public async Task AKeysOwnRequestLimitOverridesTheGlobalOne()
    {
        await using var guarded = await GuardedProxy.StartAsync(new Dictionary<string, string?> { ["Proxy:Keys:limited:RequestsPerMinute"] = "2" });
        using var limited = guarded.Limited();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await limited.GetAsync("v1/models")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        // Other keys keep the global limit.
        Assert.Equal(HttpStatusCode.OK, (await guarded.Proxy.Client.GetAsync("v1/models")).StatusCode);
    }

    [Fact]
    public async Task TheKeysNameNeverTheKeyIsOnSpansMetricsAndLogs()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var spans = StoppedSpans.Tag("Microsoft.AspNetCore", traceId, "cursoraspire.key.name", out var tags);
        await using var guarded = await GuardedProxy.StartAsync();
        var factory = guarded.Proxy.Services.GetRequiredService<IMeterFactory>();
        var metricKeyNames = new ConcurrentBag<object?>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "cursoraspire.requests")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, measurementTags, _) =>
        {
            foreach (var tag in measurementTags)
            {
                if (tag.Key == "cursoraspire.key.name")
                {
                    metricKeyNames.Add(tag.Value);
                }
            }
        });
        meters.Start();
        using var limited = guarded.Limited();

        using (new Activity("client").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            (await ChatRequests.PostAsync(limited, ChatRequests.Simple("local", stream: false))).EnsureSuccessStatusCode();
        }

        Assert.Contains("limited", tags);
        Assert.Contains("limited", metricKeyNames);
        Assert.DoesNotContain(GuardedProxy.LimitedKey, guarded.Proxy.Logs.All);
    }

    [Theory]
    [InlineData("Proxy:ApiKeys:0", "short-key-123")]
    [InlineData("Proxy:Keys:team:Key", "also-too-short")]
    public async Task KeysShorterThanTwentyCharactersAreRefusedAtStartUp(string setting, string key)
    {
        var error = await StartUpErrorAsync(config => config[setting] = key);

        Assert.Contains($"{setting} is shorter than 20 characters", error.Message);
        Assert.Contains("openssl rand -hex 24", error.Message);
        Assert.DoesNotContain(key, error.Message);
    }

    [Theory]
    [InlineData("Proxy:Keys:ci:KeyHash", "sha256:nothex", "must be 'sha256:' and 64 hex digits")]
    [InlineData("Proxy:Keys:ci:Models:0", "no-such-alias", "is not a configured alias")]
    [InlineData("Proxy:Keys:ci:TokensPerDay", "0", "TokensPerDay must be positive")]
    public async Task ANamedKeyThatCannotWorkIsRefusedAtStartUp(string setting, string value, string expected)
    {
        var error = await StartUpErrorAsync(config =>
        {
            config["Proxy:Keys:ci:Key"] = "sk-named-ci-key-0123456789abcdef";
            if (setting.EndsWith("KeyHash", StringComparison.Ordinal))
            {
                config.Remove("Proxy:Keys:ci:Key");
            }
            config[setting] = value;
        });

        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("Proxy:ApiKeys:0", " sk-untrimmed-key-0123456789abcdef")]
    [InlineData("Proxy:Keys:team:Key", "sk-untrimmed-key-0123456789abcdef\n")]
    public async Task AKeyWithSpacesAroundItIsRefusedAtStartUpByName(string setting, string key)
    {
        var error = await StartUpErrorAsync(config => config[setting] = key);

        Assert.Contains($"{setting} has spaces or line breaks around it", error.Message);
        Assert.DoesNotContain(key.Trim(), error.Message);
    }

    [Fact]
    public async Task TheSameKeyUnderTwoNamesIsRefusedAtStartUpNamingBothAndNeverTheKey()
    {
        const string Shared = "sk-shared-between-two-names-0123456789";
        var error = await StartUpErrorAsync(config =>
        {
            config["Proxy:Keys:alice:Key"] = Shared;
            config["Proxy:Keys:bob:KeyHash"] = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Shared)));
            config["Proxy:Keys:carol:Key"] = ProxyHost.ApiKey;
        });

        Assert.Contains("Proxy:Keys:alice:Key and Proxy:Keys:bob:KeyHash are the same key", error.Message);
        Assert.Contains("Proxy:ApiKeys:0 and Proxy:Keys:carol:Key are the same key", error.Message);
        Assert.DoesNotContain(Shared, error.Message);
        Assert.DoesNotContain(ProxyHost.ApiKey, error.Message);
    }

    /// <summary>The error the proxy refuses to start with, on the Ollama configuration as <paramref name="change"/> leaves it.</summary>
    private static async Task<Exception> StartUpErrorAsync(Action<Dictionary<string, string?>> change)
    {
        var config = ProxyHost.OllamaConfig(new Uri("http://127.0.0.1:11434/"));
        change(config);
        return await Assert.ThrowsAnyAsync<Exception>(() => ProxyHost.StartAsync(config));
    }
}
