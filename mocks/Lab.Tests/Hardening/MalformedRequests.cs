using System.Globalization;
using System.Text;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Lab.Tests.Hardening;

/// <summary>Which mock of the lab a request goes to.</summary>
public enum MockSide
{
    Particle,
    Blynk,
}

/// <summary>What a fuzz request is sent to: the lab's ports and its tokens (valid tokens reach deeper code).</summary>
public sealed record FuzzTarget(int ParticlePort, int BlynkPort, string ParticleToken, string BlynkToken, string DeviceId)
{
    public int Port(MockSide side) => side == MockSide.Particle ? ParticlePort : BlynkPort;
}

/// <summary>
/// One request of the fuzz run: the bytes of its head, a body to push after it, how to send it. <see cref="Good"/>: a normal
/// request interleaved with the malformed ones, which must succeed (the lab keeps answering).
/// </summary>
public sealed record FuzzRequest(int Index, MockSide Side, string Kind, byte[] Head, byte[]? Body, bool FreshConnection, bool HalfClose, bool IsHead, bool Good, string Path)
{
    /// <summary>The request as text for a failure message: control bytes escaped, long parts cut, tokens masked.</summary>
    public string Describe(Secrets secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var text = Encoding.Latin1.GetString(Head) + (Body is null ? "" : Encoding.Latin1.GetString(Body, 0, Math.Min(Body.Length, 600)));
        return $"#{Index} {Side} {Kind}: " + secrets.Redact(CleanText.Line(text, 600));
    }
}

/// <summary>
/// The seeded generator of malformed requests (issue 12 item 1): first the cases the issue measured (invalid Host headers,
/// an empty query key, a lone surrogate in a JSON body, a malformed chunk size, a body shorter than its Content-Length) and
/// the classic raw-HTTP traps, then random ones — methods, paths, queries, headers, encodings, bodies. Request i of a seed is
/// always the same bytes, whatever order the workers send them in. Every tenth request is a good one.
/// </summary>
public static class MalformedRequests
{
    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get", "M-SEARCH", "PROPFIND"];

