namespace CursorAspire.Proxy.Tests.Edge;

/// <summary>
/// Failed authentications are counted, logged at most once a minute per client address with the count, and throttled
/// per client address: past the limit its wrong or missing keys get 429, never its right key (Cursor's users all call
/// from Cursor's servers). The address is the connection's unless a trusted hop names it: cloudflared's
/// <c>CF-Connecting-IP</c> when the proxy is told cloudflared is in front, <c>X-Forwarded-For</c> from configured known
/// proxies; an IPv6 address counts per /64.
/// </summary>
public sealed class FailedAuthenticationTests
{
    private const string WrongKey = "sk-this-is-not-the-right-key-0000";

    private static readonly Dictionary<string, string?> BehindCloudflared = new() { ["Proxy:ForwardedHeaders:Cloudflared"] = "true" };

    private static async Task<HttpStatusCode> SendAsync(ProxyHost proxy, string? key, string clientAddress, string header = "CF-Connecting-IP")
    {
        using var response = await proxy.GetModelsFromAsync(key, clientAddress, header);
        return response.StatusCode;
    }

    private static Task<GuardedProxy> StartAsync(FakeTimeProvider clock, IDictionary<string, string?> settings) =>
        GuardedProxy.StartAsync(settings, builder => builder.Services.AddSingleton<TimeProvider>(clock));

    [Fact]
    public async Task ThirtyFailuresAMinuteThrottleThatAddresssWrongKeysAndNeverItsRightKey()
    {
        // Counted per UTC minute.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 15, 0, TimeSpan.Zero));
        await using var guarded = await StartAsync(clock, BehindCloudflared);
        var proxy = guarded.Proxy;

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.7"));
        }

        // From the 31st on, that address's wrong and missing keys are refused for the rest of the minute.
        clock.Advance(TimeSpan.FromSeconds(15));
        using (var refused = await proxy.GetModelsFromAsync(WrongKey, "203.0.113.7"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("45", refused.Headers.RetryAfter!.ToString());
            Assert.Equal("too_many_failed_authentications", (string?)ChatRequests.AssertOpenAIError(await refused.Content.ReadAsStringAsync())["code"]);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(proxy, null, "203.0.113.7"));
        // The right key from the same address (say, Cursor's servers, where a stranger's stale key came from) is served,
        // and so is a named key.
        Assert.Equal(HttpStatusCode.OK, await SendAsync(proxy, ProxyHost.ApiKey, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(proxy, GuardedProxy.LimitedKey, "203.0.113.7"));
        // Other addresses are not affected.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "198.51.100.20"));
        // Health and the status page stay open to the throttled address.
        using var anonymous = proxy.CreateClient(apiKey: null);
        using var health = new HttpRequestMessage(HttpMethod.Get, "health");
        health.Headers.Add("CF-Connecting-IP", "203.0.113.7");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(health)).StatusCode);

        // The next minute the address may try again.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.7"));
    }

    [Fact]
    public async Task ForwardedHeadersFromLoopbackAreIgnoredUnlessAHopIsTrusted()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 20, 0, TimeSpan.Zero));
        var limit = new Dictionary<string, string?> { ["Proxy:RateLimit:FailedAuthenticationsPerMinute"] = "3" };
        await using var guarded = await StartAsync(clock, limit);
        var proxy = guarded.Proxy;

        // Nobody is trusted: every guess counts against the connection's address (loopback), whatever the headers say.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.2", "X-Forwarded-For"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.3"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(proxy, WrongKey, "198.51.100.99"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(proxy, WrongKey, "198.51.100.98", "X-Forwarded-For"));
        Assert.Contains("from 127.0.0.1", proxy.Logs.All);
        Assert.DoesNotContain("from 203.0.113.1", proxy.Logs.All);
    }

    [Fact]
    public async Task AKnownProxysXForwardedForNamesTheClientAndCfConnectingIpDoesNot()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 25, 0, TimeSpan.Zero));
        await using var guarded = await StartAsync(clock, new Dictionary<string, string?>
        {
            ["Proxy:RateLimit:FailedAuthenticationsPerMinute"] = "2",
            ["Proxy:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        });
        var proxy = guarded.Proxy;

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.10", "X-Forwarded-For"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.10", "X-Forwarded-For"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(proxy, WrongKey, "203.0.113.10", "X-Forwarded-For"));
        // Another client behind the same proxy is its own address.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.11", "X-Forwarded-For"));
        // CF-Connecting-IP is not this front end's header: such guesses count against the proxy's own address.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.10", "CF-Connecting-IP"));
        Assert.Contains("from 203.0.113.10", proxy.Logs.All);
        Assert.Contains("from 127.0.0.1", proxy.Logs.All);
    }

    [Fact]
    public async Task BehindCloudflaredCfConnectingIpNamesTheClientAndXForwardedForDoesNot()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero));
        await using var guarded = await StartAsync(clock, new Dictionary<string, string?>(BehindCloudflared) { ["Proxy:RateLimit:FailedAuthenticationsPerMinute"] = "2" });
        var proxy = guarded.Proxy;

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.20", "X-Forwarded-For"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.20", "X-Forwarded-For"));
        // Both counted against loopback, not 203.0.113.20: a CF-Connecting-IP client is untouched.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.20"));
        Assert.Contains("from 127.0.0.1", proxy.Logs.All);
    }

    [Fact]
    public async Task AnIPv6ClientCountsPerSlash64()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 35, 0, TimeSpan.Zero));
        await using var guarded = await StartAsync(clock, new Dictionary<string, string?>(BehindCloudflared) { ["Proxy:RateLimit:FailedAuthenticationsPerMinute"] = "3" });
        var proxy = guarded.Proxy;

        // Rotating within one /64 does not buy more guesses.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "2001:db8:1:2::1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "2001:db8:1:2:aaaa::5"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "2001:db8:1:2:ffff:ffff:ffff:ffff"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(proxy, WrongKey, "2001:db8:1:2:1234::9"));
        // The next /64 is another subscriber.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "2001:db8:1:3::1"));
        Assert.Contains("from 2001:db8:1:2::/64", proxy.Logs.All);
    }

    [Fact]
    public async Task FailuresAreLoggedOnceAMinutePerAddressWithTheirCount()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        await using var guarded = await StartAsync(clock, new Dictionary<string, string?>(BehindCloudflared) { ["Proxy:RateLimit:FailedAuthenticationsPerMinute"] = "0" });
        var proxy = guarded.Proxy;

        for (var i = 0; i < 12; i++)
        {
            await SendAsync(proxy, WrongKey, "203.0.113.9");
        }
        var lines = Lines(proxy, "203.0.113.9");
        Assert.Equal(["1 failed API key(s) from 203.0.113.9"], lines.Select(l => l[..l.IndexOf(" since", StringComparison.Ordinal)]));

        clock.Advance(TimeSpan.FromMinutes(1));
        await SendAsync(proxy, null, "203.0.113.9");
        lines = Lines(proxy, "203.0.113.9");
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("12 failed API key(s) from 203.0.113.9", lines[1]);
        Assert.Contains("missing key", lines[1]);
        Assert.DoesNotContain(WrongKey, proxy.Logs.All);
    }

    private static List<string> Lines(ProxyHost proxy, string address) =>
        [.. proxy.Logs.Lines.Where(l => l.Contains($"from {address}", StringComparison.Ordinal))
            .Select(l => l[l.IndexOf(" failed API key", StringComparison.Ordinal)..].Insert(0, l.Split(' ').First(w => w.All(char.IsDigit))))];
}
