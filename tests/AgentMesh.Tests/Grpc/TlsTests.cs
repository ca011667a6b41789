using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc.Protos;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc;

public sealed class TlsTests
{
    [Fact]
    public async Task Unary_call_over_TLS_with_a_configured_certificate()
    {
        using var certificate = CreateSelfSigned();
        await using var server = await GrpcTestServer.StartAsync(certificate: certificate);
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() },
        };
        using var channel = GrpcChannel.ForAddress(server.Address.Replace("http://", "https://"), new GrpcChannelOptions { HttpHandler = handler });

        var reply = await channel.UnaryAsync(Unary, new EchoRequest { Message = "secure" }).WaitAsync(WaitLimit);

        Assert.Equal("secure", reply.Message);
        handler.Dispose();
    }

    private static X509Certificate2 CreateSelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
