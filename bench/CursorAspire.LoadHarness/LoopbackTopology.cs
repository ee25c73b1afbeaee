using CursorAspire.LoadHarness.Floor;
using CursorAspire.Proxy;
using CursorAspire.TestUpstreams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CursorAspire.LoadHarness;

/// <summary>
/// An upstream stand-in answering every chat call with the same small streamed reply, and the real proxy (the
/// composition Program.cs runs) routing one alias to it, both on 127.0.0.1 with free ports; with
/// <c>withBareHop</c>, also a <see cref="BareHop"/> in front of the same stand-in.
/// </summary>
public sealed class LoopbackTopology : IAsyncDisposable
{
    public const string ProxyApiKey = "load-harness-key-9c2e41d7";

    private readonly WebApplication _proxy;
    private readonly BudgetStore? _budget;

    private LoopbackTopology(UpstreamStandIn standIn, WebApplication proxy, Uri proxyChatUri, BareHop? hop, BudgetStore? budget)
    {
        StandIn = standIn;
        _proxy = proxy;
        ProxyChatUri = proxyChatUri;
        Hop = hop;
        _budget = budget;
    }

    public UpstreamStandIn StandIn { get; }

    /// <summary>The stand-in's OpenAI-compatible <c>chat/completions</c>: a Cursor body sent straight to the upstream.</summary>
    public Uri DirectChatUri => StandIn.DirectChatUri;

    /// <summary>The proxy's <c>/v1/chat/completions</c>.</summary>
    public Uri ProxyChatUri { get; }

    /// <summary>The bare forwarding hop, when asked for.</summary>
    public BareHop? Hop { get; }

    /// <summary>The model alias the proxy routes to the stand-in.</summary>
    public string Alias => StandIn.Alias;

    /// <summary>Chat calls the stand-in received (all paths).</summary>
    public int UpstreamCalls => StandIn.ChatCalls;

    /// <param name="provider">The upstream's protocol.</param>
    /// <param name="reply">What the stand-in answers.</param>
    /// <param name="withBareHop">Start a bare forwarding hop too.</param>
    /// <param name="withBudget">
    /// Make the proxy's key a named key with a daily token budget (<see cref="BudgetStore.TokensPerDay"/>), counted in a
    /// <c>redis-server</c> started for the run.
    /// </param>
    /// <param name="cancellationToken">Stops the start.</param>
    public static async Task<LoopbackTopology> StartAsync(UpstreamProvider provider, StandInReply reply, bool withBareHop, CancellationToken cancellationToken, bool withBudget = false)
    {
        var standIn = await UpstreamStandIn.StartAsync(provider, reply, cancellationToken).ConfigureAwait(false);
        WebApplication? proxy = null;
        BareHop? hop = null;
        BudgetStore? budget = null;
        try
        {
            var config = standIn.ProxyConfiguration(ProxyApiKey);
            if (withBudget)
            {
                budget = await BudgetStore.StartAsync(cancellationToken).ConfigureAwait(false);
                config.Remove("Proxy:ApiKeys:0");
                config["Proxy:Keys:harness:Key"] = ProxyApiKey;
                config["Proxy:Keys:harness:TokensPerDay"] = BudgetStore.TokensPerDay.ToString(System.Globalization.CultureInfo.InvariantCulture);
                config["ConnectionStrings:cache"] = budget.ConnectionString;
            }
            proxy = ProxyApplication.Build([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(config);
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                // Log sinks are deployment choices, not the proxy's cost: only warnings, to the console.
                builder.Logging.ClearProviders();
                builder.Logging.AddSimpleConsole();
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            });
            await proxy.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            var address = proxy.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var proxyChat = new Uri(new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/"), "v1/chat/completions");
            if (withBareHop)
            {
                hop = await BareHop.StartAsync(standIn.BaseUri, port: 0, cancellationToken).ConfigureAwait(false);
            }
            return new LoopbackTopology(standIn, proxy, proxyChat, hop, budget);
        }
        catch
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
            }
            budget?.Dispose();
            await standIn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Hop is not null)
        {
            await Hop.DisposeAsync().ConfigureAwait(false);
        }
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _proxy.StopAsync(stop.Token).ConfigureAwait(false);
        }
        await _proxy.DisposeAsync().ConfigureAwait(false);
        _budget?.Dispose();
        await StandIn.DisposeAsync().ConfigureAwait(false);
    }
}
