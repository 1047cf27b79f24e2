Feature: Cleanup

  @cleanup-fails
  Scenario: Step and cleanup both fail
    Given the board is online
    Then the step fails with "LED stayed off"

  @cleanup-fails
  Scenario: Only cleanup fails
    Given the board is online
