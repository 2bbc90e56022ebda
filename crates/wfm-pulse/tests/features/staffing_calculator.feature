Feature: Staffing calculator
  Analysts size a group for a load with Erlang C: agents on line for a service-level
  target under an occupancy cap, and staff to schedule after shrinkage.

  Background:
    Given I am signed in as a viewer

  Scenario: The textbook case
    When I size 100 calls in 30 minutes with an AHT of 180 seconds for 80/20
    Then 14 agents are needed on line
    And they answer 88.8% of calls within target
    And the average speed of answer is 7.8 seconds
    And their occupancy is 71.4%

  Scenario: Shrinkage decides how many to schedule
    When I size 100 calls in 30 minutes with an AHT of 180 seconds for 80/20 with 30% shrinkage and occupancy at most 85%
    Then 14 agents are needed on line
    And 20 must be scheduled

  Scenario: An occupancy cap can ask for more agents than the target does
    When I size 100 calls in 30 minutes with an AHT of 180 seconds for 80/20 with 0% shrinkage and occupancy at most 60%
    Then 17 agents are needed on line

  Scenario: No calls need no agents
    When I size 0 calls in 30 minutes with an AHT of 180 seconds for 80/20
    Then 0 agents are needed on line

  Scenario: A target of 100% can never be met
    When I size 100 calls in 30 minutes with an AHT of 180 seconds for 100/20
    Then the request is refused naming the field "target_percent"
