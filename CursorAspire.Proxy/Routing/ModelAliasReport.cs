using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Routing;

/// <summary>
/// Says at start-up which aliases the proxy serves and where Cursor should point, and warns about aliases that
/// collide with Cursor's own model names (Cursor would not send them here).
/// </summary>
public sealed partial class ModelAliasReport(IOptions<ProxyOptions> options, IHostApplicationLifetime lifetime, ILogger<ModelAliasReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Report);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Report()
    {
        var proxy = options.Value;
        foreach (var alias in proxy.Models.Keys)
        {
            if (CursorModelNames.FindConflict(alias) is { } conflict)
            {
                LogAliasCollides(logger, alias, conflict);
            }
        }
        if (logger.IsEnabled(LogLevel.Information))
        {
            var models = string.Join(", ", proxy.Models.Keys);
            var publicUrl = proxy.PublicBaseUrl is { Length: > 0 } url ? $"{url.TrimEnd('/')}/v1" : "(none yet; Cursor cannot reach localhost)";
            LogServing(logger, proxy.Models.Count, models, publicUrl);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model alias {Alias} collides with Cursor's own names ({Conflict}); Cursor may not send it here. Pick another alias.")]
    private static partial void LogAliasCollides(ILogger logger, string alias, string conflict);

    [LoggerMessage(Level = LogLevel.Information, Message = "CursorAspire proxy serving {Count} model(s): {Models}. Public base URL: {PublicBaseUrl}")]
    private static partial void LogServing(ILogger logger, int count, string models, string publicBaseUrl);
}
