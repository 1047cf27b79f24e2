using System.Text;
using Microsoft.AspNetCore.Http;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.Timeline.Tests;

public sealed class HostProblemTests
{
    [Theory]
    [InlineData("ny3.blynk.cloud", "/external/api/batch/update", "?token=abc&V14=1", null)]
    [InlineData("127.0.0.1:8080", "/v1/events", "", null)]
    [InlineData("", "/", "", "Missing or empty Host header")]
    [InlineData("a..b", "/", "", "Invalid Host header")]
    [InlineData("ny3.blynk.cloud:99999", "/", "", "Invalid Host header")]
    public void A_host_uri_cannot_take_is_refused(string host, string path, string query, string? problem) =>
        FrontDoor.HostProblem(Request(host, path, query)).Should().Be(problem);

    [Fact]
    public void The_shortcut_answers_as_the_two_uris_do_for_every_request_of_a_fuzzed_corpus()
    {
        // Given 20,000 requests of hosts, ports, paths and queries built from the characters that matter (seeded)
        var random = new Random(20261203);
        string[] hosts = ["ny3.blynk.cloud", "127.0.0.1", "a", "A-b", "-a", "a-", "a..b", ".", "é", "[::1]", "_x", new string('h', 64), new string('h', 63) + ".a", "x y", ""];
        string[] ports = ["", ":80", ":0", ":65535", ":65536", ":99999", ":", ":x"];
        string[] parts = ["/", "a", "%20", " ", "é", "?", "#", "%", "\\", "[", "\u0001", "~", "+", "=", "&"];
        var shortcut = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var host = hosts[random.Next(hosts.Length)] + ports[random.Next(ports.Length)];
            var path = new StringBuilder("/");
            for (var n = random.Next(0, 6); n > 0; n--)
            {
                path.Append(parts[random.Next(random.Next(2) == 0 ? 2 : parts.Length)]);
            }

            var query = new StringBuilder();
            for (var n = random.Next(0, 6); n > 0; n--)
            {
                query.Append(parts[random.Next(random.Next(2) == 0 ? 2 : parts.Length)]);
            }

            var request = Request(host, path.ToString(), query.Length == 0 ? "" : "?" + query);

            // When both ways read it, then they agree
            var expected = FrontDoor.HostProblemByUri(request);
            FrontDoor.HostProblem(request).Should().Be(expected, $"Host {host}, target {request.Path}{request.QueryString}");
            shortcut += expected is null && Loop.PlainUrl.IsHostName(request.Host.Host) ? 1 : 0;
        }

        shortcut.Should().BeGreaterThan(1_000, "the corpus holds plain requests too");
    }

    private static HttpRequest Request(string host, string path, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString(host);
        context.Request.Path = new PathString(path);
        context.Request.QueryString = query.Length == 0 ? QueryString.Empty : new QueryString(query);
        return context.Request;
    }
}
