@L1 @L2 @timing @needs:virtual-time
Feature: Publish cadence
  After the boot publish the firmware publishes again when millis() - timer_last > 300000, checked once per
  loop(): strictly more than 5 minutes, so one loop after the 5 minutes are up, never earlier.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish

  Scenario: The periodic publish comes one loop after 5 minutes, never earlier
    When 5 minutes pass
    Then the device has published 1 time
    When 1 second passes
    Then the device has published 2 times
    And the last two publishes are 300.01 seconds apart
    And Blynk V14 holds the millis() of the last publish
