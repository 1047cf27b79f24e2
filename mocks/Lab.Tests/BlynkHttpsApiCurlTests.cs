using System.Text.Json.Nodes;
using ParticleBlynk.Lab.Tests.Support;

namespace ParticleBlynk.Lab.Tests;

/// <summary>
/// issue 5 item 7: the request examples of Blynk's device HTTPS API docs (blynkkk/docs blynk.cloud/device-https-api/*.md),
/// sent with the real curl binary to the lab (https://{server_address} → http://127.0.0.1:port), get the documented answer.
/// </summary>
public sealed class BlynkHttpsApiCurlTests(CurlLabFixture fixture) : IClassFixture<CurlLabFixture>
{
    public static TheoryData<string> Examples => new(BlynkDocExamples.All.Select(e => e.Name));

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Doc_example_gets_the_documented_answer(string name)
    {
        // Given
        var example = BlynkDocExamples.All.Single(e => e.Name == name);
        if (example.Given is { } given)
        {
            var setup = await CurlAsync(given, null);
            setup.Status.Should().Be(200, $"the setup request {given} must succeed");
        }

        // When
        var answer = await CurlAsync(example.Request, example.Host);

        // Then
        var bodyMatches = example.Body.StartsWith('{') || example.Body.StartsWith('[')
            ? IsJson(answer.Body) && JsonNode.DeepEquals(JsonNode.Parse(answer.Body), JsonNode.Parse(example.Body))
            : answer.Body == example.Body;
        var matches = answer.Status == example.Status && bodyMatches && (example.Location is null || answer.Location == example.Location);
        if (example.KnownFinding is { } finding)
        {
            // A known mock defect: skipped (with the reason) while it lasts, a failure once fixed so the note goes.
            matches.Should().BeFalse($"the known finding \"{finding}\" looks fixed: remove it from the row");
            Assert.Skip($"Known mock finding: {finding} Lab answered {answer.Status} {answer.Body}");
        }

        answer.Status.Should().Be(example.Status, $"{example.Page} documents it (curl said:{Environment.NewLine}{answer.Raw})");
        bodyMatches.Should().BeTrue($"{example.Page} documents the body '{example.Body}', the lab sent '{answer.Body}'");
        if (example.Location is not null)
        {
            answer.Location.Should().Be(example.Location);
        }
    }

