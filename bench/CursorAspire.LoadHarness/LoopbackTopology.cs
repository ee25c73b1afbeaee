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

    private LoopbackTopology(UpstreamStandIn standIn, WebApplication proxy, Uri proxyChatUri, BareHop? hop)
    {
        StandIn = standIn;
        _proxy = proxy;
        ProxyChatUri = proxyChatUri;
        Hop = hop;
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

    public static async Task<LoopbackTopology> StartAsync(UpstreamProvider provider, StandInReply reply, bool withBareHop, CancellationToken cancellationToken)
    {
        var standIn = await UpstreamStandIn.StartAsync(provider, reply, cancellationToken).ConfigureAwait(false);
        WebApplication? proxy = null;
        BareHop? hop = null;
        try
        {
            var config = standIn.ProxyConfiguration(ProxyApiKey);
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
            return new LoopbackTopology(standIn, proxy, proxyChat, hop);
        }
        catch
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
            }
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
        await StandIn.DisposeAsync().ConfigureAwait(false);
    }
}
