@L5
Feature: The blynk_led cloud function
  The firmware registers blynk_led. "on" or "1" lights the LED and returns 1, "off" or "0" darkens it and
  returns 0; both make the firmware republish its state on the next loop. Anything else returns -1, prints the
  unexpected value on serial and publishes nothing. Calls run between two loop() iterations.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish

  @payload
  Scenario Outline: Calling blynk_led through the Particle API with <argument>
    When blynk_led is called with <argument> through the Particle API
    Then the call answers 200 with return value <returned>
    And the device <republish> after the call

    Examples: accepted arguments
      | argument   | returned | republish           |
      | "on"       | 1        | republishes         |
      | "1"        | 1        | republishes         |
      | "off"      | 0        | republishes         |
      | "0"        | 0        | republishes         |

    Examples: rejected arguments (no republish)
      | argument   | returned | republish           |
      | "ON"       | -1       | does not republish  |
      | " on"      | -1       | does not republish  |
      | ""         | -1       | does not republish  |
      | "true"     | -1       | does not republish  |

  @needs:led-readback
  Scenario Outline: blynk_led with <argument> drives the D7 LED <led>
    When blynk_led is called with <argument> through the Particle API
    Then the D7 LED is <led>

    Examples:
      | argument | led |
      | "on"     | on  |
      | "1"      | on  |
      | "off"    | off |
      | "0"      | off |
      | "ON"     | off |
      | "true"   | off |

  @payload @smoke
  Scenario: The republish after a call reports the LED in v16 and v17, and V17 echoes it on Blynk
    When blynk_led is called with "on" through the Particle API
    And 2 seconds pass
    Then the last publish carries v16 "1"
    And the last publish carries v17 "1"
    And Blynk V17 is 1

  @fault @smoke
  Scenario: A rejected argument is reported on the serial log
    When blynk_led is called with "ON" through the Particle API
    Then the serial log shows "Unexpected on_off value of: 'ON'"

  @timing @needs:virtual-time @needs:cloud-internals
  Scenario: The function runs between two loops: the republish comes on the loop after the call
    When blynk_led is called with "on" through the Particle API
    Then the call took one loop of the device
    And the republish carries v16 1 and v17 1

  @fault
  Scenario: Calling a function the firmware never registered
    When blynk_led2 is called with "on" through the Particle API
    Then the call answers 404 with body {"ok":false,"error":"Function blynk_led2 not found"}
