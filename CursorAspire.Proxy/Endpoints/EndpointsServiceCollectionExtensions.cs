using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>Registers the HTTP endpoints' handlers and the intake and responder the model endpoints share.</summary>
public static class EndpointsServiceCollectionExtensions
{
    public static IServiceCollection AddProxyEndpoints(this IServiceCollection services, IConfiguration configuration) => services
        .AddValidatedOptions<StreamOpeningOptions, StreamOpeningOptionsValidator>(configuration.GetSection(ProxyOptions.SectionName)).Services
        .AddSingleton<ChatIntake>().AddSingleton<ChatResponder>().AddSingleton<ChatCompletionsEndpoint>().AddSingleton<ResponsesEndpoint>();
}
