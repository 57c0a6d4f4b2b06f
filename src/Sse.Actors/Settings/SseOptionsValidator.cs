using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Settings.Validation;

namespace Sse.Actors.Settings;

/// <summary>
/// The rules for <see cref="SseOptions"/>, one set per section; a failure names the option and stops start-up. The rules read
/// the options only: what needs the disk (the cluster's certificate) is checked where it is loaded.
/// </summary>
public sealed class SseOptionsValidator(IHostEnvironment environment) : IValidateOptions<SseOptions>
{
    public ValidateOptionsResult Validate(string? name, SseOptions options)
    {
        var failures = new Failures();
        CoreRules.Check(options, environment.IsDevelopment(), failures);
        HistoryStoreRules.Check(options, failures);
        LimitsRules.Check(options.Limits, failures);
        AuthRules.Check(options.Auth, failures);
        ClusterRules.Check(options, failures);
        BootstrapRules.Check(options, failures);
        ClusterTlsRules.Check(options, failures);
        MetricsRules.Check(options.Metrics, failures);
        return failures.Result;
    }
}
