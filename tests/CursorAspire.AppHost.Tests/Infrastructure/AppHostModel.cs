namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>Builds the real AppHost's model (its Program.cs) without running it, and reads it back.</summary>
internal static class AppHostModel
{
    /// <summary>A fixed key so no test generates one and writes it to the developer's user secrets.</summary>
    public const string TestApiKey = "test-key-0123456789abcdefghijklmnopqrstuv";

    /// <summary>A fixed cache password, for the same reason (<c>Parameters:cache-password</c>).</summary>
    public const string TestCachePassword = "testCachePassword0123456789";

    /// <summary>A fixed check secret, for the same reason (<c>Parameters:check-secret</c>).</summary>
    public const string TestCheckSecret = "testCheckSecret0123456789abcdefghijklmnop";

    /// <summary>
    /// The parameters every test gives the real AppHost, so none is generated and persisted to user secrets, and a cache
    /// data folder of its own, never the developer's.
    /// </summary>
    public static string[] TestParameters =>
        [$"--Parameters:proxy-api-key={TestApiKey}", $"--Parameters:cache-password={TestCachePassword}", $"--Parameters:check-secret={TestCheckSecret}", TestCacheData.NewSetting()];

    /// <summary>Process mode on a machine with neither <c>redis-server</c> nor Ollama: the least the AppHost can run.</summary>
    public static readonly string[] NoLocalServices =
        ["--AppHost:ContainerRuntime=none", "--Redis:Command=/nonexistent/redis-server", "--Ollama:Command=/nonexistent/ollama"];

    /// <summary>Runs the AppHost's Program up to <c>Build()</c> with <paramref name="args"/> as its command line.</summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await DistributedApplicationTestingBuilder.CreateAsync<Projects.CursorAspire_AppHost>(
            [.. TestParameters, .. args], timeout.Token);
    }

    /// <summary>The model with containers forced (<c>AppHost:ContainerRuntime=docker</c>), whatever this machine has.</summary>
    public static Task<IDistributedApplicationTestingBuilder> ContainerModeAsync(params string[] args) =>
        CreateAsync(["--AppHost:ContainerRuntime=docker", .. args]);

    /// <summary>The model without containers (<c>AppHost:ContainerRuntime=none</c>).</summary>
    public static Task<IDistributedApplicationTestingBuilder> ProcessModeAsync(params string[] args) =>
        CreateAsync(["--AppHost:ContainerRuntime=none", .. args]);

    /// <summary>The single resource named <paramref name="name"/>, which must be a <typeparamref name="T"/>.</summary>
    public static T Resource<T>(this IDistributedApplicationTestingBuilder builder, string name)
        where T : IResource
    {
        var resource = Assert.Single(builder.Resources, r => r.Name == name);
        return Assert.IsAssignableFrom<T>(resource);
    }

#pragma warning disable CS0618 // ExecutionConfigurationBuilder replaces these, but needs a publish-mode execution context; these still answer.

    /// <summary>
    /// The resource's environment as the manifest would write it: values are literal text or placeholders such as
    /// <c>{cache.connectionString}</c>, so nothing needs a running endpoint.
    /// </summary>
    public static async Task<Dictionary<string, string>> EnvironmentAsync(this IResourceWithEnvironment resource) =>
        await resource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);

    /// <summary>
    /// The resource's environment as a run (not a publish) would set it, values unresolved: development-only wiring
    /// such as the tunnel's public URL exists only in run mode.
    /// </summary>
    public static async Task<Dictionary<string, object>> RunEnvironmentAsync(this IResource resource)
    {
        var environment = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), resource, environment, CancellationToken.None);
        foreach (var annotation in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await annotation.Callback(context);
        }
        return environment;
    }

    /// <summary>The resource's arguments unresolved (an endpoint stays an <see cref="EndpointReference"/>).</summary>
    public static async Task<List<object>> RawArgumentsAsync(this IResource resource)
    {
        var args = new List<object>();
        var context = new CommandLineArgsCallbackContext(args, resource, CancellationToken.None);
        foreach (var annotation in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await annotation.Callback(context);
        }
        return args;
    }

    /// <summary>The resource's arguments as the manifest would write them.</summary>
    public static async Task<string[]> ArgumentsAsync(this IResourceWithArgs resource) =>
        await resource.GetArgumentValuesAsync(DistributedApplicationOperation.Publish);

#pragma warning restore CS0618

    /// <summary>The names of the resources the given resource waits for.</summary>
    public static IReadOnlyList<string> WaitsFor(this IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToList();
}
