@timing @needs:virtual-time
Feature: Timing of the firmware
  setup() waits up to 30 s for a USB serial host and then 1 s more; the first loop() makes the boot publish.
  The simulated sensor moves every 20 s. millis() is a 32-bit counter that wraps after 49.7 days.

  @L1 @needs:device-control
  Scenario Outline: The boot publish comes <when> after power-on
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And <serial>
    When the device powers on and <seconds> seconds pass
    Then the device has published 1 time
    And the first publish was <offset> seconds after power-on

    Examples:
      | when                                   | serial                            | seconds | offset |
      | 1 s (serial host attached)             | a USB serial host is attached     | 2       | 1      |
      | 31 s (no serial host: waitFor 30 s)    | no USB serial host is attached    | 32      | 31     |

  @L1 @needs:device-control
  Scenario: The simulated sensor changes every 20 seconds
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish
    When the sensor is watched for 2 minutes
    Then it changed 6 times, 20 seconds apart
