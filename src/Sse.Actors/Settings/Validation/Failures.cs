using Microsoft.Extensions.Options;

namespace Sse.Actors.Settings.Validation;

/// <summary>What the rules of <see cref="SseOptionsValidator"/> found wrong, each in the words start-up reports.</summary>
internal sealed class Failures
{
    private readonly List<string> _messages = [];

    /// <summary>Records <paramref name="message"/> when <paramref name="rule"/> does not hold.</summary>
    public void Require(bool rule, string message)
    {
        if (!rule)
        {
            _messages.Add(message);
        }
    }

    /// <summary>Records that <paramref name="option"/> (its full name) is not a wait above 0 and at most <paramref name="longest"/>.</summary>
    public void RequireWait(TimeSpan wait, string option, TimeSpan longest) =>
        Require(wait > TimeSpan.Zero && wait <= longest, $"{option} must be above 0 and at most {longest} (is {wait}).");

    public void Add(string message) => _messages.Add(message);

    public ValidateOptionsResult Result => _messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_messages);
}
