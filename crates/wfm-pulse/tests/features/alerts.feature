Feature: Threshold alerts from the rules installed on first start
  Supervisors hear about trouble once, with what was breached and what to do. Each rule the
  scenarios list (critical understaffing, service-level breach, system overload, extended
  outage) fires once when a feed breaches it, is acknowledged, and resolves by itself when
  the feed recovers. The rules are told to act within a second so that the scenarios run
  fast; their thresholds are the installed ones.

  Background:
    Given a site "Moscow" with a service "Retail"
    And a voice group "Line 1" with 4 operators planned on line all day
    And the alert rules act within a second
    And I am signed in as a supervisor

  Scenario: Critical understaffing: operators online below 70%
    When 2 of the 4 operators of "Line 1" get ready
    Then one "Critical understaffing" alert fires for "Line 1", and only one
    And the alert says what was breached, the values, what to do and when it escalates
    When I acknowledge the alert
    Then the alert is acknowledged by me
    When 4 of the 4 operators of "Line 1" get ready
    Then the alert resolves by itself

  Scenario: Service-level breach: below 70% of calls answered within 20 seconds
    Given 4 of the 4 operators of "Line 1" get ready
    When 3 calls to "Line 1" wait 60 seconds before an answer
    Then one "Service level breach" alert fires for "Line 1", and only one
    When I acknowledge the alert
    Then the alert is acknowledged by me
    When 30 calls to "Line 1" are answered at once
    Then the alert resolves by itself

  Scenario: System overload: more than 20 calls waiting
    Given 4 of the 4 operators of "Line 1" get ready
    When 21 calls to "Line 1" are waiting
    Then one "System overload" alert fires for "Line 1", and only one
    When I acknowledge the alert
    Then the alert is acknowledged by me
    When the waiting calls of "Line 1" hang up
    Then the alert resolves by itself

  Scenario: Extended outage: no data for 10 minutes
    When the last event from the contact center was 11 minutes ago
    Then one "Extended outage" alert fires for the site "Moscow", and only one
    When I acknowledge the alert
    Then the alert is acknowledged by me
    When 4 of the 4 operators of "Line 1" get ready
    Then the alert resolves by itself
