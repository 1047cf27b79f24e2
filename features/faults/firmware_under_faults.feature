@fault @needs:fault-injection @defects
Feature: The firmware under faults: a lost publish and a refused echo
  Two faults of the catalogue (docs/faults.md) that the firmware itself must recover from. Stated as the correct
  behaviour: the corrected firmware ("fixed") must pass; the doc's firmware ("seed") is run too and must fail — it
  never retries a publish that failed, so it is reported as the known defect seed-failed-publish-not-retried.

  @L1 @timing @defect:seed-failed-publish-not-retried @needs:virtual-time
  Scenario Outline: A cloud link that drops mid-publish loses that publish, and the next follows the link's return
    The event was sent but never acknowledged: Particle.publish returns false. The seed firmware waits for the next
    5-minute timer; a corrected firmware publishes as soon as the link is back.

    Given the standard lab with a Boron running the <firmware> firmware
    And the device has made its boot publish
    And the cloud link drops in the middle of the next publish and comes back 10 seconds later
    When 5 minutes pass
    And 30 seconds pass
    Then the publish was lost with the link
    And the next publish went out within 2 seconds of the link coming back

    @known-defect
    Examples: the doc's firmware
      | firmware |
      | seed     |

    Examples: the corrected firmware
      | firmware |
      | fixed    |

  @L6 @echo @defect:seed-failed-publish-not-retried
  Scenario Outline: The echo republish refused by the rate limiter
    A function call requests a republish; when the publish burst is used up Device OS refuses it (not sent, not
    queued). The seed firmware has already cleared its request and never retries: V17 stays stale until the next
    5-minute publish. A corrected firmware retries a second later.

    Given the standard lab with a Boron running the <firmware> firmware
    And the device has made its boot publish
    And the device has just published 4 other events, using up its publish burst
    When blynk_led is called with "on" through the Particle API
    And 2 seconds pass
    Then the device refused the echo republish
    And Blynk V17 is 1

    @known-defect
    Examples: the doc's firmware
      | firmware |
      | seed     |

    Examples: the corrected firmware
      | firmware |
      | fixed    |
