Feature: Publishing while the cloud connection is down
  The firmware publishes only while Particle.connected(): with the cloud connection down nothing is sent and
  nothing is logged. When the connection comes back an overdue periodic publish goes out on the next loop().

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish

  @L1 @fault @needs:device-control
  Scenario: Nothing is published while the cloud connection is down
    When the device loses its cloud connection
    And 6 minutes pass
    Then the device has published 1 time
    And nothing was published or logged as sent while the cloud connection was down

  @L1 @fault @timing @needs:device-control
  Scenario: The overdue periodic publish goes out right after the connection comes back
    When the device loses its cloud connection
    And 6 minutes pass
    And the cloud connection comes back after 10 seconds
    And 1 second passes
    Then the device has published 2 times
    And the last publish went out within 1 second of the reconnect
    And Blynk V14 holds the millis() of the last publish
