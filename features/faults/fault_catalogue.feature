@fault @needs:fault-injection
Feature: The fault catalogue: every leg under the failures a real setup meets
  One scenario per fault of docs/faults.md, injected through one step, on every target that can inject it. Each
  shows what the loop does with the fault and that the journal accounts for it: the fault's own hop (when it was in
  force), and what became of each request — rejected, failed, timed out, dropped by a quota, refused by the rate
  limiter, or lost with its reason. Bodies marked UNCONFIRMED in contracts.md are the mocks' documented choices.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish

  @L4 @needs:cloud-internals
  Scenario: A Particle API answering 503 makes the V16 webhook fail, and the loop works again once it is back
    Given the Particle API answers 503 for 2 minutes
    When the V16 switch is turned on in the Blynk app
    Then the Blynk webhook got 503 {"ok":false,"error":"Service Unavailable"}
    And Blynk V17 is 0
    And the journal shows the fault ParticleApiError injected
    When 2 minutes pass
    And the V16 switch is turned off in the Blynk app
    And 1 minute passes
    And the V16 switch is turned on in the Blynk app
    Then Blynk V17 is 1

  @L4 @needs:cloud-internals
  Scenario: A Particle API answering 429 makes the V16 webhook fail and the LED stays off
    Given the Particle API answers 429 for 2 minutes
    When the V16 switch is turned on in the Blynk app
    Then the Blynk webhook got 429 {"ok":false,"error":"Too Many Requests"}
    And Blynk V17 is 0

  @L4 @needs:cloud-internals
  Scenario: An unreachable Particle API is a failed V16 webhook
    Given the Particle API drops every connection for 2 minutes
    When the V16 switch is turned on in the Blynk app
    Then the Blynk webhook failed 1 times
    And Blynk V17 is 0

  @L4 @L5 @timing @needs:cloud-internals
  Scenario: A Particle API slower than the Blynk webhook's timeout is a failed webhook, and the call is abandoned
    Blynk's webhook timeout is UNCONFIRMED (the mock waits 10 s). The webhook gives up first; the call never
    reaches the device, so the LED and V17 stay off.

    Given the Particle API takes 15 seconds to answer
    When the V16 switch is turned on in the Blynk app
    And 20 seconds pass
    Then the Blynk webhook failed 1 times
    And Blynk V17 is 0

  @L1 @L6
  Scenario: A dropped event stream: a reader misses what was published meanwhile, the loop does not
    Particle keeps no backlog for the event stream: a reader that reconnects gets only what is published after.
    Webhooks do not read the stream, so Blynk still stores every publish.

    Given a reader follows the account's Particle event stream
    And the Particle event stream drops for 30 seconds
    When blynk_led is called with "on" through the Particle API
    And 30 seconds pass
    Then Blynk V17 is 1
    When the reader has its stream back
    And blynk_led is called with "off" through the Particle API
    Then the reader lost the stream and got it back
    And the reader missed the republish made while the stream was down, and received the one after
    And Blynk V17 is 0

  @L2 @needs:cloud-internals
  Scenario: Blynk answering 503 makes the Particle webhook fail with a hook-error
    Given Blynk answers 503 for 10 minutes
    When 6 minutes pass
    Then the webhook call was rejected with 503
    And Particle published the hook-error "error status 503 from ny3.blynk.cloud"
    And the journal shows the fault BlynkError injected

  @L2 @needs:cloud-internals
  Scenario: Blynk answering 429 makes the Particle webhook fail with a hook-error
    Given Blynk answers 429 for 10 minutes
    When 6 minutes pass
    Then the webhook call was rejected with 429
    And Particle published the hook-error "error status 429 from ny3.blynk.cloud"

  @L5 @timing
  Scenario: A board too busy to run a function call in time: the cloud times the call out
    Calls run between two loop() iterations; while loop() is blocked they wait, and the cloud gives up (the timeout
    and its answer are UNCONFIRMED: the mock's 30 s and 400 "Timed out.", as Blynk's guide observed). Device OS's
    system thread has queued the call: once the thread is free the function runs anyway, and V17 echoes it.

    Given the board's application thread is blocked for 40 seconds, so no loop runs
    When blynk_led is called with "on" through the Particle API
    Then the call answers 400 with body {"ok":false,"error":"Timed out."}
    When 15 seconds pass
    Then Blynk V17 is 1

  @L4 @needs:cloud-internals
  Scenario: With the V16 webhook's quota used up, the switch is dropped and never reaches the device
    Given the V16 webhook's quota is used up
    When the V16 switch is turned on in the Blynk app
    Then the Blynk webhook was dropped by the quota
    And Blynk V17 is 0
