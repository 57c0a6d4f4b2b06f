using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sse.Tests.Http;

/// <summary>
/// A browser that stops reading: a raw socket with a tiny receive window that reads the response
/// up to the welcome event and then never again.
/// </summary>
public sealed class StalledClient : IDisposable
{
    private readonly Socket _socket;

    private StalledClient(Socket socket) => _socket = socket;

    public static async Task<StalledClient> ConnectAsync(Uri address, string path)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024 };
        await socket.ConnectAsync(IPAddress.Loopback, address.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"));
        var received = new StringBuilder();
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(BrokerHost.FactTimeout);
        while (!received.ToString().Contains("welcome"))
        {
            var count = await socket.ReceiveAsync(buffer, timeout.Token);
            if (count == 0)
            {
                throw new InvalidOperationException("the server closed the stream before the welcome");
            }
            received.Append(Encoding.ASCII.GetString(buffer, 0, count));
        }
        return new StalledClient(socket);
    }

    public void Dispose() => _socket.Dispose();
}
