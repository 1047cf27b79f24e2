using System.Globalization;
using System.Text;
using ParticleBlynk.BlynkCloud;
using ParticleBlynk.Contracts.Running;

namespace ParticleBlynk.Contracts.Catalogue;

public static partial class ContractCatalogue
{
    private const string TypeMismatch = "400 type mismatch";

    /// <summary>
    /// The shape of a write probe: keep the pin (written back afterwards), write, and classify the answer — a type mismatch
    /// as <see cref="TypeMismatch"/> with <paramref name="mismatchSettings"/> when given, another refusal by its status and
    /// body — or, when it was stored, read the pin back and classify what it holds.
    /// </summary>
    private static async Task<Observation> WriteThenReadBackAsync(
        ProbeContext ctx, string pin, Func<Task<ProbeResponse>> write, Func<string?, Observation> stored, IReadOnlyList<LabSetting>? mismatchSettings = null)
    {
        await ctx.KeepPinAsync(pin);
        var answer = await write();
        if (mismatchSettings is not null && IsTypeMismatch(answer))
        {
            return new Observation(TypeMismatch, answer.Summary) { Settings = mismatchSettings };
        }

        return answer.Status != 200
            ? new Observation(BlynkAnswer(answer), answer.Summary)
            : stored(await ctx.ReadPinAsync(pin));
    }

