using System.Security.Cryptography.X509Certificates;

namespace Sse.Actors.Settings;

/// <summary>
/// Akka.Remote over mutual TLS (<c>Sse:Cluster:Tls</c> section): every node presents its certificate and accepts a peer
/// only by the certificate it presents, both ways, so a process without one the cluster knows can neither join nor send.
/// Set a certificate file or one from the certificate store to turn it on; seed nodes are then <c>akka.ssl.tcp://</c>.
/// </summary>
public sealed class SseClusterTlsOptions
{
    /// <summary>A PKCS#12 (.pfx) file with the node's certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/>; empty when it has none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Instead of a file: the thumbprint of the node's certificate in the certificate store.</summary>
    public string? Thumbprint { get; set; }

    /// <summary>The store <see cref="Thumbprint"/> is in.</summary>
    public StoreName StoreName { get; set; } = StoreName.My;

    /// <summary>The store location <see cref="Thumbprint"/> is in.</summary>
    public StoreLocation StoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>
    /// The thumbprints of the certificates a peer may present. Empty: only this node's own, for a cluster that shares one
    /// certificate. List every node's when each has its own, and the next certificate's before rotating to it.
    /// </summary>
    public string[] AllowedThumbprints { get; set; } = [];

    /// <summary>Also require a peer's certificate to chain to a root this machine trusts (CA-issued certificates).</summary>
    public bool ValidateChain { get; set; }

    /// <summary>TLS is on: a certificate is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(Thumbprint);
}
