using System.Text;

namespace ParticleBlynk.Loop.Tests;

public sealed class HttpExchangeTests
{
    [Theory]
    [InlineData("https://ny3.blynk.cloud/external/api/batch/update?token=abc&V6=2026-01-01T00%3A00%3A03.000Z&V14=1", "token=abc&V6=2026-01-01T00%3A00%3A03.000Z&V14=1")]
    [InlineData("http://127.0.0.1:8080/p?q=1", "q=1")]
    [InlineData("https://x.example/path", "")]
    [InlineData("https://x.example/?q=a%20b&r=%41%7E", "q=a%20b&r=A~")] // Uri unescapes %41 and %7E: read by Uri
    [InlineData("https://x.example/?q=é ü", "q=%C3%A9%20%C3%BC")] // escaped by Uri
    [InlineData("https://u:p@x.example:8443/p?q=1#frag", "q=1")]
    [InlineData("https://x.example/p??a=1", "?a=1")] // the query as sent: only the first '?' is not part of it
    [InlineData("not a url", "")]
    public void The_raw_query_is_the_query_as_uri_reads_it(string url, string query) =>
        new HttpExchange("GET", url).RawQuery.Should().Be(query);

    [Fact]
    public void Read_without_parsing_the_query_is_what_uri_reads_for_every_url_of_a_fuzzed_corpus()
    {
        // Given 20,000 URLs built from the characters that matter (seeded: the same corpus every run)
        var random = new Random(20261201);
        string[] schemes = ["http://", "https://", "ftp://", "HTTPS://", ""];
        string[] hostParts = ["a", "ny3", "blynk", "cloud", "-", ".", "..", "A", "0", "127", new string('h', 64), "_", "é", "[::1]", "u:p@", ":", ":8080", ":99999", ":0"];
        string[] parts = ["/", "?", "&", "=", "a", "Z", "9", "%", "%2", "%20", "%41", "%7E", "%7e", "%2F", "%C3%A9", "%zz", "+", " ", "#", "é", "~", "-", "_", ".", "!", "$", "'", "(", ")", "*", ",", ";", ":", "@", "[", "]", "\\", "\"", "<", ">", "^", "`", "{", "|", "}", "\t", "V14=1", "token=abc"];
        string[] plainHosts = ["a", "ny3", "blynk", ".", "cloud", "0", "127", "-"];
        string[] plainParts = ["/", "?", "&", "=", "a", "Z", "9", "%20", "%2F", "%3A", "+", "~", "-", "_", ".", "!", "$", "'", "(", ")", "*", ",", ";", ":", "@", "V14=1", "token=abc"];
        var fast = 0;

        // When each is read both ways
        for (var i = 0; i < 20_000; i++)
        {
            // half of them of the characters a plain URL holds (with one odd one now and then), half of anything
            var plainly = random.Next(2) == 0;
            var url = new StringBuilder(plainly ? schemes[random.Next(2)] : schemes[random.Next(schemes.Length)]);
            for (var n = random.Next(1, 5); n > 0; n--)
            {
                url.Append(plainly ? plainHosts[random.Next(plainHosts.Length)] : hostParts[random.Next(hostParts.Length)]);
            }

            if (plainly && random.Next(3) == 0)
            {
                url.Append(":8080");
            }

            if (plainly && random.Next(4) > 0)
            {
                url.Append('/');
            }

            for (var n = random.Next(0, 12); n > 0; n--)
            {
                url.Append(plainly && random.Next(20) > 0 ? plainParts[random.Next(plainParts.Length)] : parts[random.Next(parts.Length)]);
            }

            var text = url.ToString();
            var expected = Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Query.Length > 0 ? uri.Query[1..] : "";

            // Then wherever the fast reading answers, it answers as Uri does
            if (HttpExchange.PlainQuery(text) is { } plain)
            {
                fast++;
                plain.Should().Be(expected, $"the query of {text}");
            }

            new HttpExchange("GET", text).RawQuery.Should().Be(expected, $"the query of {text}");
        }

        fast.Should().BeGreaterThan(3_000, "the corpus holds plain URLs too");
    }

    [Fact]
    public void A_plain_host_name_is_one_uri_takes_as_a_dns_name()
    {
        // Given 20,000 host names of labels, dots, hyphens and odd characters (seeded)
        var random = new Random(20261202);
        string[] pieces = ["a", "Z", "9", "ny3", "-", ".", "_", "é", " ", ":", "@", "[", "%", new string('h', 63), new string('h', 64)];
        var plain = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var host = new StringBuilder();
            for (var n = random.Next(1, 8); n > 0; n--)
            {
                host.Append(pieces[random.Next(random.Next(2) == 0 ? 6 : pieces.Length)]);
            }

            // When it is called plain, then Uri takes it as a DNS name (or an IPv4 address), unchanged but for case
            var text = host.ToString();
            if (PlainUrl.IsHostName(text))
            {
                plain++;
                Uri.TryCreate($"http://{text}/", UriKind.Absolute, out var uri).Should().BeTrue($"{text} is a host name");
                uri!.HostNameType.Should().BeOneOf([UriHostNameType.Dns, UriHostNameType.IPv4], text);
            }
        }

        plain.Should().BeGreaterThan(1_000, "the corpus holds plain names too");
        PlainUrl.IsHostName("ny3.blynk.cloud").Should().BeTrue();
        PlainUrl.IsHostName(new string('h', 64)).Should().BeFalse("a label is at most 63 characters");
        PlainUrl.IsHostName("a..b").Should().BeFalse();
        PlainUrl.IsHostName("-a").Should().BeFalse();
    }
}
