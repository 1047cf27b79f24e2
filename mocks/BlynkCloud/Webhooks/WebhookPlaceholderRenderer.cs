using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ParticleBlynk.BlynkCloud;

/// <summary>
/// Fills Blynk webhook placeholders ({device_pinValue}, {device_id}, … contracts.md §7). Single braces; an unknown
/// placeholder is left as written. In Custom JSON the value is JSON-escaped (quotes are the template's own).
/// </summary>
public static partial class WebhookPlaceholderRenderer
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Render(string template, IReadOnlyDictionary<string, string> values, bool jsonEscape) =>
        Placeholder().Replace(template, m =>
        {
            if (!values.TryGetValue(m.Groups[1].Value, out var value))
            {
                return m.Value;
            }

            return jsonEscape ? JsonSerializer.Serialize(value, Relaxed)[1..^1] : value;
        });

    /// <summary>The placeholder values of one datastream update.</summary>
    internal static Dictionary<string, string> Values(DatastreamUpdate update, IReadOnlyDictionary<int, string?> currentValues)
    {
        var pin = BlynkPins.Name(update.Datastream.PinNumber);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["device_pinValue"] = update.NewValue,
            ["device_id"] = update.Device.Id.ToString(CultureInfo.InvariantCulture),
            ["device_name"] = update.Device.Name,
            ["device_authToken"] = update.Device.Token,
            ["device_templateId"] = update.Template.Id,
            ["device_pin"] = pin,
            ["device_dataStreamId"] = (update.Datastream.Id ?? update.Datastream.PinNumber).ToString(CultureInfo.InvariantCulture),
            ["timestamp_unix"] = update.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["timestamp_iso8601"] = update.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["device_tags"] = string.Join(",", update.Device.Tags),
        };
        var parts = update.NewValue.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            values[$"device_pinValue[{i.ToString(CultureInfo.InvariantCulture)}]"] = parts[i];
        }

        foreach (var (p, v) in currentValues)
        {
            values["device_dataStream_" + BlynkPins.Name(p)] = v ?? "";
        }

        foreach (var (k, v) in update.Device.Metadata)
        {
            values["device_metadata_" + k] = v;
        }

        return values;
    }

    public static string FormEncode(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var text = new StringBuilder();
        foreach (var (k, v) in fields)
        {
            text.Append(text.Length == 0 ? "" : "&").Append(Uri.EscapeDataString(k)).Append('=').Append(Uri.EscapeDataString(v));
        }

        return text.ToString();
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?)\}")]
    private static partial Regex Placeholder();
}
