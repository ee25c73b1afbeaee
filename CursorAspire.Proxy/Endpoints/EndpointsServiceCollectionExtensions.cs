namespace CursorAspire.Proxy.Endpoints;

/// <summary>Registers the HTTP endpoints' handlers and the intake and responder the model endpoints share.</summary>
public static class EndpointsServiceCollectionExtensions
{
    public static IServiceCollection AddProxyEndpoints(this IServiceCollection services) => services
        .AddSingleton<ChatIntake>().AddSingleton<ChatResponder>().AddSingleton<ChatCompletionsEndpoint>().AddSingleton<ResponsesEndpoint>();
}
