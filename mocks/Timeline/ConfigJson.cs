using System.Text.Json;
using System.Text.Json.Serialization;

namespace ParticleBlynk.Timeline;

/// <summary>
/// How every configuration file of the harness is read (the lab file, each mock's options): System.Text.Json, camelCase,
/// enums as strings, TimeSpans as "00:01:00", comments and trailing commas allowed — and an unknown key is an error that
/// names the key, where it is and the file, so a typo never silently falls back to a default.
/// </summary>
public static class ConfigJson
{
    /// <summary>The serializer options; <paramref name="converters"/> add a mock's own (verbatim webhooks, platform names).</summary>
    public static JsonSerializerOptions Options(params IEnumerable<System.Text.Json.Serialization.JsonConverter> converters)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            WriteIndented = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectRequiredConstructorParameters = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        foreach (var converter in converters)
        {
            options.Converters.Add(converter);
        }

        return options;
    }

    /// <summary>Reads <paramref name="json"/> as <typeparamref name="T"/>; any error names <paramref name="source"/> and the JSON path.</summary>
    public static T Read<T>(string json, string source, JsonSerializerOptions options)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, options) ?? throw new InvalidDataException($"{source}: the configuration is empty (null).");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: {Describe(ex)}", ex);
        }
    }

    // STJ says "The JSON property 'x' could not be mapped to any .NET member contained in type 'Y'." — say it in the file's words.
    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        const string unmapped = "The JSON property '";
        if (message.StartsWith(unmapped, StringComparison.Ordinal))
        {
            var key = message[unmapped.Length..message.IndexOf('\'', unmapped.Length)];
            var at = ex.Path is { Length: > 0 } path && path.EndsWith("." + key, StringComparison.Ordinal) ? path[..^(key.Length + 1)] : ex.Path;
            return $"unknown key \"{key}\" at {at}";
        }

        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message) + (ex.Path is { Length: > 0 } p ? $" (at {p}" + (ex.LineNumber is { } line ? $", line {line + 1})" : ")") : "");
    }
}
