@L4
Feature: Blynk webhook to the Particle function
  A change of V16 fires the Blynk webhook of the doc: POST https://api.particle.io/v1/devices/<id>/blynk_led with
  the Custom JSON body {"args":"<value>"} and the header "Authorization: Bearer <Particle token>". Blynk allows it
  once per minute (the doc's quota): a change sooner than 60 seconds does not execute the webhook.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template

  @echo @needs:cloud-internals
  Scenario: The webhook posts the switch value as JSON with a Bearer token
    Given the device has made its boot publish
    When the V16 switch is turned on in the Blynk app
    Then the Particle Cloud received POST /v1/devices/e00fce68d3b2a1c4f5e6a7b8/blynk_led with body {"args":"1"}
    And that request carried the header "Authorization: Bearer <the account's access token>"
    And that request carried the header "Content-Type: application/json"

  @timing @echo @needs:cloud-internals @needs:led-readback
  Scenario: A second toggle inside the quota window is dropped and the LED does not follow
    Given the device has made its boot publish
    When the V16 switch is turned on in the Blynk app
    And 30 seconds pass
    And the V16 switch is turned off in the Blynk app
    Then the Blynk webhook was dropped by the quota
    And the D7 LED is on
    And Blynk V16 is 0
    And Blynk V17 is 1

  @timing @echo @needs:cloud-internals @needs:led-readback
  Scenario Outline: The quota window is <window>
    Given the Blynk webhook quota is <quota>
    And the device has made its boot publish
    When the V16 switch is turned on in the Blynk app
    And <wait> seconds pass
    And the V16 switch is turned off in the Blynk app
    Then the D7 LED is <led>

    Examples:
      | window                          | quota              | wait | led |
      | 1 per minute (the doc)          | 1 per minute       | 59   | on  |
      | 1 per minute (the doc), elapsed | 1 per minute       | 60   | off |
      | 10 per minute (Blynk's limits)  | 10 per minute      | 5    | off |

  @fault @needs:cloud-internals @needs:led-readback
  Scenario: A wrong Particle token in the Blynk webhook is refused and the LED stays dark
    Given the Blynk webhook sends a Particle token that is not the account's
    And the device has made its boot publish
    When the V16 switch is turned on in the Blynk app
    Then the Blynk webhook got 401 {"error":"invalid_token","error_description":"The access token provided is invalid."}
    And the D7 LED is off
    And Blynk V17 is 0

  @fault @needs:device-control @needs:cloud-internals @needs:led-readback
  Scenario: The device is offline: the function call times out
    Given the device has made its boot publish
    And the device has lost its cloud connection
    When the V16 switch is turned on in the Blynk app
    Then the Blynk webhook got 400 {"ok":false,"error":"Timed out."}
    And the D7 LED is off

  @fault @needs:device-control @needs:cloud-internals
  Scenario: Ten failed calls in a row send the webhook's failure notification email
    Given the device has made its boot publish
    And the device has lost its cloud connection
    When the V16 switch is toggled 10 times in the Blynk app, a minute apart
    Then the Blynk webhook failed 10 times
    And Blynk sent the failure notification email after 10 failures
