using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ParticleBlynk.Device;

namespace ParticleBlynk.Emulator;

/// <summary>
/// The virtual-board script runner: drives <see cref="DeviceOs"/> and a sketch on its own manual clock
/// (time moves only by advance/steps/set_millis and by delay/waitFor inside setup) and writes one JSON
/// object per line: {"ev":"&lt;kind&gt;","t":&lt;millis&gt;,...}. Non-finite v15 values are written as the
/// strings "nan", "inf", "-inf" (JSON has no such numbers). A bad command yields an "error" event, never a crash.
/// The script is the scheduler (as in the native build it is compared with): Device OS's own scheduling per version
/// (before 6.2, setup() only once the cloud is connected) is <see cref="EmulatedDevice"/>'s, not the runner's.
/// </summary>
public sealed class VirtualBoardRunner
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TextWriter _output;
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _json;
    private readonly DeviceOs _os;
    private readonly SeedSketch _sketch;
    private bool _booted;
    private DigitalWriteLog _dwLog = DigitalWriteLog.All;
    private bool _logSerial = true;
    private bool _logPublish = true;
    private long _loops;
    private long _publishes;
    private int _maxLen;
    private long _truncated;
    private double _v15Min;
    private double _v15Max;

    public VirtualBoardRunner(EmulatorOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
        _os = new DeviceOs(options, DateTimeOffset.UnixEpoch) { CloudConnected = true };
        _sketch = Emulator.Sketch.Create(options.Sketch, _os);
        _v15Min = _v15Max = _sketch.V15;
        _os.PublishAttempted += OnPublish;
        _os.Serial.LineCompleted += OnSerialLine;
        _os.PinModeSet += OnPinMode;
        _os.PinWritten += OnPinWritten;
        _os.FunctionRegistered += name => Emit("fnreg", w => w.WriteString("name", name));
    }

    private enum DigitalWriteLog
    {
        All,
        Changes,
        Off,
    }

    /// <summary>The runtime (for tests).</summary>
    public DeviceOs Os => _os;

    /// <summary>The sketch (for tests).</summary>
    public SeedSketch Sketch => _sketch;

    /// <summary>Runs every line of <paramref name="input"/>.</summary>
    public void Run(TextReader input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            Execute(line, ++lineNumber);
        }

        _output.Flush();
    }

    /// <summary>Runs one script line (commands separated by ';', except that call/note take the rest of the line).</summary>
    public void Execute(string line, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = StripComment(line);
        var pos = 0;
        while (pos < text.Length)
        {
            while (pos < text.Length && (char.IsWhiteSpace(text[pos]) || text[pos] == ';'))
            {
                pos++;
            }

            if (pos >= text.Length)
            {
                break;
            }

            var verbStart = pos;
            while (pos < text.Length && !char.IsWhiteSpace(text[pos]) && text[pos] != ';')
            {
                pos++;
            }

            var verb = text[verbStart..pos];
            string argument;
            if (verb is "call" or "note")
            {
                argument = text[pos..].Trim();
                pos = text.Length;
            }
            else
            {
                var end = text.IndexOf(';', pos);
                end = end < 0 ? text.Length : end;
                argument = text[pos..end].Trim();
                pos = end;
            }

            try
            {
                Dispatch(verb, argument);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or InvalidOperationException)
            {
                Emit("error", w =>
                {
                    w.WriteNumber("line", lineNumber);
                    w.WriteString("msg", $"{verb}: {ex.Message}");
                });
            }
        }
    }

    private void Dispatch(string verb, string argument)
    {
        var args = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch (verb)
        {
            case "boot":
                NoArguments(args);
                Boot();
                break;
            case "loop":
                NoArguments(args);
                Loop();
                break;
            case "advance":
                _os.Advance(ParseU32(Single(args, "<ms>")));
                break;
            case "steps":
                {
                    if (args.Length != 2)
                    {
                        throw new FormatException("expects <n> <ms>");
                    }

                    var n = ParseU32(args[0]);
                    var ms = ParseU32(args[1]);
                    for (var i = 0u; i < n; i++)
                    {
                        _os.Advance(ms);
                        Loop();
                    }

                    break;
                }

            case "call":
                Call(argument);
                break;
            case "set_connected":
                _os.CloudConnected = ParseFlag(Single(args, "0|1"));
                break;
            case "set_publish_result":
                _os.PublishAcknowledged = ParseFlag(Single(args, "0|1"));
                break;
            case "set_serial_connected":
                _os.Serial.HostAttached = ParseFlag(Single(args, "0|1"));
                break;
            case "set_rate_limit":
                _os.RateLimiterEnabled = ParseFlag(Single(args, "0|1"));
                break;
            case "set_millis":
                _os.SetMillis(ParseU32(Single(args, "<u32>")));
                break;
            case "set_v15":
                _sketch.V15 = ParseDouble(Single(args, "<double>"));
                break;
            case "seed":
                _os.Random.Seed(ParseU32(Single(args, "<u32>")));
                break;
            case "log":
                Log(args);
                break;
            case "state":
                State(argument);
                break;
            case "stats":
                NoArguments(args);
                Stats();
                break;
            case "note":
                Emit("note", w => w.WriteString("text", argument));
                break;
            default:
                throw new FormatException("unknown command");
        }
    }

    private void Boot()
    {
        if (_booted)
        {
            throw new InvalidOperationException("already booted (setup() runs once)");
        }

        _booted = true;
        Emit("boot", w =>
        {
            w.WriteNumber("platform_id", _os.PlatformId);
            w.WriteNumber("seed", _os.Options.RandomSeed);
            w.WriteNumber("token_len", CFormatter.Strlen(_sketch.BlynkAuthToken));
        });
        foreach (var wait in _sketch.Setup())
        {
            // waitFor returns as soon as its condition holds; nothing can change it while setup runs here.
            if (wait.Until is null || !wait.Until())
            {
                _os.Advance(wait.Milliseconds);
            }
        }
    }

    private void EnsureBooted()
    {
        if (!_booted)
        {
            Boot();
        }
    }

    private void Loop()
    {
        EnsureBooted();
        _sketch.Loop();
        _loops++;
        var v15 = _sketch.V15;
        _v15Min = Math.Min(_v15Min, v15);
        _v15Max = Math.Max(_v15Max, v15);
    }

    private void Call(string argument)
    {
        EnsureBooted();
        var split = argument.IndexOf(' ', StringComparison.Ordinal);
        var fn = split < 0 ? argument : argument[..split];
        if (fn.Length == 0)
        {
            throw new FormatException("expects <fn> <arg>");
        }

        var arg = Unquote(split < 0 ? string.Empty : argument[(split + 1)..].Trim());
        var result = _os.CloudConnected
            ? _os.CallFunction(fn, arg)
            : FunctionCallResult.Failed("device is not connected to the cloud");
        Emit("ret", w =>
        {
            w.WriteString("fn", fn);
            w.WriteString("arg", arg);
            if (result.ReturnValue is { } value)
            {
                w.WriteNumber("ret", value);
            }
            else
            {
                w.WriteString("error", result.Error);
            }
        });
    }

    private void Log(string[] args)
    {
        if (args.Length != 2)
        {
            throw new FormatException("expects dw all|changes|off, serial on|off or publish on|off");
        }

        switch (args[0], args[1])
        {
            case ("dw", "all"): _dwLog = DigitalWriteLog.All; break;
            case ("dw", "changes"): _dwLog = DigitalWriteLog.Changes; break;
            case ("dw", "off"): _dwLog = DigitalWriteLog.Off; break;
            case ("serial", "on" or "off"): _logSerial = args[1] == "on"; break;
            case ("publish", "on" or "off"): _logPublish = args[1] == "on"; break;
            default: throw new FormatException($"unknown log setting '{args[0]} {args[1]}'");
        }
    }

    private void State(string tag) =>
        Emit("state", w =>
        {
            w.WriteString("tag", tag);
            WriteDouble(w, "v15", _sketch.V15);
            w.WriteNumber("led_state", _sketch.LedState);
            w.WriteNumber("timer_last", _sketch.TimerLast);
            w.WriteNumber("simSensor_timer_last", _sketch.SimSensorTimerLast);
            w.WriteBoolean("particle_fn_called", _sketch.ParticleFnCalled);
            w.WriteBoolean("connected", _os.CloudConnected);
        });

    private void Stats() =>
        Emit("stats", w =>
        {
            w.WriteNumber("loops", _loops);
            w.WriteNumber("publishes", _publishes);
            w.WriteNumber("max_len", _maxLen);
            w.WriteNumber("truncated", _truncated);
            WriteDouble(w, "v15", _sketch.V15);
            WriteDouble(w, "v15_min", _v15Min);
            WriteDouble(w, "v15_max", _v15Max);
        });

    private void OnPublish(PublishAttempt attempt)
    {
        _publishes++;
        _maxLen = Math.Max(_maxLen, attempt.Length);
        // The sketch's snprintf cut the payload: it fills the buffer and lost its closing brace.
        var truncated = attempt.Length == _sketch.PayloadBufferSize - 1 && !attempt.Data.EndsWith('}');
        if (truncated)
        {
            _truncated++;
        }

        if (_logPublish)
        {
            Emit("publish", w =>
            {
                w.WriteString("event", attempt.Name);
                w.WriteNumber("len", attempt.Length);
                w.WriteString("flags", FlagsText(attempt.Flags));
                w.WriteBoolean("result", attempt.Result);
                w.WriteBoolean("truncated", truncated);
                w.WriteString("outcome", attempt.Outcome.ToString());
                w.WriteString("data", attempt.Data);
            });
        }
    }

    private void OnSerialLine(string line)
    {
        if (_logSerial)
        {
            Emit("serial", w => w.WriteString("line", line));
        }
    }

    private void OnPinMode(int pin, GpioMode mode) =>
        Emit("pinmode", w =>
        {
            w.WriteString("pin", PinName(pin));
            w.WriteString("mode", ModeText(mode));
        });

    private void OnPinWritten(int pin, bool level, bool changed)
    {
        if (_dwLog == DigitalWriteLog.All || (_dwLog == DigitalWriteLog.Changes && changed))
        {
            Emit("dw", w =>
            {
                w.WriteString("pin", PinName(pin));
                w.WriteNumber("value", level ? 1 : 0);
            });
        }
    }

    private void Emit(string kind, Action<Utf8JsonWriter> fields)
    {
        _buffer.Clear();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("ev", kind);
        _json.WriteNumber("t", _os.Millis());
        fields(_json);
        _json.WriteEndObject();
        _json.Flush();
        _output.WriteLine(Encoding.UTF8.GetString(_buffer.WrittenSpan));
    }

    private static void WriteDouble(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteString(name, double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf");
        }
    }

    private static string FlagsText(PublishFlags flags)
    {
        var names = new List<string> { (flags & PublishFlags.Private) != 0 ? "PRIVATE" : "PUBLIC" };
        if ((flags & PublishFlags.NoAck) != 0)
        {
            names.Add("NO_ACK");
        }

        if ((flags & PublishFlags.WithAck) != 0)
        {
            names.Add("WITH_ACK");
        }

        return string.Join('|', names);
    }

    private static string PinName(int pin) => "D" + pin.ToString(CultureInfo.InvariantCulture);

    private static string ModeText(GpioMode mode) => mode switch
    {
        GpioMode.Output => "OUTPUT",
        GpioMode.Input => "INPUT",
        GpioMode.InputPullup => "INPUT_PULLUP",
        GpioMode.InputPulldown => "INPUT_PULLDOWN",
        _ => "PIN_MODE_NONE",
    };

    /// <summary>'#' starts a comment at the start of the line or after whitespace, outside double quotes.</summary>
    private static string StripComment(string line)
    {
        var inQuotes = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && inQuotes)
            {
                i++;
            }
            else if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (c == '#' && !inQuotes && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }

        return line;
    }

    /// <summary>"…" keeps spaces; \" and \\ escape inside quotes.</summary>
    private static string Unquote(string text)
    {
        if (text.Length < 2 || text[0] != '"' || text[^1] != '"')
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 1; i < text.Length - 1; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length - 1)
            {
                i++;
            }

            sb.Append(text[i]);
        }

        return sb.ToString();
    }

    private static void NoArguments(string[] args)
    {
        if (args.Length != 0)
        {
            throw new FormatException("takes no argument");
        }
    }

    private static string Single(string[] args, string what) =>
        args.Length == 1 ? args[0] : throw new FormatException($"expects {what}");

    private static uint ParseU32(string text) =>
        uint.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    private static bool ParseFlag(string text) => text switch
    {
        "1" => true,
        "0" => false,
        _ => throw new FormatException($"expects 0 or 1, got '{text}'"),
    };

    /// <summary>strtod-like: decimal/exponent forms, nan (positive), inf/infinity with an optional sign.</summary>
    public static double ParseDouble(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lower = text.ToLowerInvariant();
        var negative = lower.StartsWith('-');
        var body = lower.TrimStart('+', '-');
        if (body is "nan")
        {
            // C's strtod("nan") has a clear sign bit; .NET's double.NaN has it set.
            return BitConverter.Int64BitsToDouble(negative ? unchecked((long)0xFFF8000000000000) : 0x7FF8000000000000);
        }

        if (body is "inf" or "infinity")
        {
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        }

        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
