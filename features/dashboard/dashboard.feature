@L3 @L4 @L5 @L6 @echo @needs:browser @needs:led-readback @needs:cloud-internals
Feature: Blynk web dashboard in a real browser
  What the user sees: the device's Blynk web dashboard, in a real browser. Flipping its V16 switch writes V16 on
  Blynk; the Blynk webhook POSTs the value to the Particle function blynk_led, the firmware sets its D7 LED and
  republishes, and the dashboard's LED widget (V17) follows. The doc's Blynk webhook may run once a minute, so the
  switch goes off again only after a minute. Screenshots of the dashboard go into the report.

  Background:
    Given the standard lab: a Boron running the seed firmware, the doc's Particle webhook and the doc's Blynk template
    And the device has made its boot publish

  Scenario: The V16 switch on the dashboard lights the LED widget after the round trip, and darkens it again
    When the device's dashboard is opened in the browser
    Then the dashboard shows the boot publish in V6 and V14, and V15 as "3.14"
    And the dashboard shows the device "Offline" with its Last Update
    When the user flips the V16 switch on in the dashboard
    Then the LED widget on the dashboard lights up
    And the D7 LED is on
    And Blynk V17 is 1
    And a screenshot of the dashboard goes into the report
    When 1 minute passes
    And the user flips the V16 switch off in the dashboard
    Then the LED widget on the dashboard goes dark
    And the D7 LED is off
    And Blynk V17 is 0
    And a screenshot of the dashboard goes into the report
