using System.Globalization;
using System.Text.Json.Serialization;
using ParticleBlynk.Device;
using ParticleBlynk.Loop;
using ParticleBlynk.Timeline;

namespace ParticleBlynk.ParticleCloud.Api;

/// <summary>
/// The Particle Cloud REST API as plain C# (contracts.md §2): devices, function calls, variables, ping, publish. The
/// WireMock front hands each request here; nothing here knows about HTTP servers.
/// </summary>
internal sealed class ParticleApi(ParticleCloudModel model, CancellationToken shutdown)
{
    private HarnessServices Services => model.Services;

    public async Task<ApiResponse> HandleAsync(ApiRequest request)
    {
        if (request.BodyError is { } unreadable)
        {
            return ApiResponse.Error(400, unreadable); // the body is parsed before anything else reads it (UNCONFIRMED wording)
        }

        var account = model.Registry.AccountOf(request.Token);
        if (account is null)
        {
            return ApiResponse.InvalidToken;
        }

        var s = request.Path.Trim('/').Split('/');
        if (s.Length < 2 || s[0] != "v1" || s[1] != "devices")
        {
            return ApiResponse.Error(404, "Not found");
        }

        return (request.Method, s.Length) switch
        {
            ("GET", 2) => ListDevices(account),
            ("POST", 3) when s[2] == "events" => Publish(request, account),
            ("GET", 3) => GetDevice(request, account, Uri.UnescapeDataString(s[2])),
            ("PUT", 4) when s[3] == "ping" => Ping(request, account, Uri.UnescapeDataString(s[2])),
            ("GET", 4) => GetVariable(request, account, Uri.UnescapeDataString(s[2]), Uri.UnescapeDataString(s[3])),
            ("POST", 4) => await CallFunctionAsync(request, account, Uri.UnescapeDataString(s[2]), Uri.UnescapeDataString(s[3])).ConfigureAwait(false),
            _ => ApiResponse.Error(404, "Not found"),
        };
    }

    private ApiResponse ListDevices(string account) =>
        ApiResponse.Json(200, model.Registry.Devices
            .Where(d => d.Owner == account)
            .OrderByDescending(d => d.LastHandshake ?? DateTimeOffset.MinValue) // "sorted by last_handshake_at desc" (P-APIJSON)
            .Select(d => Describe(d, detailed: false))
            .ToArray());

    private ApiResponse GetDevice(ApiRequest request, string account, string idOrName) =>
        model.Registry.Resolve(account, idOrName) is { } device
            ? ApiResponse.Json(200, Describe(device, detailed: true))
            : ApiResponse.PermissionDenied(request.Query.GetValueOrDefault("access_token"));

    private ApiResponse Ping(ApiRequest request, string account, string idOrName) =>
        model.Registry.Resolve(account, idOrName) is { } device
            ? ApiResponse.Json(200, new Dictionary<string, object> { ["online"] = device.Online, ["ok"] = true })
            : ApiResponse.PermissionDenied(request.Query.GetValueOrDefault("access_token"));

    private ApiResponse GetVariable(ApiRequest request, string account, string idOrName, string variable)
    {
        if (model.Registry.Resolve(account, idOrName) is not { } device)
        {
            return ApiResponse.PermissionDenied(request.Query.GetValueOrDefault("access_token"));
        }

        if (!device.Variables.ContainsKey(variable))
        {
            return ApiResponse.Error(404, "Variable not found"); // the seed firmware registers none (particle-clients.md finding 2)
        }

        if (!device.Online)
        {
            return ApiResponse.Raw(model.Options.FunctionCalls.OfflineStatus, model.Options.FunctionCalls.OfflineBody);
        }

        // ICloudSessionDevice exposes variable names and types but no values: reading one is not modelled yet.
        return ApiResponse.Error(501, $"Reading variable {variable} is not modelled by the harness device interface");
    }

