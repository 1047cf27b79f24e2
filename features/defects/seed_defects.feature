@defects
Feature: Seed firmware defects
  Each defect of the doc's firmware is stated as the correct behaviour. The corrected firmware ("fixed") must
  pass; the doc's firmware ("seed") is run too and must fail — it is reported as the known defect. If the seed
  case ever passes, the test fails and says the defect looks fixed.

  @defect:seed-photon2-led @L5 @L6 @echo
  Scenario Outline: A Photon 2 lights its D7 LED when the switch turns on
    Given the standard lab with a Photon 2 running the <firmware> firmware
    And the device has made its boot publish
    When the V16 switch is turned on in the Blynk app
    Then the D7 LED is on

    @known-defect
    Examples: the doc's firmware
      | firmware |
      | seed     |

    Examples: the corrected firmware
      | firmware |
      | fixed    |