    private static bool IsJson(string text)
    {
        try
        {
            return JsonNode.Parse(text) is not null;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private async Task<CurlAnswer> CurlAsync(string pathAndQuery, string? host)
    {
        var curl = ProcessRunner.Which("curl") ?? throw new InvalidOperationException(
            "curl is not on PATH: install curl (Debian package curl) to run the Blynk HTTPS API doc examples.");
        List<string> arguments = ["-sS", "-i", "--noproxy", "*", "--max-time", "20"];
        if (host is not null)
        {
            arguments.AddRange(["-H", "Host: " + host]);
        }

        arguments.Add(fixture.Lab.Ready.BlynkUrl + "/external/api/" + pathAndQuery);
        var result = await ProcessRunner.RunAsync(curl, arguments, TimeSpan.FromSeconds(30));
        result.ExitCode.Should().Be(0, result.ToString());
        return CurlAnswer.Parse(result.Stdout);
    }

    private sealed record CurlAnswer(int Status, string? Location, string Body, string Raw)
    {
        public static CurlAnswer Parse(string raw)
        {
            // The runner reads stdout line by line, so CRLF arrives as LF and the body gains one final LF.
            var text = raw.Replace("\r\n", "\n", StringComparison.Ordinal);
            var split = text.IndexOf("\n\n", StringComparison.Ordinal);
            var head = split < 0 ? text : text[..split];
            var body = split < 0 ? "" : text[(split + 2)..].TrimEnd('\n');
            var lines = head.Split('\n');
            var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var location = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Location:", StringComparison.OrdinalIgnoreCase))?["Location:".Length..].Trim();
            return new CurlAnswer(status, location, body, raw);
        }
    }
}

/// <summary>One request example from the Blynk docs and the answer the page documents.</summary>
/// <param name="Name">Test case name.</param>
/// <param name="Page">The doc page (blynkkk/docs path) that documents it.</param>
/// <param name="Given">A request sent first so the answer is determined (null: none).</param>
/// <param name="Request">Path and query after /external/api/.</param>
/// <param name="Host">Host header (region) or null for the lab's own 127.0.0.1.</param>
/// <param name="Status">Documented status.</param>
/// <param name="Body">Documented body (JSON compared as JSON).</param>
/// <param name="Location">Documented Location header (308 only).</param>
/// <param name="KnownFinding">A known difference of the mock from the page: the row is skipped with it until fixed.</param>
public sealed record BlynkDocExample(string Name, string Page, string? Given, string Request, string? Host, int Status, string Body, string? Location = null, string? KnownFinding = null);

/// <summary>
/// The table. Tokens are the docs' own examples: Rps15…/bFFt…/GVki… are 32-char tokens (devices of curl-lab.json);
/// ffujYGgbf805tgsf (16 chars, in the update and update/property examples) cannot be a device token, so it is the
/// invalid-token case. Errors are HTTP 400 with {"error":{"message":…}} on every page.
/// </summary>
public static class BlynkDocExamples
{
    private const string Dir = "blynkkk/docs blynk.cloud/device-https-api/";
    private const string Batch = Dir + "update-multiple-datastreams-api.md";
    private const string Update = Dir + "update-datastream-value.md";
    private const string Get = Dir + "get-datastream-value.md";
    private const string Multi = Dir + "get-multiple-datastream-values.md";
    private const string Connected = Dir + "is-device-connected.md";
    private const string Property = Dir + "update-property.md";
    private const string Events = Dir + "trigger-events-api.md";
    private const string Regions = Dir + "troubleshooting.md + contracts.md §5.3";

    private const string A = "Rps15JICmtRVbFyS_95houlLbm6xIQ2L";
    private const string B = "bFFtSHNCZZDWQ__Zs96cP5jLMhLoJofg";
    private const string C = "GVki9IC70vb3IqvsV0YD3el4y0OpneL1";
    private const string Placeholder = "ffujYGgbf805tgsf";

    private static string Error(string message) => """{"error":{"message":""" + "\"" + message + "\"}}";

    public static IReadOnlyList<BlynkDocExample> All { get; } =
    [
        // batch/update (2022 page showed body OK; the current page none; contracts.md §5.1 chose the empty body)
        new("batch_update_example", Batch, null, $"batch/update?token={B}&v1=33&v2=44", null, 200, ""),
        new("batch_update_invalid_token", Batch, null, $"batch/update?token={Placeholder}&v1=33&v2=44", null, 400, Error("Invalid token.")),
        new("batch_update_wrong_pin", Batch, null, $"batch/update?token={B}&x1=33", null, 400, Error("Wrong pin format.")),
        new("batch_update_type_mismatch", Batch, null, $"batch/update?token={B}&v2=abc", null, 400, Error("Value doesn't match the Datastream data type")),

        // update: {pin}={value} section (its type-mismatch message ends with a period), then the dataStreamId section (no period)
        new("update_example_placeholder_token", Update, null, $"update?token={Placeholder}&v1=100", null, 400, Error("Invalid token.")),
        new("update_pin_value", Update, null, $"update?token={A}&v1=100", null, 200, ""),
        new("update_wrong_pin", Update, null, $"update?token={A}&x1=100", null, 400, Error("Wrong pin format.")),
        new("update_type_mismatch", Update, null, $"update?token={A}&v2=abc", null, 400, Error("Value doesn't match the Datastream data type.")),
        new("update_no_datastream", Update, null, $"update?token={A}&v99=1", null, 400, Error("No datastream setup for that pin.")),
        new("update_by_datastream_id_example", Update, null, $"update?token={A}&dataStreamId=1&value=100", null, 200, ""),
        new("update_by_datastream_id_wrong_format", Update, null, $"update?token={A}&dataStreamId=abc&value=1", null, 400, Error("Wrong dataStreamId format.")),
        new("update_by_datastream_id_type_mismatch", Update, null, $"update?token={A}&dataStreamId=2&value=abc", null, 400, Error("Value doesn't match the Datastream data type")),

        // get (the page's 100.00000 comes from a write it does not show: an Integer pin makes the value exact)
        new("get_example", Get, $"update?token={A}&v3=7", $"get?token={A}&v3", null, 200, "7"),
        new("get_by_datastream_id_example", Get, $"update?token={A}&v3=7", $"get?token={A}&dataStreamId=3", null, 200, "7"),
        new("get_by_datastream_id_missing", Get, null, $"get?token={A}&dataStreamId=42", null, 400, Error("Requested dataStream doesn't exist in the product ESP32 QA")),
        new("get_invalid_token", Get, null, $"get?token={Placeholder}&v1", null, 400, Error("Invalid token.")),
        new("get_wrong_pin", Get, null, $"get?token={A}&x1", null, 400, Error("Wrong pin format.")),

        // get with several pins and getAll
        new("get_multiple_example", Multi, $"batch/update?token={A}&v1=1.0&v2=2&v3=3&v4=string%20pin", $"get?token={A}&v1&v2&v3&v4", null, 200, """{"v1":1.0,"v2":2,"v3":3,"v4":"string pin"}"""),
        new("get_all_example", Multi, $"batch/update?token={A}&v1=1.0&v2=2&v3=3&v4=string%20pin", $"getAll?token={A}", null, 200, """{"v1":1.0,"v2":2,"v3":3,"v4":"string pin"}"""),
        new("get_all_invalid_token", Multi, null, $"getAll?token={Placeholder}", null, 400, Error("Invalid token.")),

        // isHardwareConnected (template logs "any data" as online: the documented true)
        new("is_hardware_connected_example", Connected, $"update?token={A}&v3=7", $"isHardwareConnected?token={A}", null, 200, "true"),
        new("is_hardware_connected_invalid_token", Connected, null, $"isHardwareConnected?token={Placeholder}", null, 400, Error("Invalid token.")),

        // update/property
        new("update_property_example_placeholder_token", Property, null, $"update/property?token={Placeholder}&pin=v1&isDisabled=true", null, 400, Error("Invalid token.")),
        new("update_property_is_disabled", Property, null, $"update/property?token={A}&pin=v1&isDisabled=true", null, 200, ""),
        new("update_property_label", Property, null, $"update/property?token={A}&pin=v1&label=xxx", null, 200, ""),
        new("update_property_wrong_pin", Property, null, $"update/property?token={A}&pin=x1&label=xxx", null, 400, Error("Wrong pin format.")),
        new("update_property_type_mismatch", Property, null, $"update/property?token={A}&pin=v1&isDisabled=maybe", null, 400, Error("Value doesn't match the Datastream data type")),

        // logEvent
        new("log_event_example", Events, null, $"logEvent?token={C}&code=firmware_update&description=test", null, 200, ""),
        new("log_event_code_missing", Events, null, $"logEvent?token={C}&description=test", null, 400, Error("Event code is not provided.")),
        new("log_event_code_unknown", Events, null, $"logEvent?token={C}&code=no_such_event&description=test", null, 400, Error("Can't find Event with this code in Product template")),
        new("log_event_invalid_token", Events, null, $"logEvent?token={Placeholder}&code=firmware_update", null, 400, Error("Invalid token.")),

        // regions: the device's own server answers; another region server redirects with 308 to it
        new("region_own_server", Regions, null, $"batch/update?token={B}&v1=33&v2=44", "ny3.blynk.cloud", 200, ""),
        new("region_other_server_redirects", Regions, null, $"logEvent?token={C}&code=firmware_update&description=test", "ny3.blynk.cloud", 308, "",
            $"https://fra1.blynk.cloud/external/api/logEvent?token={C}&code=firmware_update&description=test"),
        new("region_frankfurt_device_on_fra1", Regions, null, $"logEvent?token={C}&code=firmware_update&description=test", "fra1.blynk.cloud", 200, ""),
    ];
}
