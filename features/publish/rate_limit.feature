Feature: Publish rate limit
  Device OS 6.2 allows bursts of 4 publishes: the 5th attempt inside 1000 ms is refused (not sent, not queued)
  and Particle.publish returns false. Every blynk_led call that returns 0 or 1 makes the firmware republish on
  the next loop(), so five calls within one second are five publish attempts.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish

  @L1 @timing @fault
  Scenario Outline: The fifth republish within one second is refused as rate-limited
    When 10 seconds pass
    And the blynk_led function is called with "off" <calls> times, <apart> ms apart
    Then the device has published <delivered> times
    And the number of publishes refused as rate-limited is <refused>
    And the number of serial lines "ERROR: Particle.publish()" is <refused>

    Examples:
      | calls | apart | delivered | refused |
      | 4     | 200   | 5         | 0       |
      | 5     | 200   | 5         | 1       |
      | 5     | 300   | 6         | 0       |
