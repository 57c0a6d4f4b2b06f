using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.Diagnostics;
using Sse.Actors.Settings;

namespace Sse.Actors.Security;

/// <summary>Connection attempts per client IP, through ASP.NET Core rate limiting (<c>Sse:Limits:ConnectionAttemptsPerMinutePerIp</c>).</summary>
public static class SseRateLimits
{
    public const string ConnectPolicy = "SseConnect";

    internal static void Configure(RateLimiterOptions limiter, SseLimitsOptions limits)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = async (context, cancellationToken) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
            context.HttpContext.RequestServices.GetService<SseMetrics>()?.ConnectionRefused(SseMetrics.StreamRefusals.RateLimited);
            context.HttpContext.RequestServices.GetService<SseRefusalLog>()?.StreamRefused(SseMetrics.StreamRefusals.RateLimited,
                $"{context.HttpContext.Connection.RemoteIpAddress}: over Sse:Limits:ConnectionAttemptsPerMinutePerIp ({limits.ConnectionAttemptsPerMinutePerIp})");
            context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Http.SseJson.WriteErrorAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                $"too many connection attempts from this address (Sse:Limits:ConnectionAttemptsPerMinutePerIp is {limits.ConnectionAttemptsPerMinutePerIp})");
        };
        limiter.AddPolicy(ConnectPolicy, context =>
        {
            if (limits.ConnectionAttemptsPerMinutePerIp == 0)
            {
                return RateLimitPartition.GetNoLimiter("unlimited");
            }
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.ConnectionAttemptsPerMinutePerIp,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        });
    }
}
