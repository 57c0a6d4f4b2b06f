using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;
using Sse.Actors.Settings;

namespace Sse.Actors.Hosting;

/// <summary>Which peer certificates a node accepts on its cluster connections, in and out.</summary>
internal static class ClusterTls
{
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
}
