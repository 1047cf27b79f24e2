Feature: The Particle webhook's request to Blynk
  The doc's webhook turns each "blynk_https_get" into GET https://ny3.blynk.cloud/external/api/batch/update with
  token={{t}}, V6={{PARTICLE_PUBLISHED_AT}} and V14..V17 from the payload; noDefaults keeps Particle's own fields out.
  Values are URL-encoded (':' as %3A). PARTICLE_PUBLISHED_AT is ISO 8601 UTC with milliseconds and Z.
  UNCONFIRMED (contracts.md §3.2): the payload's 3.141590 is assumed re-rendered as 3.14159 (JSON parsed first);
  the mock's JsonNumberRendering switches it. Parameter order is not asserted: Particle does not preserve it.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish

  @L2 @payload @needs:cloud-internals
  Scenario: The boot publish becomes one GET batch update on the device's region server
    Then the Particle webhook sent 1 GET /external/api/batch/update to ny3.blynk.cloud
    And the webhook call was delivered

  @L2 @payload @needs:cloud-internals
  Scenario Outline: Each query parameter carries its value, URL-encoded
    Then the webhook's query carries <parameter> = "<value>"

    Examples:
      | parameter | value                            |
      | token     | <the Blynk device's token>       |
      | V6        | 2026-01-01T00%3A00%3A01.000Z     |
      | V14       | 1000                             |
      | V15       | 3.14159                          |
      | V16       | 0                                |
      | V17       | 0                                |

  @L2 @payload @needs:cloud-internals
  Scenario: Particle's default fields stay out of the query (noDefaults)
    Then the webhook's query has exactly the parameters "token, V6, V14, V15, V16, V17"

  @L2 @payload
  Scenario: Blynk's empty answer gives a hook-sent event and no hook-response
    Then Particle published 1 "hook-sent/blynk_https_get" event
    And Particle published 0 "hook-response" events
    And Particle published 0 "hook-error" events
