using System.Net.Http.Headers;
using ParticleBlynk.Device;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud.Tests.Support;

/// <summary>One harness (test-local clock, journal, host map) and one Particle Cloud with two accounts.</summary>
internal sealed class CloudFixture : IAsyncDisposable
{
    public const string Token = "0123456789abcdef0123456789abcdef01234567";
    public const string OtherToken = "fedcba9876543210fedcba9876543210fedcba98";
    public const string DeviceId = "e00fce68aaaaaaaaaaaaaaaa";
    public const string DeviceName = "boron_one";
    public const string SecondDeviceId = "e00fce68bbbbbbbbbbbbbbbb";
    public const string OtherDeviceId = "0123456789abcdef01234567";

    private CloudFixture(HarnessClock clock, HarnessServices services, ParticleCloud cloud)
    {
        Clock = clock;
        Services = services;
        Cloud = cloud;
        Http = services.Hosts.CreateClient(services.Work);
        Http.BaseAddress = cloud.Url;
    }

    public HarnessClock Clock { get; }

    public HarnessServices Services { get; }

    public ParticleCloud Cloud { get; }

    public HttpClient Http { get; }

    public static ParticleCloudBuilder DefaultBuilder() => new ParticleCloudBuilder()
        .WithAccount("alice@example.com", Token)
        .WithDevice("alice@example.com", DeviceId, DeviceName, Platforms.Boron)
        .WithDevice("alice@example.com", SecondDeviceId, "argon_two", Platforms.Argon)
        .WithAccount("mallory@example.com", OtherToken)
        .WithDevice("mallory@example.com", OtherDeviceId, "gongbot", Platforms.Photon);

    public static CloudFixture Start(Func<ParticleCloudBuilder, ParticleCloudBuilder>? configure = null)
    {
        var clock = new HarnessClock();
        var services = HarnessServices.Virtual(clock);
        var cloud = ParticleCloud.StartAsync((configure ?? (b => b))(DefaultBuilder()).Build(), services).GetAwaiter().GetResult();
        return new CloudFixture(clock, services, cloud);
    }

    /// <summary>Connects a fake device through the gateway and attaches it to the clock.</summary>
    public FakeSessionDevice Connect(string deviceId = DeviceId, Platform? platform = null, Func<FakeSessionDevice, FakeSessionDevice>? configure = null)
    {
        var device = new FakeSessionDevice(deviceId, platform ?? Platforms.Boron, Clock);
        device = configure?.Invoke(device) ?? device;
        Clock.Attach(device);
        Cloud.DeviceGateway.Connected(device);
        return device;
    }

    public HttpRequestMessage Authorized(HttpMethod method, string path, string token = Token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>Sends inside a harness flow and drives virtual time until the answer is back.</summary>
    public async Task<(int Status, string Body, DateTimeOffset At)> SendAsync(HttpRequestMessage request, TimeSpan? limit = null)
    {
        var call = Services.Work.Run("test request", async () =>
        {
            using var response = await Http.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), Clock.Now);
        });
        return await Clock.CompleteAsync(call, limit ?? TimeSpan.FromMinutes(2));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Cloud.DisposeAsync();
    }
}
