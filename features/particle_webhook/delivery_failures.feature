Feature: When the Particle webhook cannot deliver to Blynk
  Any non-2xx answer, a reset connection or no answer within Particle's 20 s is a failure: Particle publishes
  "hook-error/blynk_https_get/0" and the journal shows the webhook hop as rejected or failed.
  UNCONFIRMED (contracts.md §9.6): whether Particle follows Blynk's 308 wrong-region redirect; the mock does not.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template

  @L2 @fault @needs:cloud-internals
  Scenario: A webhook pointing at another region's server is redirected and Blynk stores nothing
    Given the Particle webhook's URL points at fra1.blynk.cloud
    When the device powers on and 2 seconds pass
    Then the webhook call was rejected with 308
    And Blynk redirected the webhook call to the same path and query on ny3.blynk.cloud
    And Particle published the hook-error "error status 308 from fra1.blynk.cloud"
    And Blynk stored nothing from the device

  @L2 @fault @needs:device-control @needs:cloud-internals
  Scenario: A firmware flashed with another device's token is refused with "Invalid token."
    Given the firmware is flashed with another device's token
    When the device powers on and 2 seconds pass
    Then the webhook call was rejected with 400
    And Blynk refused the webhook call with 400 "Invalid token."
    And Particle published the hook-error "error status 400 from ny3.blynk.cloud"
    And Blynk stored nothing from the device

  @L2 @fault @timing @needs:virtual-time @needs:fault-injection @needs:cloud-internals
  Scenario Outline: An unreachable or slow Blynk makes the webhook fail with a hook-error
    Given Blynk <fault>
    When the device powers on and 30 seconds pass
    Then the webhook call failed after <after> seconds
    And Particle published a hook-error

    Examples:
      | case        | fault                      | after |
      | unreachable | drops every connection     | 0     |
      | slow        | takes 25 seconds to answer | 20    |

  @L2 @fault @timing @needs:fault-injection
  Scenario: A Blynk slower than 20 s is reported as a timeout
    Given Blynk takes 25 seconds to answer
    When the device powers on and 30 seconds pass
    Then Particle published the hook-error "ETIMEDOUT: no response within 20 s"

  @L1 @L2 @payload @fault @needs:device-control @needs:cloud-internals
  Scenario: A publish cut by the 90-byte buffer reaches Blynk without a token
    Given the device has made its boot publish
    When millis() jumps to 2000000000, v15 is set to -15 and blynk_led is called with "off" to make the device republish
    Then the webhook's query carries token = ""
    And Blynk refused the webhook call with 400 "Invalid token."
    And Particle published the hook-error "error status 400 from ny3.blynk.cloud"
