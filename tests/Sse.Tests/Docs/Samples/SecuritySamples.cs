// docs/security.md. Lines marked "scaffold" make the samples compile and are left out of the docs.
using System.Security.Cryptography.X509Certificates; // scaffold
using Microsoft.AspNetCore.Builder; // scaffold (implicit in a web project)
using Microsoft.AspNetCore.DataProtection; // scaffold
using Microsoft.Extensions.DependencyInjection; // scaffold (implicit in a web project)

namespace Sse.Tests.Docs.Samples.Security; // scaffold

public static class SharedKeyRing // scaffold
{ // scaffold
    public static void Configure(WebApplicationBuilder builder, X509Certificate2 certificate) // scaffold
    { // scaffold
        builder.Services.AddDataProtection()
            .SetApplicationName("sse-broker")
            .PersistKeysToFileSystem(new DirectoryInfo("/mnt/shared/sse-keys"))   // or Redis, a database, Azure Blob Storage...
            .ProtectKeysWithCertificate(certificate);
    } // scaffold
} // scaffold
