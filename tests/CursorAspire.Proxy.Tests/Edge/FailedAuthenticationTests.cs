using Microsoft.Extensions.Time.Testing;

namespace CursorAspire.Proxy.Tests.Edge;

/// <summary>
/// Failed authentications are counted, logged at most once a minute per client address with the count, and throttled
/// per client address before the key is even looked at. Behind the tunnel the address is Cloudflare's
/// <c>CF-Connecting-IP</c>, trusted only from loopback.
/// </summary>
public sealed class FailedAuthenticationTests
{
    private const string WrongKey = "sk-this-is-not-the-right-key-0000";

    private static async Task<HttpStatusCode> SendAsync(ProxyHost proxy, string? key, string clientAddress)
    {
        using var response = await proxy.GetModelsFromAsync(key, clientAddress);
        return response.StatusCode;
    }

    [Fact]
    public async Task ThirtyFailuresAMinuteThrottleThatAddressBeforeTheKeyIsChecked()
    {
        // Counted per UTC minute.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 15, 0, TimeSpan.Zero));
        await using var guarded = await GuardedProxy.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var proxy = guarded.Proxy;

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "203.0.113.7"));
        }

        // The 31st from that address is refused without a look at the key, even the right one, for the rest of the minute.
        clock.Advance(TimeSpan.FromSeconds(15));
        using (var refused = await proxy.GetModelsFromAsync(WrongKey, "203.0.113.7"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("45", refused.Headers.RetryAfter!.ToString());
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(proxy, ProxyHost.ApiKey, "203.0.113.7"));
        // Other addresses are not affected.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, WrongKey, "198.51.100.20"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(proxy, ProxyHost.ApiKey, "198.51.100.21"));
        // Health and the status page stay open to the throttled address.
        using var anonymous = proxy.CreateClient(apiKey: null);
        using var health = new HttpRequestMessage(HttpMethod.Get, "health");
        health.Headers.Add("CF-Connecting-IP", "203.0.113.7");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(health)).StatusCode);

        // The next minute the address may try again.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(proxy, ProxyHost.ApiKey, "203.0.113.7"));
    }

    [Fact]
    public async Task FailuresAreLoggedOnceAMinutePerAddressWithTheirCount()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        await using var guarded = await GuardedProxy.StartAsync(
            new Dictionary<string, string?> { ["Proxy:RateLimit:FailedAuthenticationsPerMinute"] = "0" },
            builder => builder.Services.AddSingleton<TimeProvider>(clock));
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
