@L1 @L2 @L3 @payload
Feature: Boot publish reaches Blynk
  Right after boot the firmware publishes "blynk_https_get" with its auth token, millis(), the simulated
  sensor and the LED state. The Particle webhook of the integration doc turns that event into a
  batch/update on the Blynk Cloud, which stores V6, V14, V15, V16 and V17.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template

  @smoke
  Scenario: The boot publish arrives on Blynk with exactly the published values
    When the device powers on and 2 seconds pass
    Then the device has published 1 time
    And Blynk holds the values of the last publish in V14, V15, V16 and V17
    And Blynk V6 holds the time the Particle Cloud published the last publish
