using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;
using Microsoft.Extensions.Options;
using Sse.Actors.Settings;

namespace Sse.Actors.Clustering;

/// <summary>The node's certificate for <c>Sse:Cluster:Tls</c>, and which peer certificates it accepts on its cluster connections, in and out.</summary>
internal static class ClusterTls
{
    /// <summary>Loads the node's certificate from the file or the store, with its private key.</summary>
    /// <exception cref="InvalidOperationException">It cannot be loaded, or has no private key; the message names the option.</exception>
    public static X509Certificate2 LoadCertificate(SseClusterTlsOptions tls)
    {
        var option = $"{SseOptions.SectionName}:Cluster:Tls:{(string.IsNullOrWhiteSpace(tls.CertificatePath) ? "Thumbprint" : "CertificatePath")}";
        X509Certificate2 certificate;
        try
        {
            certificate = Load(tls);
        }
        catch (Exception e) when (e is CryptographicException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{option} names a certificate that cannot be loaded: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
        {
            using (certificate)
            {
                throw new InvalidOperationException($"{option} names {certificate.Subject}, a certificate without its private key: a node needs its own.");
            }
        }
        return certificate;
    }

    /// <summary>
    /// Pinned thumbprints (the allowed list, or this node's own certificate): a certificate signed by any CA, or the same
    /// subject with another key, is refused. With <see cref="SseClusterTlsOptions.ValidateChain"/> the chain must hold too.
    /// </summary>
    public static CertificateValidationCallback PeerValidator(X509Certificate2 own, SseClusterTlsOptions tls)
    {
        var allowed = tls.AllowedThumbprints.Length > 0 ? tls.AllowedThumbprints : [own.Thumbprint];
        var pinned = CertificateValidation.PinnedCertificate(allowed);
        return tls.ValidateChain ? CertificateValidation.Combine(CertificateValidation.ValidateChain(), pinned) : pinned;
    }

    private static X509Certificate2 Load(SseClusterTlsOptions tls)
    {
        if (!string.IsNullOrWhiteSpace(tls.CertificatePath))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath, tls.CertificatePassword);
        }
        using var store = new X509Store(tls.StoreName, tls.StoreLocation);
        store.Open(OpenFlags.ReadOnly);
        var found = store.Certificates.Find(X509FindType.FindByThumbprint, tls.Thumbprint!, validOnly: false);
        return found.Count > 0 ? found[0] : throw new InvalidOperationException($"No certificate with thumbprint {tls.Thumbprint} in {tls.StoreLocation}/{tls.StoreName}.");
    }
}

/// <summary>
/// The node's certificate, loaded once as the options are validated at start: one that cannot be loaded stops start-up with
/// the other bad options, naming its option, and the remoting of <c>AddSseBroker</c> presents the one loaded here.
/// </summary>
internal sealed class ClusterCertificate : IValidateOptions<SseOptions>
{
    private readonly Lock _loading = new();
    private X509Certificate2? _certificate;

    /// <summary>The certificate the options' validation loaded.</summary>
    public X509Certificate2 Certificate => _certificate ?? throw new InvalidOperationException(
        "Sse:Cluster:Tls: the node's certificate is loaded as the options are validated, at start, and was not.");

    public ValidateOptionsResult Validate(string? name, SseOptions options)
    {
        var tls = options.Cluster.Tls;
        // With a file and a thumbprint both, the options' own rule already names them: there is no one certificate to load.
        if (!tls.Enabled || (!string.IsNullOrWhiteSpace(tls.CertificatePath) && !string.IsNullOrWhiteSpace(tls.Thumbprint)))
        {
            return ValidateOptionsResult.Success;
        }
        try
        {
            lock (_loading)
            {
                _certificate ??= ClusterTls.LoadCertificate(tls);
            }
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
