@doc
Feature: The integration doc's Testing steps and Troubleshooting
  One scenario per step of the doc's "Testing" section and per "Troubleshooting" bullet, named after it, so a
  reviewer can tick the doc off against the harness.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template

  @L5 @needs:led-readback
  Scenario: Testing step 1 - call blynk_led from the Particle console with "on", then "off"
    Given the device has made its boot publish
    When blynk_led is called with "on" through the Particle API
    Then the call answers 200 with return value 1
    And the D7 LED is on
    When blynk_led is called with "off" through the Particle API
    Then the call answers 200 with return value 0
    And the D7 LED is off

  @L4 @fault
  Scenario: Testing step 2 - the Particle access token is checked against the Particle API
    Given the device has made its boot publish
    When the device list is requested with the lab's access token
    Then the Particle API answers 200 listing the device as online
    When the device list is requested with an access token that is not the account's
    Then the Particle API answers 401 {"error":"invalid_token","error_description":"The access token provided is invalid."}

  @L3 @L4 @L5 @L6 @echo @needs:led-readback
  Scenario: Testing step 3 - toggle the V16 switch, waiting 60 seconds between toggles
    Given the device has made its boot publish
    When the V16 switch is turned on in the Blynk app
    Then the D7 LED is on
    And Blynk V17 is 1
    When 60 seconds pass
    And the V16 switch is turned off in the Blynk app
    Then the D7 LED is off
    And Blynk V17 is 0

  @L3 @timing @needs:device-control @needs:cloud-internals
  Scenario: Testing step 4 - "Offline" is expected; "Last Update" tells whether the device still publishes
    Given the device has made its boot publish
    Then the device shows Offline on Blynk
    And Blynk's Last Update is the time of the last publish
    When the device loses its cloud connection
    And 6 minutes pass
    Then Blynk's Last Update is more than 5 minutes old

  @L1 @smoke
  Scenario: Testing step 5 - the device log shows what the device published
    Given the device has made its boot publish
    Then the Particle event stream of the device shows "blynk_https_get" with the payload printed on serial

  @L2 @smoke
  Scenario: Testing step 6 - the integration log shows the webhook was triggered successfully
    Given the device has made its boot publish
    Then the Particle event stream shows "hook-sent/blynk_https_get" for the boot publish
    And no "hook-error/blynk_https_get" event was published

  @L2 @fault @needs:device-control @needs:cloud-internals
  Scenario: Troubleshooting - the BLYNK_AUTH_TOKEN in the firmware must match the Blynk device
    Given the firmware is flashed with another device's token
    When the device powers on and 2 seconds pass
    Then Blynk refused the update with "Invalid token."
    And the Particle event stream shows "hook-error/blynk_https_get"
    And Blynk stored nothing from the device

  @L1 @needs:device-control
  Scenario: Troubleshooting - a connected device is shown as connected (breathing cyan)
    Given the device has made its boot publish
    When the device list is requested with the lab's access token
    Then the Particle API answers 200 listing the device as online
    When the device loses its cloud connection
    And the device list is requested with the lab's access token
    Then the Particle API answers 200 listing the device as offline

  @L1 @L2 @L3 @L4 @L5 @L6 @echo
  Scenario: Troubleshooting - every communication step works: the full loop
    Given the device has made its boot publish
    When the V16 switch is turned on in the Blynk app
    And 5 minutes pass
    Then the journal shows every leg L1 to L6 delivered
    And Blynk V17 is 1
