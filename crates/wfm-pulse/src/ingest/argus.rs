//! The incumbent's status push contract (`POST /ccwfm/api/rest/status`), field for field:
//! one object or an array of `{workerId, stateName, stateCode, systemId, actionTime, action}`.

use serde::Deserialize;
use utoipa::ToSchema;

/// One status change as a contact-center platform sends it. All fields are required.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    /// The operator's login in the platform.
    pub worker_id: String,
    /// Status name, e.g. "Technical break".
    pub state_name: String,
    /// Status code, mapped to a state by the state map.
    pub state_code: String,
    /// The sending system.
    pub system_id: String,
    /// When it happened, Unix seconds.
    pub action_time: i64,
    /// 1 = the operator enters the status, 0 = leaves it.
    pub action: u8,
}

impl StatusChange {
    /// A stable id, so that a platform re-sending the same change is a duplicate.
    pub fn event_id(&self) -> String {
        format!(
            "argus:{}:{}:{}:{}:{}",
            self.system_id, self.worker_id, self.state_code, self.action_time, self.action
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_example() {
        let body = r#"{"workerId": "1", "stateName": "Technical break", "stateCode": "Break",
                       "systemId": "External system", "actionTime": 1568816347, "action": 1}"#;
        let s: StatusChange = serde_json::from_str(body).unwrap();
        assert_eq!(s.worker_id, "1");
        assert_eq!(s.state_code, "Break");
        assert_eq!(s.action_time, 1_568_816_347);
        assert_eq!(s.event_id(), "argus:External system:1:Break:1568816347:1");
    }
}
