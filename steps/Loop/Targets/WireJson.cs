using System.Text.Json;
using System.Text.Json.Serialization;
using ParticleBlynk.Device;

namespace ParticleBlynk.Loop;

/// <summary>
/// How the seam's records travel between processes (a lab's control API and the harness): camelCase JSON, enums as
/// strings, a platform by its name. Used for <see cref="LabSpec"/> (a session's lab) and <see cref="Hop"/> (the journal stream).
/// </summary>
public static class WireJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"Expected a {typeof(T).Name}, got null.");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            // A sensor can read NaN (v15 set to NaN travels as "NaN"); finite numbers are written as before.
            NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new PlatformNameConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>A platform as its name ("Boron", "Photon 2"); a PLATFORM_ID is read too.</summary>
    private sealed class PlatformNameConverter : JsonConverter<Platform>
    {
        public override Platform Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            try
            {
                return reader.TokenType == JsonTokenType.Number ? Platforms.ById(reader.GetInt32()) : Platforms.Parse(reader.GetString() ?? "");
            }
            catch (ArgumentException ex)
            {
                throw new JsonException(ex.Message, ex);
            }
        }

        public override void Write(Utf8JsonWriter writer, Platform value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
    }
}
