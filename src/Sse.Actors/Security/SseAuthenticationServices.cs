using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Sse.Actors.Settings;

namespace Sse.Actors.Security;

/// <summary>Registers the authenticator <c>Sse:Auth:Mode</c> names, with ASP.NET Core's JWT bearer handler for <c>Jwt</c>.</summary>
internal static class SseAuthenticationServices
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var auth = configuration.GetSection($"{SseOptions.SectionName}:Auth").Get<SseAuthOptions>() ?? new SseAuthOptions();
        switch (auth.Mode)
        {
            case SseAuthMode.Jwt:
                services.TryAddSingleton<ISseAuthenticator, JwtAuthenticator>();
                services.AddAuthentication().AddJwtBearer(JwtAuthenticator.Scheme, _ => { });
                services.AddOptions<JwtBearerOptions>(JwtAuthenticator.Scheme)
                    .Configure<IOptions<SseOptions>>((bearer, sse) => Configure(bearer, sse.Value.Auth));
                break;
            case SseAuthMode.User:
                services.TryAddSingleton<ISseAuthenticator, HttpUserAuthenticator>();
                break;
            default:
                services.TryAddSingleton<ISseAuthenticator, QueryStringAuthenticator>();
                break;
        }
        services.AddHostedService<QueryStringGuard>();
    }

    private static void Configure(JwtBearerOptions bearer, SseAuthOptions auth)
    {
        var jwt = auth.Jwt;
        bearer.MapInboundClaims = false;
        bearer.Authority = string.IsNullOrEmpty(jwt.Authority) ? null : jwt.Authority;
        bearer.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = !string.IsNullOrEmpty(jwt.Issuer),
            ValidIssuer = jwt.Issuer,
            ValidateAudience = !string.IsNullOrEmpty(jwt.Audience),
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        if (!string.IsNullOrEmpty(jwt.SigningKey))
        {
            bearer.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey));
            bearer.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        bearer.Events = new JwtBearerEvents
        {
            // EventSource cannot set headers: accept the token from the query when no header carries one.
            OnMessageReceived = context =>
            {
                if (jwt.AllowTokenInQuery && string.IsNullOrEmpty(context.Request.Headers.Authorization) &&
                    context.Request.Query[jwt.TokenQueryParameter] is { Count: > 0 } token)
                {
                    context.Token = token.ToString();
                }
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>Refuses to start outside Development with the query-string authenticator unless explicitly allowed; warns in Development.</summary>
    private sealed class QueryStringGuard(ISseAuthenticator authenticator, IHostEnvironment environment, IOptions<SseOptions> options, ILogger<QueryStringGuard> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (authenticator is not QueryStringAuthenticator)
            {
                return Task.CompletedTask;
            }
            if (environment.IsDevelopment() || options.Value.Auth.AllowQueryString)
            {
                logger.LogWarning("Streams trust the user_id query parameter (Sse:Auth:Mode=QueryString): anyone can connect as any user. Use Sse:Auth:Mode=Jwt outside development.");
                return Task.CompletedTask;
            }
            throw new InvalidOperationException(
                $"Sse:Auth:Mode is QueryString in the {environment.EnvironmentName} environment: streams would trust any user_id from the query. " +
                "Set Sse:Auth:Mode=Jwt with Sse:Auth:Jwt:SigningKey or Sse:Auth:Jwt:Authority, use Sse:Auth:Mode=User behind your own authentication, " +
                "or, on a trusted network only, Sse:Auth:AllowQueryString=true.");
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
