// docs/deployment.md. Lines marked "scaffold" make the samples compile and are left out of the docs.
using Microsoft.AspNetCore.Builder; // scaffold (implicit in a web project)
using Microsoft.Extensions.DependencyInjection; // scaffold (implicit in a web project)
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Sse.Actors.Hosting;
using Sse.Actors.Http;

namespace Sse.Tests.Docs.Samples.Deployment; // scaffold

public static class BehindAProxy // scaffold
{ // scaffold
    public static void Run(string[] args) // scaffold
    { // scaffold
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSseBroker(builder.Configuration);
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Add(IPAddress.Parse("10.0.0.2"));   // your nginx; loopback is trusted already
        });
        var app = builder.Build();
        app.UseForwardedHeaders();   // first: the rate limiter and the logs then see the browser's address
        app.UseCors();
        app.UseRateLimiter();
        app.MapSseBroker();
        app.MapSseHealthChecks();
        app.Run();
    } // scaffold
} // scaffold
