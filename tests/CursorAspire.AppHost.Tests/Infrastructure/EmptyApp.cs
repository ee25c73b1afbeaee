namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>An empty Aspire application for testing one integration on its own.</summary>
internal static class EmptyApp
{
    /// <summary>
    /// Aspire.Hosting.Testing finds DCP through an AppHost assembly (its <c>dcpclipath</c> metadata), which a test
    /// assembly lacks; so this borrows the real AppHost, built with nothing that runs, and removes its resources.
    /// Resource names used by the real topology (cache, ollama, proxy) are best avoided: its health-check
    /// registrations stay behind.
    /// </summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync(CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CursorAspire_AppHost>(
            [
                "--AppHost:ContainerRuntime=none",
                "--Redis:Command=/nonexistent/redis-server",
                "--Ollama:Command=/nonexistent/ollama",
                "--CloudflareTunnel:AutoInstall=false",
                .. AppHostModel.TestParameters,
            ],
            cancellationToken);
        foreach (var resource in builder.Resources.ToList())
        {
            builder.Resources.Remove(resource);
        }

        return builder;
    }
}
