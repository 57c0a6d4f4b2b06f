using Sse.Actors.Clients;

namespace Sse.Tests.Clients;

[Trait("Category", TestCategories.Unit)]
public sealed class ClientConnectionTests
{
    [Fact]
    public void An_abort_asked_for_before_the_writer_registers_runs_when_it_does()
    {
        var connection = new ClientConnection(Guid.NewGuid().ToString(), null, [], bufferSize: 4);
        var aborted = 0;

        connection.Abort();
        connection.OnAbort(() => aborted++);

        Assert.Equal(1, aborted);
        Assert.True(connection.IsAborted);
    }

    [Fact]
    public void After_the_request_ended_an_abort_never_reaches_the_response()
    {
        // Kestrel reuses the HttpContext for the next request on a keep-alive connection.
        var connection = new ClientConnection(Guid.NewGuid().ToString(), null, [], bufferSize: 4);
        var aborted = 0;
        connection.OnAbort(() => aborted++);

        connection.End();
        connection.Abort();
        connection.AbortAfter(TimeSpan.Zero);
        connection.OnAbort(() => aborted++);

        Assert.Equal(0, aborted);
    }

    [Fact]
    public void Abort_runs_once()
    {
        var connection = new ClientConnection(Guid.NewGuid().ToString(), null, [], bufferSize: 4);
        var aborted = 0;
        connection.OnAbort(() => aborted++);

        connection.Abort();
        connection.Abort();

        Assert.Equal(1, aborted);
    }
}
