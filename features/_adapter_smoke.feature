@adapter-smoke
Feature: Adapter smoke

  Temporary: proves the Gherkin adapter end to end.

  Background:
    Given the word "particle"

  @outline
  Scenario Outline: Word length
    When the word is extended with "<suffix>"
    Then the word has <length> characters

    Examples:
      | suffix | length |
      | -blynk | 14     |
      | 2      | 9      |
