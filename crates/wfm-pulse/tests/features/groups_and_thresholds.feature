Feature: Configuring groups and thresholds
  A group carries its service-level target and, per indicator, the acceptable and
  critical boundaries that turn its dashboard yellow and red (separately for decline
  and growth), as in the incumbent's threshold settings.

  Background:
    Given a site "Moscow" with a service "Retail"
    And I am signed in as a manager

  Scenario: A new group starts from the standard settings
    When I create a group "Line 1" in the service "Retail"
    Then the group "Line 1" answers 80% of calls within 20 seconds
    And the thresholds of "Line 1" are
      | indicator            | side    | acceptable | critical |
      | operators_online     | floor   | 80         | 70       |
      | load_deviation       | decline | 10         | 20       |
      | load_deviation       | growth  | 10         | 20       |
      | operator_requirement | decline | 1          | 3        |
      | operator_requirement | growth  | 1          | 3        |
      | service_level        | decline | 5          | 10       |
      | acd                  | decline | 5          | 10       |
      | acd                  | growth  | 5          | 10       |
      | aht_trend            | decline | 10         | 20       |
      | aht_trend            | growth  | 10         | 20       |

  Scenario: A manager tightens the service-level thresholds and the change is on record
    Given a group "Line 1" in the service "Retail"
    When I set the service_level decline thresholds of "Line 1" to 3 and 6
    Then the thresholds of "Line 1" are
      | indicator     | side    | acceptable | critical |
      | service_level | decline | 3          | 6        |
    And the audit log shows my update of "Line 1" with the critical boundary going from 10 to 6

  Scenario: Boundaries in the wrong order are refused and nothing changes
    Given a group "Line 1" in the service "Retail"
    When I set the acd decline thresholds of "Line 1" to 9 and 4
    Then the request is refused naming the field "thresholds.acd.decline.critical"
    And the thresholds of "Line 1" are
      | indicator | side    | acceptable | critical |
      | acd       | decline | 5          | 10       |

  Scenario: A group must belong to a service that exists
    When I create a group "Lost" in a service that does not exist
    Then the request is refused naming the field "service_id"
    And there are no groups
