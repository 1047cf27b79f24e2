Feature: Known defect

  @defect:fixture-defect
  Scenario Outline: The LED follows the switch on the <firmware> firmware
    When V16 is switched to 1
    Then the assertion "<assertion>" holds
    And the LED is on

    @known-defect
    Examples: the doc's firmware
      | firmware | assertion |
      | seed     | fails     |

    @known-defect
    Examples: a seed that got fixed
      | firmware | assertion |
      | repaired | passes    |
