@L4 @L5 @L6 @echo
Feature: LED echo on every platform
  Boards with a user LED on D7 light it; boards without one still echo the state to V17, which the LED widget on
  the dashboard shows. Each hop of the echo has a latency budget on the harness clock.

  @timing @needs:led-readback @needs:cloud-internals @needs:virtual-time
  Scenario Outline: Switching V16 on a <platform> (seed firmware)
    Given the standard lab with a <platform> running the seed firmware
    And the device has made its boot publish
    When the V16 switch is turned on in the Blynk app
    Then the D7 LED is <led>
    And Blynk V17 is 1
    And the echo hops took at most: Blynk webhook 50 ms, function call 20 ms, republish 20 ms

    Examples: boards with a D7 LED that the seed firmware drives
      | platform | led |
      | Boron    | on  |
      | Argon    | on  |
      | Photon   | on  |
      | Electron | on  |
      | Core     | on  |

    Examples: boards without a user LED (V17 alone echoes)
      | platform | led  |
      | P2       | none |
      | B-SoM    | none |
      | Tracker  | none |
      | M-SoM    | none |

    @known-defect @defect:seed-photon2-led
    Examples: Photon 2, whose D7 LED the seed firmware never drives (known defect)
      | platform | led |
      | Photon 2 | on  |
