using System.Collections.Concurrent;
using System.Threading.Channels;
using CursorAspire.CloudflaredStandIn;
using CursorAspire.Tunnel.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CursorAspire.Tunnel.Tests.Health;

/// <summary>The tunnel's health check against a real HTTP server on loopback playing Cloudflare's edge.</summary>
public sealed class CloudflareTunnelHealthCheckTests : IAsyncLifetime
{
    private const string PublicHost = "seasonal-deck-organisms-sf.trycloudflare.com";
    private readonly ConcurrentQueue<(string Host, string Path)> _requests = new();
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly Channel<TimeSpan> _timeSteps = Channel.CreateUnbounded<TimeSpan>();
    private WebApplication? _edge;
    private int _port;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _edge = builder.Build();
        _edge.Run(async context =>
        {
            _requests.Enqueue((context.Request.Host.Host, context.Request.Path));
            var status = _statuses.TryDequeue(out var s) ? s : 200;
            if (status == 0)
            {
                // Never answers; only now may the check's attempt timeout pass.
                _timeSteps.Writer.TryWrite(CloudflareTunnelHealthCheck.AttemptTimeout);
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }

            context.Response.StatusCode = status;
            await context.Response.WriteAsync("Healthy");
        });
        await _edge.StartAsync();
        _port = new Uri(_edge.Urls.First()).Port;
    }

    public async Task DisposeAsync()
    {
        if (_edge is not null)
        {
            await _edge.DisposeAsync();
        }
    }

    private static CloudflareTunnel QuickTunnel(Uri? url = null)
    {
        var tunnel = new CloudflareTunnel("tunnel", CloudflareTunnelRunner.Executable, null);
        if (url is not null)
        {
            tunnel.SetPublicUrl(url);
        }

        return tunnel;
    }

    private CloudflareTunnelHealthCheck Check(CloudflareTunnel tunnel, TimeProvider time) =>
        new(tunnel, new SingleClientFactory(new HttpClient(new EdgeRedirectHandler(_port) { InnerHandler = new SocketsHttpHandler() })), time);

    /// <summary>
    /// Runs the check on fake time that moves only when the check waits on it: past the delay between attempts once the
    /// check has started that delay, and past an attempt's timeout once the edge holds that attempt unanswered. Nothing
    /// moves early, so on a slow machine an attempt still gets its answer rather than timing out by accident.
    /// </summary>
    /// <summary>
    /// Checks a quick tunnel at the public hostname whose edge first answers <paramref name="status"/>
    /// <paramref name="times"/> times (0: no answer), on stepped time.
    /// </summary>
    private async Task<HealthCheckResult> CheckThroughTheEdgeAsync(int status, int times)
    {
        foreach (var _ in Enumerable.Range(0, times))
        {
            _statuses.Enqueue(status);
        }

        var time = new SteppedTime(_timeSteps.Writer);
        return await RunWithFakeTimeAsync(Check(QuickTunnel(new Uri($"https://{PublicHost}")), time), time);
    }

    private async Task<HealthCheckResult> RunWithFakeTimeAsync(CloudflareTunnelHealthCheck check, FakeTimeProvider time)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = check.CheckHealthAsync(new HealthCheckContext(), deadline.Token);
        while (!run.IsCompleted)
        {
            var step = _timeSteps.Reader.WaitToReadAsync(deadline.Token).AsTask();
            if (await Task.WhenAny(run, step) == step)
            {
                await step; // the deadline fails the test if the check never gets there
                while (_timeSteps.Reader.TryRead(out var amount))
                {
                    time.Advance(amount);
                }
            }
        }

        return await run;
    }

    /// <summary>Fake time that reports each delay between attempts as a step to take.</summary>
    private sealed class SteppedTime(ChannelWriter<TimeSpan> steps) : FakeTimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == CloudflareTunnelHealthCheck.DelayBetweenAttempts)
            {
                steps.TryWrite(dueTime);
            }

            return timer;
        }
    }

    [Fact]
    public async Task UnhealthyBeforeTheUrlIsKnownAndSaysWhereToLook()
    {
        var tunnel = QuickTunnel();
        tunnel.LastError = "failed to request quick Tunnel: Post \"https://api.trycloudflare.com/tunnel\": dial tcp: i/o timeout";

        var result = await Check(tunnel, TimeProvider.System).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("has not printed a public URL", result.Description, StringComparison.Ordinal);
        Assert.Contains("failed to request quick Tunnel", result.Description, StringComparison.Ordinal);
        Assert.Empty(_requests);
    }

    [Fact]
    public async Task HealthyWhenThePublicUrlAnswersTheHealthPathThroughTheEdge()
    {
        var result = await Check(QuickTunnel(new Uri($"https://{PublicHost}")), TimeProvider.System).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal((PublicHost, "/health"), Assert.Single(_requests));
    }

    [Fact]
    public async Task LaterAttemptSucceedsAfterTheHostnameStartsResolving()
    {
        var result = await CheckThroughTheEdgeAsync(530, times: 1);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(2, _requests.Count);
    }

    [Fact]
    public async Task UnhealthyAfterThreeAttemptsNamingTheLastStatusAndWhatToCheck()
    {
        var result = await CheckThroughTheEdgeAsync(502, times: 5);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal(CloudflareTunnelHealthCheck.Attempts, _requests.Count);
        Assert.Contains("HTTP 502", result.Description, StringComparison.Ordinal);
        Assert.Contains($"https://{PublicHost}/health", result.Description, StringComparison.Ordinal);
        Assert.Contains("Registered tunnel connection", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttemptThatGetsNoAnswerTimesOutInsteadOfHanging()
    {
        var result = await CheckThroughTheEdgeAsync(0, times: 3);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("no answer within 5 s", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomHealthPathIsRequested()
    {
        var tunnel = QuickTunnel(new Uri($"https://{PublicHost}"));
        tunnel.HealthCheckPath = "/healthz";

        await Check(tunnel, TimeProvider.System).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal("/healthz", Assert.Single(_requests).Path);
    }

    private sealed class SingleClientFactory(HttpClient client) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) =>
            name == CloudflareTunnelResourceBuilderExtensions.HealthCheckHttpClientName ? client : throw new InvalidOperationException($"unexpected client '{name}'");
    }
}
