using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sse.Actors.Hosting;
using Sse.Actors.Http;

namespace Sse.Tests.Docs;

[Trait("Category", TestCategories.Unit)]
public sealed class HttpApiDocTests
{
    [Fact]
    public async Task Every_endpoint_the_broker_maps_has_a_heading_in_the_http_api_doc()
    {
        var builder = WebApplication.CreateBuilder(["--environment=Development"]);
        builder.Services.AddSseBroker(builder.Configuration);
        builder.Services.AddSseMetrics();
        await using var app = builder.Build();
        app.MapSseBroker();
        app.MapSseHealthChecks();
        app.MapSseMetrics();

        var page = RepositoryFiles.Read("docs/http-api.md");
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
            .Select(endpoint => $"{Method(endpoint)} {endpoint.RoutePattern.RawText}")
            .Distinct()
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.DoesNotContain(endpoints, endpoint => !page.Contains($"## `{endpoint}`", StringComparison.Ordinal));
    }

    // Health checks and the scrape answer any method; the page documents them as GET.
    private static string Method(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is [var method] ? method : "GET";
}