    private ApiResponse Publish(ApiRequest request, string account)
    {
        var name = request.Parameter("name");
        if (string.IsNullOrEmpty(name))
        {
            return ApiResponse.Error(400, "Event name is required"); // UNCONFIRMED wording
        }

        var data = request.Parameter("data") ?? "";
        var limit = model.Options.Limits.MaxEventDataBytes;
        if (System.Text.Encoding.UTF8.GetByteCount(data) > limit)
        {
            return ApiResponse.Error(400, $"Event data exceeds {limit.ToString(CultureInfo.InvariantCulture)} bytes"); // UNCONFIRMED status and wording
        }

        var ttl = int.TryParse(request.Parameter("ttl"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : 60;
        model.Ingest(name, data, model.Options.ApiPublishCoreId, ttl, account, $"API client ({account})", deviceId: null);
        return ApiResponse.Raw(200, """{"ok":true}""");
    }

    private async Task<ApiResponse> CallFunctionAsync(ApiRequest request, string account, string idOrName, string function)
    {
        if (model.Registry.Resolve(account, idOrName) is not { } device)
        {
            return ApiResponse.PermissionDenied(request.Query.GetValueOrDefault("access_token"));
        }

        var argument = request.Parameter("arg") ?? request.Parameter("args") ?? "";
        var raw = request.Parameter("format") == "raw";
        var calls = model.Options.FunctionCalls;
        var call = new Hop
        {
            Kind = HopKind.FunctionCall, Source = "Particle Cloud", Target = $"device {device.Id}", DeviceId = device.Id, Function = function,
            Payload = argument, Http = request.Exchange,
        };
        var limit = device.Definition.Platform.MaxFunctionArgumentLength(Version.Parse(device.Definition.SystemFirmwareVersion));
        if (argument.Length > limit)
        {
            Services.Journal.Record(call with { Outcome = HopOutcome.Rejected, Reason = $"argument of {argument.Length} characters exceeds {limit}" });
            return ApiResponse.Raw(calls.ArgumentTooLongStatus, calls.ArgumentTooLongBody);
        }

        if (!device.Online || device.Session is not { } session)
        {
            Services.Journal.Record(call with { Outcome = HopOutcome.Failed, Reason = "device offline" });
            return ApiResponse.Raw(calls.OfflineStatus, calls.OfflineBody);
        }

        if (!session.Functions.Contains(function, StringComparer.Ordinal))
        {
            Services.Journal.Record(call with { Outcome = HopOutcome.Rejected, Reason = "function not registered" });
            return ApiResponse.Error(404, $"Function {function} not found");
        }

        Services.Journal.Record(call);
        return await WaitForDeviceAsync(device, session, call, raw, request.FlowId).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues the call and waits, in virtual time, for the device's next loop boundary (or the call timeout). Everything the
    /// outcome changes (the return hop, last_heard) happens synchronously inside the device's completion callback or the
    /// timeout's timer callback, so it is in place before the device's loop() runs on in the same RunDue (its republish is
    /// the echo) and before time can move; the continuation only hands the answer back. The caller's flow is parked only
    /// once the timer and the device queue are armed, and woken synchronously in those callbacks.
    /// </summary>
    private async Task<ApiResponse> WaitForDeviceAsync(RegisteredDevice device, ICloudSessionDevice session, Hop call, bool raw, string? flowId)
    {
        var calls = model.Options.FunctionCalls;
        var function = call.Function!;
        var argument = call.Payload;
        var started = Services.Time.GetUtcNow();
        var done = new TaskCompletionSource<ApiResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slot = new ParkSlot();
        var claimed = 0;
        ITimer? timer = null;

        // Only the first of answer, timeout and shutdown decides; each wakes the caller's flow and then completes the task.
        bool Claim() => Interlocked.Exchange(ref claimed, 1) == 0;
        void Finish(ApiResponse answer, HopOutcome outcome, int? returned, string? reason)
        {
            Volatile.Read(ref timer)?.Dispose();
            var now = Services.Time.GetUtcNow();
            Services.Journal.Record(new Hop
            {
                Kind = HopKind.FunctionReturn, Source = call.Target, Target = "Particle Cloud", DeviceId = device.Id, Function = function,
                Payload = argument, Outcome = outcome, ReturnValue = returned, Reason = reason, Duration = now - started,
                Http = call.Http is { } http ? http with { Status = answer.Status, ResponseBody = answer.Body } : null,
            });
            slot.Release();
            done.TrySetResult(answer);
        }

        Volatile.Write(ref timer, Services.Time.CreateTimer(
            _ =>
            {
                if (Claim())
                {
                    Finish(ApiResponse.Raw(calls.TimeoutStatus, calls.TimeoutBody), HopOutcome.TimedOut, null,
                        $"no answer within {calls.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
                }
            },
            null,
            calls.Timeout,
            Timeout.InfiniteTimeSpan));
        await using var stopping = shutdown.Register(() =>
        {
            if (Claim())
            {
                Finish(ApiResponse.Error(503, "The Particle Cloud mock is shutting down"), HopOutcome.Failed, null, "mock shutting down");
            }
        });
        session.EnqueueFunctionCall(function, argument, result =>
        {
            if (!Claim())
            {
                return; // answered after the timeout: the cloud already gave up on it
            }

            if (result.ReturnValue is not { } value)
            {
                Finish(ApiResponse.Error(400, result.Error ?? "Function call failed"), HopOutcome.Rejected, null, result.Error);
                return;
            }

            device.LastHeard = Services.Time.GetUtcNow();
            Finish(
                raw
                    ? new ApiResponse(200, value.ToString(CultureInfo.InvariantCulture), "text/plain; charset=utf-8")
                    : ApiResponse.Json(200, new FunctionCallResponse(device.Id, device.Name, true, value)),
                HopOutcome.Delivered,
                value,
                "return_value " + value.ToString(CultureInfo.InvariantCulture));
        });

        // Park last: parked earlier, the clock could settle and step before the timer or the queued call exist.
        slot.Hold(() => flowId is null ? NoWait.Instance : Services.Work.Park(flowId, "waiting for device loop")); // under the slot's lock: a wake-up before it is not lost
        return await done.Task.ConfigureAwait(false);
    }

    private object Describe(RegisteredDevice device, bool detailed)
    {
        var d = device.Definition;
        var platform = d.Platform;
        var summary = new Dictionary<string, object?>
        {
            ["id"] = d.Id,
            ["name"] = d.Name,
            ["last_ip_address"] = device.LastHandshake is null ? null : "127.0.0.1",
            ["last_heard"] = device.LastHeard is { } heard ? ParticleEvent.FormatTime(heard) : null,
            ["last_handshake_at"] = device.LastHandshake is { } hs ? ParticleEvent.FormatTime(hs) : null,
            ["product_id"] = d.EffectiveProductId,
            ["online"] = device.Online,
            ["connected"] = device.Online,
            ["platform_id"] = d.PlatformId,
            ["cellular"] = platform.IsCellular,
            ["notes"] = d.Notes,
            ["functions"] = device.Functions,
            ["variables"] = device.Variables,
            ["status"] = "normal",
            ["serial_number"] = d.SerialNumber,
            ["system_firmware_version"] = d.SystemFirmwareVersion,
        };
        if (detailed)
        {
            summary["owner"] = device.Owner;
            summary["firmware_updates_enabled"] = true;
            summary["firmware_updates_forced"] = false;
            summary["last_app"] = null;
            summary["quarantined"] = false;
            summary["denied"] = false;
            summary["groups"] = Array.Empty<string>();
        }

        return summary;
    }

    private sealed record FunctionCallResponse(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("connected")] bool Connected,
        [property: JsonPropertyName("return_value")] int ReturnValue);

    private sealed class NoWait : IDisposable
    {
        public static readonly NoWait Instance = new();

        public void Dispose()
        {
        }
    }
}
