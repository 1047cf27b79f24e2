Feature: Publish rate limit
  Device OS 6.2 allows bursts of 4 publishes: the 5th attempt inside 1000 ms is refused (not sent, not queued)
  and Particle.publish returns false. Every blynk_led call that returns 0 or 1 makes the firmware republish on
  the next loop(), so five calls within one second are five publish attempts.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish
    And 10 seconds pass

  @L1 @timing
  Scenario Outline: The fifth republish within one second is refused as rate-limited
    When the blynk_led function is called with "off" <calls> times, <apart> ms apart
    Then the device has published <delivered> times
    And <refused> publish(es) were refused as rate-limited
    And the serial log shows "ERROR: Particle.publish()" <refused> time(s)

    Examples:
      | calls | apart | delivered | refused |
      | 4     | 200   | 5         | 0       |
      | 5     | 200   | 5         | 1       |
      | 5     | 300   | 6         | 0       |
