//! The incumbent's contact-center REST contract, the part the WFM pulls: `/personnel`,
//! `/historic/*` and `/online/*`, with the contract's field names and units (durations in
//! milliseconds, instants as ISO 8601 with offset). The simulator serves these shapes;
//! the connector reads them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const PERSONNEL: &str = "/personnel";
pub const SERVICE_GROUP_DATA: &str = "/historic/serviceGroupData";
pub const AGENT_STATUS_DATA: &str = "/historic/agentStatusData";
pub const AGENT_LOGIN_DATA: &str = "/historic/agentLoginData";
pub const AGENT_CALLS_DATA: &str = "/historic/agentCallsData";
pub const AGENT_STATUS: &str = "/online/agentStatus";
pub const GROUPS_ONLINE_LOAD: &str = "/online/groupsOnlineLoad";

/// `ACTIVE` or `INACTIVE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Active,
    Inactive,
}

/// `/personnel`: services with their groups, and the agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Personnel {
    pub services: Vec<Service>,
    #[serde(default)]
    pub agents: Vec<Agent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub id: String,
    pub name: String,
    pub status: Status,
    #[serde(default)]
    pub service_groups: Vec<ServiceGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceGroup {
    pub id: String,
    pub name: String,
    pub status: Status,
    /// CHATS, MAILS, INCOMING_CALLS, OUTGOING_CALLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_number: Option<String>,
    pub agent_groups: Vec<AgentGroup>,
    #[serde(default, rename = "loginSSO", skip_serializing_if = "Option::is_none")]
    pub login_sso: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentGroup {
    pub group_id: String,
}

/// `/historic/serviceGroupData`: one group's intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceGroupHistoricData {
    pub service_id: String,
    pub group_id: String,
    pub historic_data: Vec<HistoricData>,
}

/// One interval of a group, counted by contact start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoricData {
    pub start_interval: DateTime<Utc>,
    pub end_interval: DateTime<Utc>,
    pub not_unique_received: u64,
    pub not_unique_treated: u64,
    pub not_unique_missed: u64,
    pub received_calls: u64,
    pub treated_calls: u64,
    pub miss_calls: u64,
    /// Mean ring + talk + hold of the treated contacts, ms.
    pub aht: u64,
    /// Mean wrap-up + rest after the treated contacts, ms.
    pub post_processing: u64,
}

/// `/historic/agentStatusData`: an agent's statuses within a group (or none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    pub agent_id: String,
    pub states: Vec<StateSpan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateSpan {
    pub start_date: DateTime<Utc>,
    pub end_date: DateTime<Utc>,
    pub state_code: String,
    pub state_name: String,
}

/// `/historic/agentLoginData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentLogins {
    pub agent_id: String,
    pub logins: Vec<Login>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Login {
    pub login_date: DateTime<Utc>,
    pub logout_date: DateTime<Utc>,
    /// ms.
    pub duration: u64,
}

/// `/historic/agentCallsData`: an agent's contacts within a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentCalls {
    pub agent_id: String,
    pub service_id: String,
    pub group_id: String,
    pub agent_calls: Vec<AgentCall>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentCall {
    pub start_call: DateTime<Utc>,
    pub end_call: DateTime<Utc>,
    /// ms.
    pub duration: u64,
}

/// `/online/agentStatus`: an active agent's status now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentOnlineStatus {
    pub agent_id: String,
    pub state_code: String,
    pub state_name: String,
    pub start_date: DateTime<Utc>,
}

/// `/online/groupsOnlineLoad`: a group's day so far and its queue now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupOnlineLoad {
    pub service_id: String,
    pub group_id: String,
    /// Contacts in the queue now.
    pub call_number: u64,
    /// Operators working on the group or waiting for its contacts.
    pub operator_number: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_received: Option<u64>,
    /// Mean talk (+ hold) of the day's handled contacts, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aht: Option<u64>,
    /// Processed / received, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acd: Option<f64>,
    /// Mean wait of the day's answered contacts, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awt: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_answered: Option<u64>,
    /// Answered within the target wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_answered_tst: Option<u64>,
    /// Contacts with an agent now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_processing: Option<u64>,
}

/// `/historic/agentChatsWorkTime` (chat platforms only; not served for voice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentChatsWorkTime {
    pub agent_id: String,
    pub work_date: NaiveDate,
    pub work_time: u64,
}

/// The contract's error body (400 and 500): the same shape as 1C ZUP's.
pub use crate::integrations::zup::contract::ErrorBody;
