// The integration doc's firmware with its six defects corrected: what the "fixed" rows of features/defects/ expect of a
// real board (E2E_HARDWARE_FIRMWARE=fixed). The emulator's port of this file is hardware/Emulator/Sketches/FixedSketch.cs;
// the doc's original is hardware/Emulator/Sketches/seed-firmware.ino. Each change is marked "Fix n" and named after the
// defect tag its scenario carries.
#include "Particle.h"
#include <math.h> // This library is only for function simulating a sensor
const char *firmware_version = "0.0.0"; // as the doc: the emulator prints the same banner for both sketches

double v15 = 3.14159;
const double V15_INITIAL = 3.14159;
const double SENSOR_MIN = 0.0; // Fix 5 (seed-v15-out-of-range): the V15 datastream's range
const double SENSOR_MAX = 3.3;
uint32_t simSensor_timer_last = 0; // This is a variable for a function that simulates a sensor
uint8_t led_state = LOW;
bool particle_fn_called = TRUE; // a publish is requested: at boot, after a function call, when the timer is due

// Fix 3 (seed-failed-publish-not-retried): a failed publish is retried after 1 s, not 5 minutes later.
const uint32_t PUBLISH_RETRY_MS = 1000;
bool last_attempt_failed = FALSE;
uint32_t last_failed_attempt = 0;

// Register the Particle cloud function
int blynkLED(String on_or_off);

/////////////////////////////////////////////////////////////////////////
// Blynk

// Update below with your Blynk auth token for your device (automatically populated by Blueprint)
#define BLYNK_TEMPLATE_ID "13 char template id"
#define BLYNK_TEMPLATE_NAME "ParticleDeviceBlueprint"
#define BLYNK_AUTH_TOKEN "your Blynk 32 char auth token"

void simSensor()    //This function simulates a sensor
{
  long sim = random(millis()); // every loop, as in the doc: the random sequence is the same
  if (millis() - simSensor_timer_last >= 20000) {
    simSensor_timer_last = millis();
    float deltaSensor = cos(float(sim) / 1000) / 100;
    // Fix 5: at an edge, step inward by |delta| (the doc subtracts a delta of either sign and can drift away).
    if (v15 <= SENSOR_MIN)
    {
      v15 = v15 + fabs(deltaSensor);
    }
    else if (v15 >= SENSOR_MAX)
    {
      v15 = v15 - fabs(deltaSensor);
    }
    else
    {
      v15 = v15 + deltaSensor;
    }
  }
  // Fix 5: every loop, so that nothing ever publishes a value out of range (or NaN).
  if (isnan(v15)) v15 = V15_INITIAL;
  if (v15 < SENSOR_MIN) v15 = SENSOR_MIN;
  if (v15 > SENSOR_MAX) v15 = SENSOR_MAX;
} // simSensor

/////////////////////////////////////////////////////////////////////////

bool deviceHasLedOnD7()
{
  // Returns TRUE if the device has a built-in LED on D7:
  //  Boron, Argon, Photon 2, Photon, Electron, Core
  switch (PLATFORM_ID)
  {
  case PLATFORM_BORON:
  case PLATFORM_ARGON:
  case 32: // Fix 1 (seed-photon2-led): Photon 2 / P2 (PLATFORM_P2); on a bare P2 module D7 is a plain GPIO
  case 0:  // Core
  case 6:  // Photon  (PLATFORM_PHOTON_PRODUCTION)
  case 10: // Electron  (PLATFORM_ELECTRON_PRODUCTION)
    return TRUE;
  default:
    return FALSE;
  }
} // deviceHasLedOnD7()

/////////////////////////////////////////////////////////////////////////
// Timer

const uint32_t TIMER_INTERVAL_MS = 300000L;
uint32_t timer_last = 0;

// Fix 4 (seed-payload-truncated): room for the worst case of every field — the fixed text (36 bytes), v14 (10 digits),
// v15 ("3.300000", 8), v16 and v17 (3 each) — plus the token; and snprintf's result is checked.
const size_t PAYLOAD_OVERHEAD = 64;

bool tryPublish()
{
  char data[sizeof(BLYNK_AUTH_TOKEN) + PAYLOAD_OVERHEAD];
  int needed = snprintf(data, sizeof(data), "{\"t\":\"%s\",\"v14\":%u,\"v15\":%f,\"v16\":%u,\"v17\":%u}", BLYNK_AUTH_TOKEN, millis(), v15, led_state, led_state);
  if (needed < 0 || (size_t)needed >= sizeof(data))
  {
    Serial.printlnf("ERROR: payload needs %d bytes, buffer holds %u", needed + 1, sizeof(data));
    last_attempt_failed = TRUE;
    last_failed_attempt = millis();
    return FALSE;
  }

  Serial.printlnf("Sending to Blynk: '%s' with size of %u bytes", data, strlen(data));
  if (Particle.publish("blynk_https_get", data, PRIVATE))
  {
    timer_last = millis();
    last_attempt_failed = FALSE;
    return TRUE;
  }

  Serial.println("ERROR: Particle.publish()");
  last_attempt_failed = TRUE;
  last_failed_attempt = millis();
  return FALSE;
} // tryPublish()

void pubTimer()
{
  // Fix 6 (seed-wrap-gap): no "if (timer_last > millis()) timer_last = millis();" — unsigned subtraction already spans
  // the millis() wrap at 49.7 days; the reset stretched the gap after it to up to ~600 s.
  // Fix 3: a due timer requests a publish, which stays requested until it is sent.
  if (millis() - timer_last > TIMER_INTERVAL_MS)
  {
    particle_fn_called = TRUE;
  }
} // pubTimer()

/////////////////////////////////////////////////////////////////////////

void setup()
{
  if (deviceHasLedOnD7() == TRUE)
  {
    pinMode(D7, OUTPUT);
    digitalWrite(D7, LOW);
  }

  Serial.begin(9600);
  waitFor(Serial.isConnected, 30000);
  delay(1000);
  Serial.printlnf("Device OS v%s", System.version().c_str());
  Serial.printlnf("Free RAM %lu bytes", System.freeMemory());
  Serial.printlnf("Firmware version v%s", firmware_version);

  // register the Particle cloud function (funcKey, funcName)
  Particle.function("blynk_led", blynkLED);

  Serial.println("Setup complete");
} // setup()

void loop()
{
  simSensor(); // This is function simulates a sensor
  pubTimer();

  // Fix 2 (seed-boot-publish-lost): the request is cleared only once the publish was sent, so the boot publish waits for
  // a cloud that connects after the first loop() instead of being dropped. Fix 3: retried after PUBLISH_RETRY_MS.
  bool retry_due = !last_attempt_failed || millis() - last_failed_attempt >= PUBLISH_RETRY_MS;
  if (particle_fn_called == TRUE && Particle.connected() && retry_due)
  {
    if (tryPublish())
    {
      particle_fn_called = FALSE;
    }
  }

  if (deviceHasLedOnD7() == TRUE)
  {
    digitalWrite(D7, led_state);
  }
} // loop()

int blynkLED(String on_off)
{
  // Unchanged from the doc: 1 on, 0 off, -1 (and a serial line) for anything else; a call requests a publish.
  if (on_off == "on" || on_off == "1")
  {
    particle_fn_called = TRUE;
    led_state = HIGH;
    return 1;
  }
  else if (on_off == "off" || on_off == "0")
  {
    particle_fn_called = TRUE;
    led_state = LOW;
    return 0;
  }
  else
  {
    Serial.print("Unexpected on_off value of: '");
    Serial.print(on_off);
    Serial.println("'");
  }
  return -1;
} // blynkLED()
