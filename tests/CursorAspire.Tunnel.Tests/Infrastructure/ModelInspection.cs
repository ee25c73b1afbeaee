namespace CursorAspire.Tunnel.Tests.Infrastructure;

/// <summary>Runs a resource's argument and environment callbacks as the orchestrator would, without resolving values.</summary>
internal static class ModelInspection
{
    public static string StandInPath { get; } =
        Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "CursorAspire.CloudflaredStandIn.exe" : "CursorAspire.CloudflaredStandIn");

    public static async Task<List<object>> GetRawArgumentsAsync(IResource resource)
    {
        var args = new List<object>();
        var context = new CommandLineArgsCallbackContext(args, resource, CancellationToken.None);
        foreach (var annotation in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await annotation.Callback(context);
        }

        return args;
    }

    public static async Task<Dictionary<string, object>> GetRawEnvironmentAsync(IResource resource)
    {
        var environment = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), resource, environment, CancellationToken.None);
        foreach (var annotation in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await annotation.Callback(context);
        }

        return environment;
    }
}
