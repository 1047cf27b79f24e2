@L3 @L4 @L5 @L6 @echo
Feature: LED echo
  A switch on the Blynk dashboard writes V16. The Blynk webhook POSTs the value to the Particle function
  blynk_led, the firmware sets its D7 LED and republishes, and V17 on Blynk echoes the LED.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish

  @timing @needs:led-readback
  Scenario: Switching V16 on and off drives the D7 LED and V17 follows
    When the V16 switch is turned on in the Blynk app
    Then the D7 LED is on
    And Blynk V17 is 1
    And the LED echo completed within 2 seconds of the switch
    When 1 minute passes
    And the V16 switch is turned off in the Blynk app
    Then the D7 LED is off
    And Blynk V17 is 0

  @timing @smoke
  Scenario: Switching V16 on in the app: V17 echoes it within 2 seconds
    The LED itself needs eyes on the board; V17 is its echo on Blynk, what every target can read.

    When the V16 switch is turned on in the Blynk app
    Then Blynk V17 is 1
    And the LED echo completed within 2 seconds of the switch
