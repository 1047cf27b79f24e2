Feature: Covered
  Scenario: Has a runner
    Given the board is online
