Feature: Broken

  Scenario: Missing keyword
    Given the board is online
    this line has no keyword
