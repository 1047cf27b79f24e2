@L2 @L3 @L4 @L6 @echo
Feature: V16 feedback from the republish
  Every republish writes V16 through the Particle webhook (batch/update). Whether a write through Blynk's HTTPS API
  fires the V16 webhook is UNCONFIRMED (docs/contract-choices.md, probe blynk.webhook.fires-on-http-write); the
  mock's default says it does, when the value changes. Then a function call made outside Blynk comes back: the
  republish turns V16 on, and Blynk calls blynk_led with it a few tens of milliseconds later. Each case runs
  under both choices, so the report shows what the run depends on.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template

  @timing @unconfirmed:blynk.webhook.fires-on-http-write @needs:cloud-internals @needs:virtual-time
  Scenario Outline: The republish of a console call comes back from Blynk as a blynk_led call (<choice>)
    The user turns the LED on from the Particle console. The republish changes V16 to 1; when that fires the V16
    webhook, Blynk calls blynk_led "1" back within tens of milliseconds. An "off" the user sends inside that window
    reaches the device before the call back and is overridden: the device ends up on.

    Given an HTTP-API write that changes V16 <choice> the V16 webhook
    And the device has made its boot publish
    When blynk_led is called with "on" through the Particle API
    And 5 seconds pass
    Then the Blynk webhook called blynk_led back <calls back> times, at most 40 ms after the call
    And Blynk V16 is 1

    Examples:
      | choice        | calls back |
      | fires         | 1          |
      | does not fire | 0          |

  @timing @unconfirmed:blynk.webhook.fires-on-http-write @needs:cloud-internals @needs:led-readback @needs:virtual-time
  Scenario Outline: An "off" right after an "on" is overridden when Blynk's call back comes after it (<choice>, <delay> ms)
    The window is the time Blynk takes to send its webhook after V16 changes — not documented (docs/contract-choices.md;
    the mock's default is at once). The user turns the LED on from the Particle console and at once off again. When
    the call back of the "on" republish reaches the device after the "off", it turns the LED on again: the "off" is
    lost. Its own republish changed V16 back to 0, but the minute's quota was spent by the "on": Blynk drops that
    webhook. With no delay the call back arrives first and the "off" wins.

    Given an HTTP-API write that changes V16 <choice> the V16 webhook
    And Blynk's webhook request goes out <delay> ms after the datastream changes
    And the device has made its boot publish
    When blynk_led is called with "on" through the Particle API
    And blynk_led is called with "off" through the Particle API
    And 5 seconds pass
    Then the Blynk webhook called blynk_led back <calls back> times, at most 200 ms after the call
    And the D7 LED is <led>
    And Blynk V16 is <v16>
    And Blynk V17 is <v16>

    Examples:
      | choice        | delay | calls back | led | v16 |
      | fires         | 100   | 1          | on  | 1   |
      | fires         | 0     | 1          | off | 0   |
      | does not fire | 100   | 0          | off | 0   |
      | does not fire | 0     | 0          | off | 0   |

  @timing @unconfirmed:blynk.webhook.fires-on-http-write @needs:cloud-internals @needs:led-readback @needs:virtual-time
  Scenario Outline: The republish's webhook spends the quota: a switch flip within the minute is dropped (<choice>)
    The doc's quota is one webhook a minute. When the republish of a console call fires the V16 webhook, the
    user's next flip of the switch inside that minute is dropped and the LED stays as the call left it.

    Given an HTTP-API write that changes V16 <choice> the V16 webhook
    And the device has made its boot publish
    When blynk_led is called with "on" through the Particle API
    And 30 seconds pass
    And the V16 switch is turned off in the Blynk app
    And 5 seconds pass
    Then the D7 LED is <led>
    And Blynk V17 is <v17>

    Examples:
      | choice        | led | v17 |
      | fires         | on  | 1   |
      | does not fire | off | 0   |
