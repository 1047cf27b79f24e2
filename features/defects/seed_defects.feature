@defects
Feature: Seed firmware defects
  Each defect of the doc's firmware is stated as the correct behaviour. The corrected firmware ("fixed") must
  pass; the doc's firmware ("seed") is run too and must fail — it is reported as the known defect. If the seed
  case ever passes, the test fails and says the defect looks fixed.

  @defect:seed-photon2-led @L5 @L6 @echo @needs:led-readback
  Scenario Outline: A Photon 2 lights its D7 LED when the switch turns on
    Given the standard lab with a Photon 2 running the <firmware> firmware
    And the device has made its boot publish
    When the V16 switch is turned on in the Blynk app
    Then the D7 LED is on

    @known-defect
    Examples: the doc's firmware
      | firmware |
      | seed     |

    Examples: the corrected firmware
      | firmware |
      | fixed    |

  @defect:seed-boot-publish-lost @L1 @timing @needs:device-control
  Scenario Outline: The boot publish is made when the cloud connects after the first loop
    Device OS >= 6.2 runs setup() and loop() before the cloud connects; the seed clears its publish flag before
    checking Particle.connected(), so its first publish comes only after 5 minutes.

    Given the standard lab with a Boron running the <firmware> firmware
    And the cloud connects 5 seconds after power-on
    When the device powers on and 10 seconds pass
    Then the device has published 1 time

    @known-defect
    Examples: the doc's firmware
      | firmware |
      | seed     |

    Examples: the corrected firmware
      | firmware |
      | fixed    |

  @defect:seed-failed-publish-not-retried @L1 @timing @fault
  Scenario Outline: A publish refused by Device OS is retried within seconds
    The seed gives up on a failed publish: the value waits for the next 5-minute timer.

    Given the standard lab with a Boron running the <firmware> firmware
    And the device has made its boot publish
    When 10 seconds pass
    And the blynk_led function is called with "off" 5 times, 200 ms apart
    And 5 seconds pass
    Then the number of publishes refused as rate-limited is 1
    And the device has published 6 times

    @known-defect
    Examples: the doc's firmware
      | firmware |
      | seed     |

    Examples: the corrected firmware
      | firmware |
      | fixed    |

  @defect:seed-payload-truncated @L1 @L2 @payload @needs:device-control
  Scenario Outline: Every publish is valid JSON that Blynk accepts
    A 10-digit millis() and v15 of -10 or less need 90 bytes: the seed's char data[90] cuts the closing brace.

    Given the standard lab with a Boron running the <firmware> firmware
    And the device has made its boot publish
    When millis() jumps to 2000000000, v15 is set to -15 and blynk_led is called with "off" to make the device republish
    Then every publish is valid JSON
    And Blynk accepted every webhook call

    @known-defect
    Examples: the doc's firmware
      | firmware |
      | seed     |

    Examples: the corrected firmware
      | firmware |
      | fixed    |

  @defect:seed-v15-out-of-range @L1 @payload @needs:device-control
  Scenario Outline: v15 stays within the simulated sensor's 0 to 3.3 V
    At the edges the seed subtracts a delta of either sign, so v15 can walk out of the range it should bounce off.

    Given the standard lab with a Boron running the <firmware> firmware
    And the device has made its boot publish
    When v15 is set to <start>
    And 60 minutes pass
    Then every published v15 is within 0 and 3.3 V

    @known-defect
    Examples: the doc's firmware
      | firmware | start |
      | seed     | 3.299 |

    Examples: the corrected firmware
      | firmware | start |
      | fixed    | 3.299 |

  @defect:seed-wrap-gap @L1 @timing @needs:device-control
  Scenario Outline: The publish after the millis() wrap comes 5 minutes after the one before
    millis() wraps to 0 after 49.7 days; the seed then resets timer_last to 0 and waits 5 more minutes.

    Given the standard lab with a Boron running the <firmware> firmware
    And millis() is 2 minutes short of its wrap at power-on
    When the device powers on and 10 seconds pass
    And 10 minutes pass
    Then the first publish after the millis() wrap comes at most 301 seconds after the one before

    @known-defect
    Examples: the doc's firmware
      | firmware |
      | seed     |

    Examples: the corrected firmware
      | firmware |
      | fixed    |
