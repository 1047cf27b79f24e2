using System.Net;
using ParticleBlynk.Timeline;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ParticleBlynk.BlynkCloud.Tests;

/// <summary>A test-local harness: virtual clock, the Blynk mock on ny3, and a plain WireMock standing in for api.particle.io.</summary>
internal sealed class BlynkHarness : IAsyncDisposable
{
    public const string Token = "xw7ITVneg1DifRRQuPGcA7fJvV8-FAVl";
    public const string OtherToken = "Ab3_defghijklmnopqrstuvwxyz01234";
    public const string ParticleDevice = "e00fce68aaaaaaaaaaaaaaaa";
    public const string ParticleToken = "0123456789abcdef0123456789abcdef01234567";

    private BlynkHarness(HarnessClock clock, HarnessServices services, WireMockServer particle, BlynkCloud cloud)
    {
        Clock = clock;
        Services = services;
        Particle = particle;
        Cloud = cloud;
        Client = services.Hosts.CreateClient(services.Work);
    }

    public HarnessClock Clock { get; }

    public HarnessServices Services { get; }

    public WireMockServer Particle { get; }

    public BlynkCloud Cloud { get; }

    public HttpClient Client { get; }

    public static async Task<BlynkHarness> StartAsync(Func<BlynkCloudBuilder, BlynkCloudBuilder>? configure = null, HttpStatusCode particleStatus = HttpStatusCode.OK)
    {
        var clock = new HarnessClock();
        var services = HarnessServices.Virtual(clock);
        var particle = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        particle.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(particleStatus).WithBody("""{"id":"x","connected":true,"return_value":1}"""));
        services.Hosts.Map("api.particle.io", new Uri(particle.Url!));
        var builder = new BlynkCloudBuilder()
            .WithSeedIntegration(Token, ParticleDevice, ParticleToken)
            .WithDevice(OtherToken, "Photon in Frankfurt", BlynkCloudBuilder.SeedTemplateId, BlynkRegions.Fra1);
        var cloud = await (configure ?? (b => b))(builder).StartAsync(services);
        cloud.MapHosts();
        return new BlynkHarness(clock, services, particle, cloud);
    }

    /// <summary>GET on a Blynk host through the harness host map (the Host header stays as written).</summary>
    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string url)
    {
        var response = await Client.GetAsync(new Uri(url));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> BatchAsync(string query, string host = "ny3.blynk.cloud") =>
        GetAsync($"https://{host}/external/api/batch/update?token={Token}&{query}");

    public IReadOnlyList<WireMock.IRequestMessage> ParticleCalls => Particle.LogEntries.Select(e => e.RequestMessage!).ToList();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Cloud.DisposeAsync();
        Particle.Stop();
        Particle.Dispose();
    }
}