    private static readonly string[] BlynkEndpoints = ["batch/update", "update", "get", "getAll", "isHardwareConnected", "update/property", "logEvent", "provision"];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/plain", "application/json; charset=utf-16",
        "multipart/form-data; boundary=x", ";;;", "", "application/vnd.x+json", "application/octet-stream", "text/*; charset=\"", "application/json; charset=nope",
    ];

    /// <summary>The request with this index, for this seed.</summary>
    public static FuzzRequest Create(FuzzTarget target, MockSide side, int index, int seed)
    {
        ArgumentNullException.ThrowIfNull(target);
        var random = new Random(unchecked((seed * 1_000_003) + (index * 2) + (int)side));
        if (index % 10 == 0)
        {
            return GoodRequest(target, side, index);
        }

        var fixedCases = FixedCases(target, side);
        var slot = index - (index / 10) - 1; // the non-good indices, counted from 0
        return slot < fixedCases.Count
            ? fixedCases[slot](index)
            : RandomRequest(target, side, index, random);
    }

    /// <summary>A normal request that must succeed: the Particle device list or one device; a Blynk read or write.</summary>
    private static FuzzRequest GoodRequest(FuzzTarget t, MockSide side, int index)
    {
        var host = $"127.0.0.1:{t.Port(side)}";
        string path;
        if (side == MockSide.Particle)
        {
            path = index % 20 == 0 ? "/v1/devices" : $"/v1/devices/{t.DeviceId}";
            return Build(index, side, "good", "GET", path, host, [("Authorization", "Bearer " + t.ParticleToken)], null, good: true);
        }

        path = (index / 10 % 3) switch
        {
            0 => $"/external/api/get?token={t.BlynkToken}&V16",
            1 => $"/external/api/isHardwareConnected?token={t.BlynkToken}",
            _ => $"/external/api/batch/update?token={t.BlynkToken}&V14={index}",
        };
        return Build(index, side, "good", "GET", path, host, [], null, good: true);
    }

    private static List<Func<int, FuzzRequest>> FixedCases(FuzzTarget t, MockSide side)
    {
        var host = $"127.0.0.1:{t.Port(side)}";
        var p = side == MockSide.Particle;
        var auth = p ? ("Authorization", "Bearer " + t.ParticleToken) : ("X-Nothing", "1");
        var readPath = p ? $"/v1/devices/{t.DeviceId}" : $"/external/api/get?token={t.BlynkToken}&V16";
        var callPath = p ? $"/v1/devices/{t.DeviceId}/blynk_led" : $"/external/api/update?token={t.BlynkToken}&V16=1";
        var head = (string method, string path, string hostHeader, (string, string)[] headers) =>
            Encoding.Latin1.GetBytes($"{method} {path} HTTP/1.1\r\nHost: {hostHeader}\r\n{string.Concat(headers.Select(h => $"{h.Item1}: {h.Item2}\r\n"))}");
        FuzzRequest Raw(int i, string kind, string text, byte[]? body = null, bool halfClose = false) =>
            new(i, side, kind, Encoding.Latin1.GetBytes(text), body, FreshConnection: true, halfClose, IsHead: false, Good: false, Path: "(raw)");
        FuzzRequest Http(int i, string kind, string method, string path, string hostHeader, (string, string)[] headers, byte[]? body, bool chunked = false) =>
            Build(i, side, kind, method, path, hostHeader, headers, body, fresh: true, chunked: chunked);

        var cases = new List<Func<int, FuzzRequest>>
        {
            // The issue's findings
            i => Http(i, "host-empty", "GET", readPath, "", [auth], null),
            i => Http(i, "host-double-dot", "GET", readPath, "a..b", [auth], null),
            i => Http(i, "host-300-chars", "GET", readPath, new string('a', 300), [auth], null),
            i => Http(i, "host-port-99999", "GET", readPath, "127.0.0.1:99999", [auth], null),
            i => Http(i, "host-bracket", "GET", readPath, "[::1", [auth], null),
            i => Http(i, "host-port-letters", "GET", readPath, "x:abc", [auth], null),
            i => Raw(i, "http10-no-host", $"GET {readPath} HTTP/1.0\r\n\r\n"),
            i => Http(i, "query-empty-key", "GET", p ? $"/v1/devices?access_token={t.ParticleToken}&=" : $"/external/api/get?token={t.BlynkToken}&V16&=", host, [], null),
            i => Http(i, "query-only-equals", "GET", (p ? "/v1/devices" : "/external/api/get") + "?==", host, [auth], null),
            i => Http(i, "query-semicolon-equals", "GET", readPath + ";=", host, [auth], null),
            i => Http(i, "query-case-twins", "GET", readPath + "&v16=1&V16=2&a=1&A=2", host, [auth], null),
            i => Http(i, "query-empty-key-unknown-path", "GET", "/nothing/here?=", host, [], null),
            i => Http(i, "query-case-twins-unknown-path", "GET", "/nothing/here?a=1&A=1", host, [], null),
            i => Http(i, "json-lone-surrogate", "POST", callPath, host, [auth, ("Content-Type", "application/json")], Encoding.UTF8.GetBytes("{\"args\":\"\\ud800\"}")),
            i => Http(i, "json-lone-low-surrogate", "POST", callPath, host, [auth, ("Content-Type", "application/json")], Encoding.UTF8.GetBytes("{\"arg\":\"x\\udfffy\"}")),
            i => Raw(i, "chunk-size-letters", Encoding.Latin1.GetString(head("POST", callPath, host, [auth, ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")])) + "\r\nZZ\r\nabc\r\n0\r\n\r\n"),
            i => Raw(i, "chunk-size-overflow", Encoding.Latin1.GetString(head("POST", callPath, host, [auth, ("Transfer-Encoding", "chunked")])) + "\r\nFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n"),
            i => Raw(i, "chunk-no-crlf", Encoding.Latin1.GetString(head("POST", callPath, host, [auth, ("Transfer-Encoding", "chunked")])) + "\r\n3\r\nabcX0\r\n\r\n"),
            i => Raw(i, "body-short-then-fin", Encoding.Latin1.GetString(head("POST", callPath, host, [auth, ("Content-Type", "application/json"), ("Content-Length", "100")])) + "\r\n{\"args\":\"on\"}", halfClose: true),
            i => Raw(i, "body-short-then-wait", Encoding.Latin1.GetString(head("POST", callPath, host, [auth, ("Content-Type", "application/json"), ("Content-Length", "100")])) + "\r\n{\"args\":\"on\"}"),
            i => Raw(i, "content-length-over-limit-unsent", Encoding.Latin1.GetString(head("POST", callPath, host, [auth, ("Content-Length", "10485760"), ("Expect", "100-continue")])) + "\r\n"),
            i => Http(i, "body-over-limit", "POST", callPath, host, [auth, ("Content-Type", "application/x-www-form-urlencoded")], Encoding.ASCII.GetBytes("args=" + new string('a', p ? 20_000 : 2_100_000))),
            i => Http(i, "chunked-body-over-limit", "POST", callPath, host, [auth], Encoding.ASCII.GetBytes("args=" + new string('b', p ? 20_000 : 70_000)), chunked: true),
            i => Http(i, "gzip-garbage", "POST", p ? "/v1/devices/events" : "/dashboard/api/1/pins/V16", host, [auth, ("Content-Encoding", "gzip"), ("Content-Type", "application/json")], Encoding.ASCII.GetBytes("certainly not gzip")),
            i => Http(i, "gzip-garbage-unknown-path", "POST", "/somewhere", host, [("Content-Encoding", "gzip")], Encoding.ASCII.GetBytes("not gzip either")),
            i => Http(i, "json-deep", "POST", callPath, host, [auth, ("Content-Type", "application/json")], Encoding.ASCII.GetBytes(new string('[', 5000) + new string(']', 5000))),
            i => Http(i, "json-deep-object", "POST", p ? "/v1/devices/events" : "/dashboard/api/1/pins/V16", host, [auth, ("Content-Type", "application/json")], Encoding.ASCII.GetBytes("{\"name\":" + new string('[', 3000) + "1" + new string(']', 3000) + "}")),
            i => Http(i, "forged-log-line", "POST", p ? "/v1/devices/events" : $"/external/api/batch/update?token={t.BlynkToken}&V6=ok%0AFORGED", host, [auth, ("Content-Type", "application/x-www-form-urlencoded")], p ? Encoding.ASCII.GetBytes("name=fuzz%0AFORGED&data=ok%0AFORGED%1b%5b31m") : null),
            i => Http(i, "invalid-utf8-body", "POST", callPath, host, [auth, ("Content-Type", "application/json")], [0x7b, 0x22, 0x61, 0x72, 0x67, 0x73, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x80, 0x22, 0x7d]),
            i => Http(i, "utf16-body", "POST", callPath, host, [auth, ("Content-Type", "application/json; charset=utf-16")], Encoding.Unicode.GetBytes("{\"args\":\"on\"}")),
            i => Http(i, "bom-body", "POST", callPath, host, [auth, ("Content-Type", "application/json")], [0xef, 0xbb, 0xbf, .. Encoding.UTF8.GetBytes("{\"args\":\"on\"}")]),
            i => Http(i, "path-encoded-controls", "GET", (p ? "/v1/devices/%00%0a%ff%ed%a0%80" : "/external/api/get%00") + "?x=%zz%", host, [auth], null),
            i => Http(i, "path-dots", "GET", p ? "/v1/../v1/./devices/%2e%2e/%2F" : "/external/api/../api/get?token=" + t.BlynkToken + "&V16", host, [auth], null),
            i => Http(i, "flow-header-random", "GET", readPath, host, [auth, ("X-Harness-Flow", "h-\u00ff\u0001zz")], null),
            i => Http(i, "many-headers", "GET", readPath, host, [.. Enumerable.Range(0, 120).Select(n => ($"X-H{n}", "v"))], null),
            i => Http(i, "huge-header", "GET", readPath, host, [("X-Big", new string('h', 40_000))], null),
            i => Http(i, "huge-authorization", "GET", readPath, host, [("Authorization", "Bearer " + new string('t', 8_000))], null),
            i => Raw(i, "request-line-too-long", $"GET /{new string('l', 9_000)} HTTP/1.1\r\nHost: {host}\r\n\r\n"),
            i => Raw(i, "header-without-colon", $"GET {readPath} HTTP/1.1\r\nHost: {host}\r\nBadHeader\r\n\r\n"),
            i => Raw(i, "obs-fold", $"GET {readPath} HTTP/1.1\r\nHost: {host}\r\nX-A: a\r\n b\r\n\r\n"),
            i => Raw(i, "nul-in-header", $"GET {readPath} HTTP/1.1\r\nHost: {host}\r\nX-A: a\0b\r\n\r\n"),
            i => Raw(i, "two-hosts", $"GET {readPath} HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            i => Raw(i, "te-and-cl", $"POST {callPath} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
            i => Raw(i, "two-content-lengths", $"POST {callPath} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
            i => Raw(i, "negative-content-length", $"POST {callPath} HTTP/1.1\r\nHost: {host}\r\nContent-Length: -1\r\n\r\n"),
            i => Raw(i, "te-gzip", $"POST {callPath} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: gzip\r\n\r\nabc"),
            i => Raw(i, "absolute-form", $"GET http://evil.example{readPath} HTTP/1.1\r\nHost: {host}\r\n\r\n"),
            i => Raw(i, "connect", $"CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n"),
            i => Raw(i, "asterisk", $"OPTIONS * HTTP/1.1\r\nHost: {host}\r\n\r\n"),
            i => Raw(i, "lf-only", $"GET {readPath} HTTP/1.1\nHost: {host}\n\n"),
            i => Raw(i, "bad-method-token", $"G(T {readPath} HTTP/1.1\r\nHost: {host}\r\n\r\n"),
            i => Raw(i, "space-in-target", $"GET /v1/dev ices HTTP/1.1\r\nHost: {host}\r\n\r\n"),
            i => Raw(i, "raw-non-ascii-target", $"GET /v1/devices/\u00ff\u00fe HTTP/1.1\r\nHost: {host}\r\n\r\n"),
            i => Raw(i, "junk", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u00fc\u0003\u0003 junk\r\n\r\n"),
            i => Raw(i, "expect-unknown", $"POST {callPath} HTTP/1.1\r\nHost: {host}\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\nab"),
            i => Raw(i, "chunk-extension", $"POST {callPath} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=\"x\"\r\nabc\r\n0\r\n\r\n"),
        };
        if (p)
        {
            cases.Add(i => Http(i, "event-data-over-limit", "POST", "/v1/devices/events", host, [auth, ("Content-Type", "application/x-www-form-urlencoded")], Encoding.ASCII.GetBytes("name=fuzz&data=" + new string('d', 1025))));
            cases.Add(i => Http(i, "sse-valid-token", "GET", "/v1/events/fuzz", host, [auth], null));
            cases.Add(i => Http(i, "sse-no-prefix", "GET", "/v1/events", host, [auth], null));
            cases.Add(i => Http(i, "function-args-object", "POST", callPath, host, [auth, ("Content-Type", "application/json")], Encoding.ASCII.GetBytes("{\"args\":{\"a\":[1,2,{\"b\":null}]},\"format\":\"raw\"}")));
            cases.Add(i => Http(i, "function-args-too-long", "POST", callPath, host, [auth, ("Content-Type", "application/x-www-form-urlencoded")], Encoding.ASCII.GetBytes("args=" + new string('z', 5_000))));
        }
        else
        {
            cases.Add(i => Http(i, "write-integer-overflow", "GET", $"/external/api/batch/update?token={t.BlynkToken}&V14=99999999999999999999999999", host, [], null));
            cases.Add(i => Http(i, "write-nan", "GET", $"/external/api/update?token={t.BlynkToken}&V15=NaN", host, [], null));
            cases.Add(i => Http(i, "write-huge-string", "GET", $"/external/api/update?token={t.BlynkToken}&V6={new string('s', 7_000)}", host, [], null));
            cases.Add(i => Http(i, "property-flood", "GET", $"/external/api/update/property?token={t.BlynkToken}&pin=V16&{string.Join("&", Enumerable.Range(0, 100).Select(n => $"p{n}=x"))}", host, [], null));
            cases.Add(i => Http(i, "wrong-region", "GET", $"/external/api/get?token={t.BlynkToken}&V16", "fra1.blynk.cloud", [], null));
            cases.Add(i => Http(i, "dashboard-bad-switch", "POST", "/dashboard/api/1/pins/V16", host, [("Authorization", "Bearer x"), ("Content-Type", "application/json")], Encoding.ASCII.GetBytes("{\"value\":\"\\ud800\"}")));
        }

        return cases;
    }

    private static FuzzRequest RandomRequest(FuzzTarget t, MockSide side, int index, Random r)
    {
        var p = side == MockSide.Particle;
        var method = Pick(r, Methods);
        var path = p ? ParticlePath(t, r) : BlynkPath(t, r);
        var query = RandomQuery(t, side, r);
        var host = r.Next(20) switch
        {
            0 => "",
            1 => "a..b",
            2 => new string('h', r.Next(250, 400)),
            3 => "127.0.0.1:" + r.Next(65536, 999999).ToString(CultureInfo.InvariantCulture),
            4 => Pick(r, ["ny3.blynk.cloud", "fra1.blynk.cloud", "blynk.cloud", "api.particle.io", "[::1]", "[::1]:80", "localhost"]),
            5 => "x_y.example:0",
            _ => $"127.0.0.1:{t.Port(side)}",
        };
        var headers = new List<(string, string)>();
        switch (r.Next(6))
        {
            case 0:
                headers.Add(("Authorization", "Bearer " + (p ? t.ParticleToken : t.BlynkToken)));
                break;
            case 1:
                headers.Add(("Authorization", Pick(r, ["Bearer", "Bearer ", "Basic Zm9vOmJhcg==", "bearer " + t.ParticleToken, "Bearer " + RandomText(r, 40), "Bearer " + t.ParticleToken + "x"])));
                break;
            case 2:
                headers.Add(("Authorization", "Bearer " + t.ParticleToken));
                headers.Add(("Authorization", "Bearer " + RandomText(r, 10)));
                break;
        }

        if (r.Next(3) == 0)
        {
            headers.Add(("Content-Type", Pick(r, ContentTypes)));
        }

        if (r.Next(12) == 0)
        {
            headers.Add(("Content-Encoding", Pick(r, ["gzip", "deflate", "br", "identity", "x-nothing"])));
        }

        if (r.Next(15) == 0)
        {
            headers.Add(("X-Harness-Flow", Pick(r, ["", "h-" + RandomText(r, 8), RandomText(r, 30)])));
        }

        if (r.Next(15) == 0)
        {
            headers.Add(("Cookie", RandomText(r, 40) + "=; ;=x; a=\"b"));
        }

        if (r.Next(20) == 0)
        {
            headers.Add(("Expect", "100-continue"));
        }

        if (r.Next(10) == 0)
        {
            headers.Add((RandomToken(r, 12), RandomHeaderValue(r)));
        }

        var body = r.Next(3) == 0 || method is "POST" or "PUT" or "PATCH" ? RandomBody(t, side, r) : null;
        return Build(index, side, "random", method, path + query, host, headers, body, fresh: r.Next(8) == 0, chunked: body is not null && r.Next(4) == 0);
    }

    private static string ParticlePath(FuzzTarget t, Random r)
    {
        var device = r.Next(4) switch { 0 => t.DeviceId, 1 => "blynk_boron", 2 => RandomSegment(r), _ => t.DeviceId.ToUpperInvariant() };
        return r.Next(14) switch
        {
            0 => "/v1/devices",
            1 => "/v1/devices/" + device,
            2 => $"/v1/devices/{device}/blynk_led",
            3 => $"/v1/devices/{device}/ping",
            4 => $"/v1/devices/{device}/{RandomSegment(r)}",
            5 => "/v1/devices/events",
            6 => "/v1/events/" + RandomSegment(r),
            7 => "/v1/devices/events/" + RandomSegment(r),
            8 => $"/v1/devices/{device}/events/{RandomSegment(r)}",
            9 => "/v1/" + RandomSegment(r) + "/" + RandomSegment(r),
            10 => Pick(r, ["/", "/v1", "/v1/", "//v1//devices", "/v2/devices", "/V1/devices", "/v1/devices/"]),
            11 => "/" + RandomSegment(r),
            12 => $"/v1/products/{RandomSegment(r)}/devices/{device}/blynk_led",
            _ => "/v1/devices/" + string.Join('/', Enumerable.Range(0, r.Next(1, 30)).Select(_ => RandomSegment(r))),
        };
    }

    private static string BlynkPath(FuzzTarget t, Random r) => r.Next(10) switch
    {
        < 5 => "/external/api/" + Pick(r, BlynkEndpoints),
        5 => "/external/api/" + RandomSegment(r),
        6 => Pick(r, ["/external/api/Get", "/external/api/batch/Update", "/external/api//get", "/external/api/get/", "/external", "/external/x"]),
        7 => "/dashboard/" + Pick(r, ["1", "2", "x", RandomSegment(r)]),
        8 => "/dashboard/api/" + Pick(r, ["1", "x", RandomSegment(r)]) + Pick(r, ["/state", "/pins/V16", "/pins/" + RandomSegment(r), "/" + RandomSegment(r)]),
        _ => "/" + RandomSegment(r),
    };

    private static string RandomQuery(FuzzTarget t, MockSide side, Random r)
    {
        if (r.Next(5) == 0)
        {
            return "";
        }

        var parts = new List<string>();
        if (side == MockSide.Blynk && r.Next(3) > 0)
        {
            parts.Add("token=" + Pick(r, [t.BlynkToken, t.BlynkToken, "", RandomText(r, 32), t.BlynkToken.ToLowerInvariant(), "%" + t.BlynkToken]));
        }
        else if (side == MockSide.Particle && r.Next(4) == 0)
        {
            parts.Add("access_token=" + Pick(r, [t.ParticleToken, RandomText(r, 40), ""]));
        }

        var count = r.Next(0, r.Next(10) == 0 ? 300 : 6);
        for (var i = 0; i < count; i++)
        {
            parts.Add(r.Next(12) switch
            {
                0 => "",
                1 => "=",
                2 => "=" + RandomValue(r),
                3 => "==",
                4 => Pick(r, ["V16", "v16", "V14", "V6", "pin", "value", "dataStreamId", "format", "arg", "args", "code", "description"]),
                5 => Pick(r, ["V16", "v16", "V14", "v14", "V15", "V6", "V17", "V255", "V256", "V-1", "Vx", "pin", "value", "dataStreamId", "format", "code"]) + "=" + RandomValue(r),
                6 => RandomValue(r) + "=" + RandomValue(r),
                7 => "a=1;b=2;=",
                8 => Pick(r, ["A", "a"]) + "=" + RandomValue(r),
                _ => RandomToken(r, 6) + "=" + RandomValue(r),
            });
        }

        var query = string.Join(r.Next(15) == 0 ? ";" : "&", parts);
        return query.Length == 0 && r.Next(2) == 0 ? "" : "?" + query;
    }

    private static string RandomValue(Random r) => r.Next(14) switch
    {
        0 => "",
        1 => "%",
        2 => "%Z",
        3 => "%zz",
        4 => "%ff%fe",
        5 => "%ed%a0%80",
        6 => "%00%0a%0d",
        7 => "+%2B+",
        8 => new string('v', r.Next(100, 3_000)),
        9 => Pick(r, ["1", "0", "on", "off", "-1", "1.0", "1e400", "NaN", "Infinity", "-0", "2147483648", "99999999999999999999", "3.3", "0x10"]),
        10 => "%E2%80%A8%E2%80%A9",
        11 => "%F0%9F%98%80",
        _ => RandomText(r, r.Next(1, 20)),
    };

    private static byte[] RandomBody(FuzzTarget t, MockSide side, Random r) => r.Next(16) switch
    {
        0 => Encoding.UTF8.GetBytes($"{{\"args\":\"{Pick(r, ["on", "off", "1", "0", "x", ""])}\"}}"),
        1 => Encoding.UTF8.GetBytes($"{{\"arg\":{Pick(r, ["1", "null", "true", "[]", "{}", "\"\\u0000\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\x\"", "1e999"])}}}"),
        2 => Encoding.UTF8.GetBytes($"name={RandomValue(r)}&data={RandomValue(r)}&ttl={Pick(r, ["60", "-1", "x", "99999999999"])}&private={Pick(r, ["true", "x"])}"),
        3 => Encoding.UTF8.GetBytes($"{{\"name\":\"{RandomText(r, 8)}\",\"data\":\"{RandomText(r, r.Next(0, 900))}\",\"ttl\":{Pick(r, ["60", "\"60\"", "-5", "1e3"])}}}"),
        4 => Encoding.UTF8.GetBytes("{\"access_token\":\"" + t.ParticleToken + "\",\"args\":\"on\"}"),
        5 => Encoding.UTF8.GetBytes(Pick(r, ["{", "{\"a\":", "[1,2", "\"str\"", "null", "123", "{\"a\":1,\"a\":2}", "{} trailing", "{\"\\ud800\":1}", "{\"args\":\"a\"\"b\"}"])),
        6 => Encoding.UTF8.GetBytes(Pick(r, ["=", "&&&", "a=1&a=2", "args=%ff", "args=%", "arg=%ED%A0%80", "args=on&args=off", "==="])),
        7 => RandomBytes(r, r.Next(1, 2_000)),
        8 => Encoding.UTF8.GetBytes(new string('{', r.Next(10, 300))),
        9 => Encoding.UTF8.GetBytes("{\"args\":\"" + new string('a', r.Next(600, 1_500)) + "\"}"),
        10 => Encoding.UTF8.GetBytes("args=" + new string('b', r.Next(1_000, 15_000))),
        11 => [],
        12 => Encoding.UTF8.GetBytes("{\"value\":\"" + Pick(r, ["1", "0", "2", "x", ""]) + "\"}"),
        13 => Encoding.UTF8.GetBytes(Pick(r, ["0", "1", "on", " 1 "])),
        14 => Encoding.Unicode.GetBytes("{\"args\":\"on\"}"),
        _ => Encoding.UTF8.GetBytes(RandomText(r, r.Next(1, 300))),
    };

    private static FuzzRequest Build(
        int index,
        MockSide side,
        string kind,
        string method,
        string pathAndQuery,
        string host,
        IReadOnlyList<(string Name, string Value)> headers,
        byte[]? body,
        bool good = false,
        bool fresh = false,
        bool chunked = false)
    {
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(host).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        byte[]? payload = null;
        if (body is not null)
        {
            if (chunked)
            {
                head.Append("Transfer-Encoding: chunked\r\n");
                var framed = new MemoryStream();
                for (var offset = 0; offset < body.Length; offset += 4096)
                {
                    var size = Math.Min(4096, body.Length - offset);
                    framed.Write(Encoding.ASCII.GetBytes(size.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
                    framed.Write(body, offset, size);
                    framed.Write("\r\n"u8);
                }

                framed.Write("0\r\n\r\n"u8);
                payload = framed.ToArray();
            }
            else
            {
                head.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
                payload = body;
            }
        }

        head.Append("\r\n");
        var question = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return new FuzzRequest(
            index, side, kind, Encoding.Latin1.GetBytes(head.ToString()), payload, fresh, HalfClose: false, IsHead: method == "HEAD", good,
            question < 0 ? pathAndQuery : pathAndQuery[..question]);
    }

    private static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    private static string RandomSegment(Random r) => r.Next(8) switch
    {
        0 => "%2F" + RandomToken(r, 4),
        1 => "..",
        2 => "%2e%2e",
        3 => "%" + RandomToken(r, 2),
        4 => new string('s', r.Next(200, 2_000)),
        5 => "%ff%00%ed%a0%80",
        _ => RandomToken(r, r.Next(1, 16)),
    };

    // Characters a request target may carry as they are (RFC 3986 unreserved and sub-delims, ':' '@' '%').
    private static string RandomToken(Random r, int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*,:@";
        return new string(Enumerable.Range(0, length).Select(_ => alphabet[r.Next(alphabet.Length)]).ToArray());
    }

    private static string RandomText(Random r, int length)
    {
        const string alphabet = "abcXYZ019-_.~!$'()*,;:@%+/";
        return new string(Enumerable.Range(0, length).Select(_ => alphabet[r.Next(alphabet.Length)]).ToArray());
    }

    // A header value with what HTTP allows (visible ASCII, space, tab, obs-text) — Kestrel refuses control characters itself.
    private static string RandomHeaderValue(Random r) =>
        new(Enumerable.Range(0, r.Next(0, 200)).Select(_ => r.Next(10) == 0 ? (char)r.Next(0x80, 0x100) : (char)r.Next(0x20, 0x7f)).ToArray());

    private static byte[] RandomBytes(Random r, int length)
    {
        var bytes = new byte[length];
        r.NextBytes(bytes);
        return bytes;
    }
}
