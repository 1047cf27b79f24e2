@L3
Feature: Blynk datastreams
  The doc's template: V6 String (last publish), V14 Integer 0…2147483647, V15 Double 0…3.3 shown as #.##, V16 and
  V17 Integer 0…1. Blynk parses each value by the datastream's type and crops it to min/max; a value that does
  not match the type is refused with 400 and nothing of the request is stored.
  UNCONFIRMED (contracts.md §6, §9): whether Blynk refuses an Integer above 2147483647 or crops it, and whether a
  refused batch/update stores none of its pins; the mock refuses and stores nothing.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish

  @payload @needs:device-control
  Scenario Outline: The simulated sensor value <v15> is stored in V15 as <stored>
    When v15 is set to <v15> and blynk_led is called with "off" to make the device republish
    Then the last publish carries v15 "<published>"
    And Blynk V15 is "<stored>"

    Examples: within 0…3.3
      | v15     | published | stored  |
      | 3.14159 | 3.141590  | 3.14159 |
      | 0.5     | 0.500000  | 0.5     |
      | 3.3     | 3.300000  | 3.3     |

    Examples: cropped to min/max
      | v15     | published | stored  |
      | 5       | 5.000000  | 3.3     |
      | -1.5    | -1.500000 | 0       |

  @timing @payload @fault @needs:device-control @needs:cloud-internals
  Scenario: After 24.8 days of uptime millis() no longer fits Blynk's Integer V14
    Given the device's millis() is 2147483000
    When 6 minutes pass
    Then the last publish carries v14 above 2147483647
    And Blynk refused the update with "Value doesn't match the Datastream data type"
    And Blynk V14 still holds the value of the publish before

  @timing @needs:cloud-internals
  Scenario: "Last Update" moves to the periodic publish while the status stays Offline
    When 5 minutes pass
    And 1 second passes
    Then the device has published 2 times
    And Blynk's Last Update is the time of the last publish
    And the device shows Offline on Blynk
