using System.Diagnostics;
using System.Globalization;

namespace CursorAspire.LoadHarness.Floor;

/// <summary>
/// The peer: Portkey's open-source AI gateway (npm <c>@portkey-ai/gateway</c>), installed by the harness with npm into
/// a cache folder outside the repository, run with node, routed to the stand-in by its headers
/// (<see cref="UpstreamStandIn.PortkeyHeaders"/>).
/// </summary>
public sealed class PortkeyGateway
{
    public const string Package = "@portkey-ai/gateway";
    public const string Version = "1.15.2";

    private readonly string _packageDirectory;

    private PortkeyGateway(string packageDirectory, string nodeVersion)
    {
        _packageDirectory = packageDirectory;
        NodeVersion = nodeVersion;
    }

    /// <summary>What <c>node --version</c> said (the gateway's streaming depends on it).</summary>
    public string NodeVersion { get; }

    /// <summary>The default cache folder: <c>$XDG_CACHE_HOME/cursoraspire-bench</c>, else <c>~/.cache/cursoraspire-bench</c>.</summary>
    public static string DefaultCache =>
        Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "cursoraspire-bench");

    /// <summary>
    /// Finds node, and installs the gateway with npm under <paramref name="cache"/> unless it is there already.
    /// </summary>
    /// <exception cref="InvalidOperationException">node or npm is not on the PATH, or the install failed; the message says which and what to do.</exception>
    public static async Task<PortkeyGateway> InstallAsync(string cache, TextWriter log, CancellationToken cancellationToken)
    {
        var node = await ExternalTool.RunAsync("node", ["--version"], null, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        if (node is not (0, var nodeVersion))
        {
            throw new InvalidOperationException(node is null
                ? "--peer needs Node.js: 'node' is not on the PATH. Install Node.js (and npm), or run without --peer."
                : $"--peer needs Node.js: 'node --version' failed ({node.Value.Output}).");
        }
        var installDirectory = Path.Combine(cache, $"portkey-gateway-{Version}");
        var packageDirectory = Path.Combine(installDirectory, "node_modules", "@portkey-ai", "gateway");
        if (!File.Exists(Path.Combine(packageDirectory, "build", "start-server.js")))
        {
            log.WriteLine($"# Installing {Package}@{Version} with npm into {installDirectory}");
            Directory.CreateDirectory(installDirectory);
            var npm = await ExternalTool.RunAsync("npm",
                ["install", "--prefix", installDirectory, "--no-audit", "--no-fund", "--loglevel=error", $"{Package}@{Version}"],
                installDirectory, TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
            if (npm is null)
            {
                throw new InvalidOperationException("--peer needs npm to install Portkey's gateway: 'npm' is not on the PATH. Install npm, or run without --peer.");
            }
            if (npm.Value.ExitCode != 0 || !File.Exists(Path.Combine(packageDirectory, "build", "start-server.js")))
            {
                throw new InvalidOperationException($"npm could not install {Package}@{Version} into {installDirectory} (exit code {npm.Value.ExitCode}): {npm.Value.Output}");
            }
        }
        return new PortkeyGateway(packageDirectory, nodeVersion.Trim());
    }

    /// <summary>Starts the gateway (<c>node build/start-server.js --port=P --headless</c>) and waits until it answers.</summary>
    public Task<ChildServer> StartAsync(CancellationToken cancellationToken)
    {
        var port = ChildServer.FreePort();
        var start = new ProcessStartInfo("node") { WorkingDirectory = _packageDirectory };
        start.ArgumentList.Add(Path.Combine("build", "start-server.js"));
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--port={port}"));
        start.ArgumentList.Add("--headless");
        return ChildServer.StartAsync($"Portkey's gateway {Version}", start, port, string.Empty, stopsWhenInputCloses: false, cancellationToken);
    }

    /// <summary>The route through <paramref name="gateway"/> to <paramref name="standIn"/>'s chat completions.</summary>
    public static ClientRoute Route(ChildServer gateway, UpstreamStandIn standIn) =>
        new(ClientRoute.Peer, new Uri(gateway.BaseUri, "v1/chat/completions"), standIn.PortkeyHeaders());
}
