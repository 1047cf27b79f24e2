Feature: Orphan
  Scenario: Has no runner
    Given the board is online
