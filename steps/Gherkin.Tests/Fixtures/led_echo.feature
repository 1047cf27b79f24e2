@echo
Feature: LED echo

  Background:
    Given the board is online

  Scenario: Boot publish
    When the board boots
    Then it publishes once
    And the payload has 5 fields
    But nothing is rejected

  @defect:seed-photon2-led
  Scenario Outline: Switch V16
    When V16 is switched to <value>
    Then the LED is <led>

    @fast
    Examples:
      | value | led |
      | 1     | on  |
      | 0     | off |

  @ignore
  Scenario: Not yet supported
    When the board boots
