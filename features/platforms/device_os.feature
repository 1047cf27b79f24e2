@L1 @needs:device-control
Feature: Device OS version of the board
  Each board runs a Device OS version: by default the last line its platform is supported on (Core 1.x, Gen 2
  boards 2.x, Gen 3 and later 6.2.1; docs/platforms.md), or the one a scenario picks. The version decides when the
  doc's firmware runs: it uses AUTOMATIC mode without SYSTEM_THREAD(ENABLED), so before Device OS 6.2 setup() runs
  only once the cloud is connected and loop() only while it is; from 6.2 the system thread is always on and both
  run before the cloud connects (contracts.md §10).

  Scenario Outline: Unless the scenario picks another Device OS, the <board> runs <version>
    Given a <board> on its default Device OS
    When the device powers on and 10 seconds pass
    Then the serial log shows "Device OS v<version>"
    And the device has published 1 time

    Examples: the boards the integration doc names
      | board        | version |
      | Tracker One  | 6.2.1   |
      | Tracker SoM  | 6.2.1   |
      | Boron        | 6.2.1   |
      | B Series SoM | 6.2.1   |
      | Photon 2     | 6.2.1   |
      | P2           | 6.2.1   |
      | Argon        | 6.2.1   |
      | Photon       | 2.3.1   |
      | Electron     | 2.3.1   |
      | E Series     | 2.3.1   |
      | Core         | 1.4.4   |

  Scenario Outline: The <board> flashed with Device OS <version> says so on serial
    Given a <board> on Device OS <version>
    When the device powers on and 10 seconds pass
    Then the serial log shows "Device OS v<version>"

    Examples:
      | board    | version |
      | Boron    | 4.2.0   |
      | Boron    | 5.9.0   |
      | Photon 2 | 5.9.0   |
      | Photon   | 1.5.2   |

  @timing @needs:virtual-time
  Scenario Outline: On Device OS <version> setup() <when> (cloud connected 5 s after power-on)
    Given a <board> on Device OS <version>
    And the cloud connects 5 seconds after power-on
    When the device powers on and 4 seconds pass
    Then the number of serial lines "Setup complete" is <before>
    When 3 seconds pass
    Then the number of serial lines "Setup complete" is 1

    Examples: before 6.2 the application waits for the cloud
      | board  | version | when                        | before |
      | Photon | 2.3.1   | waits for the cloud         | 0      |
      | Boron  | 4.2.0   | waits for the cloud         | 0      |
      | Boron  | 6.1.1   | waits for the cloud         | 0      |

    Examples: from 6.2 the system thread is always on
      | board    | version | when                       | before |
      | Boron    | 6.2.0   | runs before the cloud      | 1      |
      | Boron    | 6.2.1   | runs before the cloud      | 1      |
      | Photon 2 | 6.2.1   | runs before the cloud      | 1      |

  @timing
  Scenario Outline: The boot publish of the <board> on Device OS <version> is made when the cloud connects late
    Before 6.2 setup() and the first loop() wait for the cloud, so the seed's boot publish goes out once connected.
    From 6.2 the first loop runs offline and clears the flag: the known defect seed-boot-publish-lost.

    Given a <board> on Device OS <version>
    And the cloud connects 5 seconds after power-on
    When the device powers on and 10 seconds pass
    Then the device has published 1 time

    Examples: before 6.2 (the defect does not reproduce)
      | board    | version |
      | Photon   | 2.3.1   |
      | Electron | 2.3.1   |
      | Core     | 1.4.4   |
      | Boron    | 4.2.0   |

    @known-defect @defect:seed-boot-publish-lost
    Examples: from 6.2 (the defect reproduces)
      | board    | version |
      | Boron    | 6.2.1   |
      | Photon 2 | 6.2.1   |
      | Argon    | 6.2.1   |
