Feature: Undefined step

  Scenario: Nobody wrote this step
    Given the board is online
    When the operator presses the square root button
