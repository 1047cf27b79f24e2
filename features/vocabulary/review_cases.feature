Feature: Review cases: what a scenario can state
  Cases a reviewer asked for that the older phrasings could not state: the API reference's "arg" field, the webhook's
  headers, "no republish after the call", fractional seconds, the nth Blynk webhook request, the registered functions,
  other event names against the webhook's prefix filter, a NaN sensor reading, and a publish forced by a clock jump
  that says what it does.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template

  @L5
  Scenario: The Particle API reference's "arg" field carries the argument as well as "args"
    Given the device has made its boot publish
    When blynk_led is called with "on" as "arg" through the Particle API
    Then the call answers 200 with return value 1

  @L2 @needs:cloud-internals
  Scenario: The Particle webhook's request to Blynk says who sent it
    Given the device has made its boot publish
    Then the Particle webhook's request to Blynk carried the header "User-Agent: ParticleBot/1.1 (https://docs.particle.io/webhooks)"

  @L5 @L6
  Scenario: A rejected argument makes no republish; an accepted one makes exactly one
    Given the device has made its boot publish
    When blynk_led is called with "ON" through the Particle API
    And 2 seconds pass
    Then the device does not republish after the call
    When blynk_led is called with "off" through the Particle API
    And 2 seconds pass
    Then the device has published 1 time since the call

  @L1 @timing @needs:virtual-time
  Scenario: Fractional seconds: the periodic publish comes 300.01 seconds after the boot publish
    Given the device has made its boot publish
    When 300.00 seconds pass
    Then the device has published 1 time
    When 0.01 seconds pass
    Then the device has published 2 times
    And the last two publishes are 300.01 seconds apart

  @L4 @echo @needs:cloud-internals
  Scenario: Each execution of the Blynk webhook posts the value of its own switch change
    Given the Blynk webhook quota is 10 per minute
    And the device has made its boot publish
    When the V16 switch is turned on in the Blynk app
    And 5 seconds pass
    And the V16 switch is turned off in the Blynk app
    Then the Blynk webhook's 1st request to Particle had the body {"args":"1"}
    And the Blynk webhook's 2nd request to Particle had the body {"args":"0"}

  @L5
  Scenario: The device registers exactly one function, blynk_led
    Given the device has made its boot publish
    When the device is requested with the lab's access token
    Then the Particle API answers 200 listing the functions "blynk_led"

  @L2 @needs:cloud-internals
  Scenario Outline: The webhook's event filter is a case-sensitive prefix: "<event>" fires it <times> time(s)
    Given the device has made its boot publish
    When the event "<event>" is published through the Particle API with the last publish's data
    And 1 second passes
    Then the Particle API answers 200 {"ok":true}
    And the Particle webhook fired <times> times for "<event>"

    Examples:
      | event                 | times |
      | blynk_https_get_extra | 1     |
      | blynk_https_getter    | 1     |
      | other                 | 0     |
      | Blynk_https_get       | 0     |
      | blynk_https           | 0     |

  @L1 @payload @needs:device-control
  Scenario: A NaN sensor reading makes a payload that is not JSON; Blynk keeps the value before
    Given the device has made its boot publish
    When v15 is set to NaN
    And blynk_led is called with "off" through the Particle API
    And 2 seconds pass
    Then the device has published 1 time since the call
    And the last publish is 77 bytes and not valid JSON
    And Blynk V15 is "3.14159"

  @L1 @payload @needs:device-control
  Scenario: A forced publish says what it does: millis() jumps, v15 is set, blynk_led("off") republishes
    Given the device has made its boot publish
    When millis() jumps to 86400000, v15 is set to 1.5 and blynk_led is called with "off" to make the device republish
    Then the last publish carries v14 above 86399999
    And the last publish carries v16 "0"
