@fleet
Feature: A fleet of boards on one Particle account and one Blynk organisation
  Many boards run the doc's firmware at once. All of them publish through the account's one Particle webhook; each
  publish carries its board's token, so it lands on that board's own Blynk device; each Blynk device has its own V16
  webhook back to its own board. The report shows one row per board (publishes, delivered, failed, skipped, Blynk
  webhooks, dropped by the quota, last V14, LED) and the journal's diagram of board 1, not a diagram per board.

  What the clouds do with many boards (contracts.md §3.4 and §7):
  - Particle places no limit on the rate at which a webhook is triggered: a burst is delivered, not throttled.
  - Particle throttles per target host name, across every board and account, once errors outnumber successes.
    UNCONFIRMED: the window, the error count and the cooldown are the mock's (60 s, 3 errors, 5 s; docs/contract-choices.md);
    skipped events are discarded.
  - Blynk's webhook quota counts per webhook; with the doc's "Device Datastream Update" webhook, one per device, it
    counts per board, not for the whole organisation (the doc's 1 per minute).

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template

  @L1 @L2 @L3 @payload @needs:fleet @needs:cloud-internals @needs:virtual-time
  Scenario: 200 boards booting at one instant: every publish reaches the board's own Blynk device
    Given a fleet of 200 Borons on the doc's firmware
    When the fleet powers on and 6 minutes pass
    Then every board has published 2 times
    And every board's publishes were delivered to its own Blynk device
    And each board's Blynk device holds V6, V14, V15, V16 and V17 of that board's last publish
    And Particle skipped none of the fleet's webhook calls

  @L2 @fault @needs:fleet @needs:cloud-internals @needs:device-control @needs:virtual-time
  Scenario: Three boards with unknown tokens that power on first make Particle skip every other board's publish
    Three 400 "Invalid token." answers in a row put ny3.blynk.cloud to sleep for the whole account: the healthy
    boards that publish within the cooldown are skipped too.

    Given a fleet of 200 Borons on the doc's firmware
    And the first 3 boards are flashed with a token Blynk does not know
    And the fleet's boards get power 20 ms apart
    When the fleet powers on and 1 minute passes
    Then every board has published 1 time
    And the webhook calls of boards 1 to 3 were rejected by Blynk
    And the webhook calls of boards 4 to 200 were skipped with the hook-error "Sleeping, too many errors, please wait and try again"
    And no Blynk device of boards 4 to 200 received a value

  @L3 @L4 @L5 @L6 @echo @timing @needs:fleet @needs:cloud-internals @needs:led-readback @needs:virtual-time
  Scenario: Blynk's webhook quota is per board: a switch on every board goes through, a second one on board 1 does not
    Given a fleet of 20 Borons on the doc's firmware
    When the fleet powers on and 10 seconds pass
    And V16 is switched to 1 in the app on every board
    And 30 seconds pass
    And V16 is switched to 0 in the app on board 1
    Then the V16 webhook of every board ran 1 time
    And the quota dropped 1 V16 webhook of board 1 and none of any other board
    And the D7 LED is on on every board
    And V17 is "1" on every board's Blynk device
