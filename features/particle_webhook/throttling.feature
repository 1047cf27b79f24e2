Feature: Particle throttles a failing webhook target
  When errors outnumber successes for a target host, Particle skips requests and publishes the hook-error
  "Sleeping, too many errors, please wait and try again"; after a cooldown without errors it tries again.
  UNCONFIRMED (contracts.md §3.4): the window, the error count and the cooldown ("a few seconds") are the mock's
  (60 s, 3 errors, 5 s); skipped events are discarded (the webhooks guide), not retried.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the firmware is flashed with another device's token
    And the device has made its boot publish

  @L2 @fault @needs:device-control @needs:cloud-internals
  Scenario: After three refused calls the next publishes are skipped with "Sleeping, too many errors"
    When the blynk_led function is called with "off" 4 times, 2000 ms apart
    Then the device has published 5 times
    And 3 webhook calls were rejected by Blynk
    And 2 webhook calls were skipped with the hook-error "Sleeping, too many errors, please wait and try again"

  @L2 @fault @needs:device-control @needs:cloud-internals
  Scenario: After a quiet minute the webhook calls Blynk again
    When the blynk_led function is called with "off" 4 times, 2000 ms apart
    And 1 minute passes
    And the blynk_led function is called with "off" 1 time, 2000 ms apart
    Then the last webhook call reached Blynk
