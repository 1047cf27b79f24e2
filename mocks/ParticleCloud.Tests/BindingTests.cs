using System.Net.Sockets;
using ParticleBlynk.ParticleCloud.Tests.Support;

namespace ParticleBlynk.ParticleCloud.Tests;

public sealed class BindingTests
{
    [Fact]
    public async Task Server_listens_on_127_0_0_1_only_on_a_random_port()
    {
        // Given
        await using var f = CloudFixture.Start();

        // When
        using var v6 = new TcpClient(AddressFamily.InterNetworkV6);
        var v6Connect = async () => await v6.ConnectAsync(System.Net.IPAddress.IPv6Loopback, f.Cloud.Url.Port);

        // Then
        f.Cloud.Url.Host.Should().Be("127.0.0.1");
        f.Cloud.Url.Port.Should().BePositive();
        await v6Connect.Should().ThrowAsync<SocketException>("WireMock bound the IPv4 loopback literal, not localhost or any address");
    }
}
