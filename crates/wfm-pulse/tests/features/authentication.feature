Feature: Authentication and roles
  People sign in with a bearer token that names their role; systems use API keys.
  Viewers read, managers change the contact center's structure, admins manage access,
  and an integration key may only push data.

  Background:
    Given a site "Moscow" with a service "Retail"

  Scenario: Nobody gets in without credentials
    Given I am not signed in
    When I open the list of groups
    Then I am turned away as unauthorized

  Scenario: An expired token no longer opens the door
    Given my token as a manager expired an hour ago
    When I open the list of groups
    Then I am turned away as unauthorized

  Scenario Outline: Each role reaches what it needs and no further
    Given I am signed in as a <role>
    When I open the list of groups
    Then the answer is <read>
    When I create a site "Kazan"
    Then the answer is <write>

    Examples:
      | role        | read      | write     |
      | viewer      | ok        | forbidden |
      | supervisor  | ok        | forbidden |
      | manager     | ok        | created   |
      | admin       | ok        | created   |
      | integration | forbidden | forbidden |

  Scenario: A system reads with an API key until an admin revokes it
    Given I am signed in as an admin
    When I make an API key "wallboard" for a viewer
    Then the key is shown to me once
    When the wallboard opens the list of groups with its key
    Then the answer is ok
    When I revoke the key "wallboard"
    And the wallboard opens the list of groups with its key
    Then I am turned away as unauthorized