    private static IEnumerable<Probe> BlynkWrites()
    {
        yield return new Probe
        {
            Id = "blynk.update.empty-body",
            Fact = "update answers 200 with an empty body",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.1", 277, "Location: `pin=V1&value=lon&value=lat` | 200, empty body"),
            Alternatives = ["200 empty body", "200 text \"…\""],
            MockAnswer = _ => "200 empty body",
            Needs = [Need.BlynkToken],
            MaxRequests = 2,
            Changes = "writes V15 its own value (its \"updated at\" moves)",
            Run = async ctx =>
            {
                var value = await ctx.ReadPinAsync("V15") ?? throw new ProbeSetupException("cannot read V15 (the probes expect the Blueprint's datastreams)");
                var answer = await ctx.WritePinAsync("V15", value);
                return new Observation(BlynkAnswer(answer), "update?V15=<its value>: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "blynk.batch.empty-body",
            Fact = "batch/update answers 200 with an empty body (the 2022 page showed \"OK\")",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.1", 276, "→ **empty body** is the best evidence"),
            Alternatives = ["200 empty body", "200 text \"OK\""],
            MockAnswer = _ => "200 empty body",
            Needs = [Need.BlynkToken],
            MaxRequests = 2,
            Changes = "writes V15 its own value (its \"updated at\" moves)",
            Run = async ctx =>
            {
                var value = await ctx.ReadPinAsync("V15") ?? throw new ProbeSetupException("cannot read V15 (the probes expect the Blueprint's datastreams)");
                var answer = await ctx.BlynkAsync("batch/update", [("V15", value)]);
                return new Observation(BlynkAnswer(answer), "batch/update?V15=<its value>: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "blynk.batch.type-mismatch",
            Fact = "batch/update of a non-number to an Integer gets 400 \"Value doesn't match the Datastream data type\" (no period)",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.1", 276, "`{\"error\":{\"message\":\"Value doesn't match the Datastream data type\"}}`"),
            AlsoCites = [C("§6", 324, "Wrong type via HTTP API | 400")],
            Alternatives = ["400 error \"Value doesn't match the Datastream data type\"", "400 error \"Value doesn't match the Datastream data type.\""],
            MockAnswer = _ => "400 error \"Value doesn't match the Datastream data type\"",
            Needs = [Need.BlynkToken],
            MaxRequests = 4,
            Changes = "tries V14=abc (refused); V14 is written back should it have changed",
            Run = async ctx =>
            {
                await ctx.KeepPinAsync("V14");
                var answer = await ctx.BlynkAsync("batch/update", [("V14", "abc")]);
                return new Observation(BlynkAnswer(answer), "batch/update?V14=abc: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "blynk.update.type-mismatch",
            Fact = "update of a non-number to an Integer gets 400 \"Value doesn't match the Datastream data type.\" (with the update page's period)",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.1", 277, "(with trailing period on this page)"),
            Alternatives = ["400 error \"Value doesn't match the Datastream data type.\"", "400 error \"Value doesn't match the Datastream data type\""],
            MockAnswer = _ => "400 error \"Value doesn't match the Datastream data type.\"",
            Needs = [Need.BlynkToken],
            MaxRequests = 4,
            Changes = "tries V14=abc (refused); V14 is written back should it have changed",
            Run = async ctx =>
            {
                await ctx.KeepPinAsync("V14");
                var answer = await ctx.WritePinAsync("V14", "abc");
                return new Observation(BlynkAnswer(answer), "update?V14=abc: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "blynk.update.no-datastream",
            Fact = "update of a pin the template has no datastream for gets 400 \"No datastream setup for that pin.\"",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§5.1", 277, "`No datastream setup for that pin.`"),
            Alternatives = ["400 error \"No datastream setup for that pin.\""],
            MockAnswer = _ => "400 error \"No datastream setup for that pin.\"",
            Needs = [Need.BlynkToken],
            MaxRequests = 2,
            Changes = "none: writes V200 only after reading that the template has no V200",
            Run = async ctx =>
            {
                var read = await ctx.BlynkAsync("get", [("V200", null)]);
                if (read.Status == 200)
                {
                    throw new ProbeSetupException("this template has a V200 datastream: the probe will not write it");
                }

                var answer = await ctx.WritePinAsync("V200", "1");
                return new Observation(BlynkAnswer(answer), "update?V200=1: " + answer.Summary);
            },
        };

        yield return new Probe
        {
            Id = "blynk.clamp.max",
            Fact = "A value above a datastream's max is clamped to it (V15 Double 0…3.3: 7 → 3.3)",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§6", 325, "clamped (\"cropped\"): Min 0/Max 100 → `314`→`100`"),
            AlsoCites = [C("§5.1", 287, "bounded with min / max values")],
            Alternatives = ["clamped to max (3.3)", "stored as sent (7)", "400 …"],
            MockAnswer = _ => "clamped to max (3.3)",
            Needs = [Need.BlynkToken],
            MaxRequests = 5,
            Changes = "writes V15=7, then V15 back as it was",
            Run = ctx => WriteThenReadBackAsync(ctx, "V15", () => ctx.WritePinAsync("V15", "7"), stored =>
            {
                var label = Number(stored) is { } v ? v == 3.3 ? "clamped to max (3.3)" : v == 7 ? "stored as sent (7)" : I($"stored {stored}") : I($"read back '{stored}'");
                return new Observation(label, "update?V15=7 then get: " + stored);
            }),
        };

        yield return new Probe
        {
            Id = "blynk.clamp.min",
            Fact = "A value below a datastream's min is clamped to it (V14 Integer min 0: -2 → 0)",
            Service = Service.Blynk,
            Kind = ProbeKind.Fact,
            Source = C("§6", 325, "`-2`→`0`"),
            Alternatives = ["clamped to min (0)", "stored as sent (-2)", "400 …"],
            MockAnswer = _ => "clamped to min (0)",
            Needs = [Need.BlynkToken],
            MaxRequests = 5,
            Changes = "writes V14=-2, then V14 back as it was",
            Run = ctx => WriteThenReadBackAsync(ctx, "V14", () => ctx.WritePinAsync("V14", "-2"), stored =>
                new Observation(stored == "0" ? "clamped to min (0)" : stored == "-2" ? "stored as sent (-2)" : I($"stored {stored}"), "update?V14=-2 then get: " + stored)),
        };

        yield return new Probe
        {
            Id = "blynk.integer.overflow",
            Fact = "An Integer value above 2147483647 (millis() after 24.8 days) in batch/update: the mock refuses it with 400 type mismatch",
            Service = Service.Blynk,
            Kind = ProbeKind.Choice,
            Source = C("§6", 332, "Integer value > 2^31-1 (e.g. millis after 24.8 days) | clamp vs type error **UNCONFIRMED**"),
            AlsoCites = [C("§1.4", 105, "Blynk's reaction (clamp to max vs 400"), C("§9", 388, "Blynk reaction to Integer values > 2 147 483 647")],
            Alternatives = [TypeMismatch, "clamped to 2147483647", "stored as sent (2147483648)"],
            MockAnswer = m => m.Blynk.IntegerOverflow == IntegerOverflow.Clamp ? "clamped to 2147483647" : TypeMismatch,
            Needs = [Need.BlynkToken],
            MaxRequests = 5,
            Changes = "writes V14=2147483648 (as the webhook would after 24.8 days), then V14 back as it was",
            Run = ctx => WriteThenReadBackAsync(
                ctx,
                "V14",
                () => ctx.BlynkAsync("batch/update", [("V14", "2147483648")]),
                stored => stored switch
                {
                    "2147483647" => new Observation("clamped to 2147483647", "200, then get: 2147483647") { Settings = Settings(Set("blynk.behaviour.integerOverflow", "Clamp")) },
                    "2147483648" => new Observation("stored as sent (2147483648)", "200, then get: 2147483648"),
                    _ => new Observation(I($"stored {stored}"), "200, then get: " + stored),
                },
                Settings(Set("blynk.behaviour.integerOverflow", "Reject"))),
        };

        yield return new Probe
        {
            Id = "blynk.integer.integral-double",
            Fact = "\"5.0\" to an Integer datastream: the mock refuses it with 400 type mismatch",
            Service = Service.Blynk,
            Kind = ProbeKind.Choice,
            Source = C("§6", 333, "Non-integer string like `1.0` to Integer via HTTP"),
            Alternatives = [TypeMismatch, "stored as 5"],
            MockAnswer = m => m.Blynk.AcceptIntegralDoubleForInteger ? "stored as 5" : TypeMismatch,
            Needs = [Need.BlynkToken],
            MaxRequests = 5,
            Changes = "writes V14=5.0, then V14 back as it was",
            Run = ctx => WriteThenReadBackAsync(
                ctx,
                "V14",
                () => ctx.WritePinAsync("V14", "5.0"),
                stored => stored == "5"
                    ? new Observation("stored as 5", "200, then get: 5") { Settings = Settings(Set("blynk.behaviour.acceptIntegralDoubleForInteger", true)) }
                    : new Observation(I($"stored {stored}"), "200, then get: " + stored),
                Settings(Set("blynk.behaviour.acceptIntegralDoubleForInteger", false))),
        };

        yield return new Probe
        {
            Id = "blynk.string.over-limit",
            Fact = "A String value over 1024 bytes: the mock stores it cut to 1024 bytes",
            Service = Service.Blynk,
            Kind = ProbeKind.Choice,
            Source = C("§5.2", 299, "Max string value length | 1024 bytes"),
            Alternatives = ["stored cut to 1024 bytes", TypeMismatch, "stored whole (1100 bytes)"],
            MockAnswer = m => m.Blynk.StringOverLimit == StringOverLimit.Reject ? TypeMismatch : "stored cut to 1024 bytes",
            Needs = [Need.BlynkToken],
            MaxRequests = 5,
            Changes = "writes V6 = 1100 × 'x', then V6 back as it was",
            Note = "The limit is documented, the reaction is not (mocks/BlynkCloud/README.md).",
            Run = ctx => WriteThenReadBackAsync(
                ctx,
                "V6",
                () => ctx.WritePinAsync("V6", new string('x', 1100)),
                stored => Encoding.UTF8.GetByteCount(stored ?? "") switch
                {
                    1024 => new Observation("stored cut to 1024 bytes", "200, then get: 1024 bytes") { Settings = Settings(Set("blynk.behaviour.stringOverLimit", "Truncate")) },
                    1100 => new Observation("stored whole (1100 bytes)", "200, then get: 1100 bytes"),
                    var bytes => new Observation(I($"stored {bytes} bytes"), I($"200, then get: {bytes} bytes")),
                },
                Settings(Set("blynk.behaviour.stringOverLimit", "Reject"))),
        };

        yield return new Probe
        {
            Id = "blynk.batch.bad-pin",
            Fact = "batch/update with one bad value: the mock refuses the whole request and stores nothing",
            Service = Service.Blynk,
            Kind = ProbeKind.Choice,
            Source = C("§5.1", 288, "Batch semantics when one pin fails (all-or-nothing vs partial): **UNCONFIRMED**"),
            AlsoCites = [C("§9", 387, "Blynk `batch/update` on partial failure")],
            Alternatives = ["whole request refused (V14 unchanged)", "valid pins applied (V14 written)"],
            MockAnswer = m => m.Blynk.BatchWithBadPin == BatchWithBadPin.ApplyValidPins ? "valid pins applied (V14 written)" : "whole request refused (V14 unchanged)",
            Needs = [Need.BlynkToken],
            MaxRequests = 5,
            Changes = "batch V14=<7 or 8>&V15=abc; V14 is written back if it changed",
            Run = async ctx =>
            {
                var original = await ctx.KeepPinAsync("V14");
                var marker = original == "7" ? "8" : "7";
                var answer = await ctx.BlynkAsync("batch/update", [("V14", marker), ("V15", "abc")]);
                var stored = await ctx.ReadPinAsync("V14");
                var evidence = $"batch/update?V14={marker}&V15=abc: {BlynkAnswer(answer)}; V14 then reads {stored}";
                return stored == marker
                    ? new Observation("valid pins applied (V14 written)", evidence) { Settings = Settings(Set("blynk.behaviour.batchWithBadPin", "ApplyValidPins")) }
                    : stored == original
                        ? new Observation("whole request refused (V14 unchanged)", evidence) { Settings = Settings(Set("blynk.behaviour.batchWithBadPin", "RejectAll")) }
                        : new Observation(I($"V14 became {stored}"), evidence);
            },
        };

        yield return new Probe
        {
            Id = "blynk.hardware-connected.http-only",
            Fact = "An HTTP-only device reads Offline (isHardwareConnected false) right after it wrote data, unless \"Log when device reports any data\" is on",
            Service = Service.Blynk,
            Kind = ProbeKind.Choice,
            Source = C("§8", 377, "`isHardwareConnected` for an HTTP-only device"),
            Alternatives = ["false after a write", "true after a write"],
            MockAnswer = m => m.Template?.LogWhenDeviceReportsAnyData == true ? "true after a write" : "false after a write",
            Needs = [Need.BlynkToken],
            MaxRequests = 3,
            Changes = "writes V15 its own value (its \"updated at\" moves)",
            Run = async ctx =>
            {
                var value = await ctx.ReadPinAsync("V15") ?? throw new ProbeSetupException("cannot read V15 (the probes expect the Blueprint's datastreams)");
                await ctx.WritePinAsync("V15", value);
                var answer = await ctx.BlynkAsync("isHardwareConnected", []);
                return answer.Body.Trim() switch
                {
                    "false" => new Observation("false after a write", answer.Summary) { Settings = Settings(Set("blynk.templates[*].logWhenDeviceReportsAnyData", false)) },
                    "true" => new Observation("true after a write", answer.Summary) { Settings = Settings(Set("blynk.templates[*].logWhenDeviceReportsAnyData", true)) },
                    _ => new Observation(BlynkAnswer(answer), answer.Summary),
                };
            },
        };
    }

    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
}
