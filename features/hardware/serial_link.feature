@L1 @serial @needs:serial-port
Feature: The harness's serial link to the board
  A lab engineer's board resets, is flashed, or has its cable pulled; its USB serial port goes away and comes back.
  The serial bridge follows it: it reopens the port with backoff, records the gap in the journal, and keeps every line.
  Only a target whose board has a real port runs them (the hardware target; scripts/hardware-selftest.sh puts a board
  behind a tty): the emulator's serial is in-process, there is nothing to pull.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish

  @smoke
  Scenario: The serial link comes back after the board's USB port went away, with the gap in the journal
    When the board's USB serial port goes away for 2 seconds
    And blynk_led is called with "off" through the Particle API
    Then the journal shows the serial link lost and back after a gap of about 2 seconds
    And the serial log shows a publish made after the gap
