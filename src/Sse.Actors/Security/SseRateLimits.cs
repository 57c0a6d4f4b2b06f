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

    /// <summary>
    /// Adds the broker's named policy, beside the app's own: the app's global limiter, rejection status and
    /// <c>OnRejected</c> stay as the app set them, because the policy answers its own rejections.
    /// </summary>
    internal static void AddPolicy(RateLimiterOptions limiter, SseLimitsOptions limits) => limiter.AddPolicy(ConnectPolicy, new ConnectAttempts(limits));

    private sealed class ConnectAttempts(SseLimitsOptions limits) : IRateLimiterPolicy<string>
    {
        // A policy's own OnRejected is called instead of the app's; the status code is ours to set.
        public Func<OnRejectedContext, CancellationToken, ValueTask> OnRejected { get; } = async (context, cancellationToken) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
            context.HttpContext.RequestServices.GetService<SseMetrics>()?.ConnectionRefused(SseMetrics.StreamRefusals.RateLimited);
            context.HttpContext.RequestServices.GetService<SseRefusalLog>()?.StreamRefused(SseMetrics.StreamRefusals.RateLimited,
                $"{context.HttpContext.Connection.RemoteIpAddress}: over Sse:Limits:ConnectionAttemptsPerMinutePerIp ({limits.ConnectionAttemptsPerMinutePerIp})");
            context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Http.SseJson.WriteErrorAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                $"too many connection attempts from this address (Sse:Limits:ConnectionAttemptsPerMinutePerIp is {limits.ConnectionAttemptsPerMinutePerIp})");
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext)
        {
            if (limits.ConnectionAttemptsPerMinutePerIp == 0)
            {
                return RateLimitPartition.GetNoLimiter("unlimited");
            }
            var address = httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.ConnectionAttemptsPerMinutePerIp,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        }
    }
}
