//! The registry's entries as a first start installs them: 1C ZUP pointed at the simulator,
//! and the contact-center platform with its pushes.

use super::{
    CircuitPolicy, DailySync, Endpoint, FieldMapping, HealthPolicy, RetryPolicy, SystemConfig,
    WorkflowStage,
};

fn endpoint(
    name: &str,
    method: &str,
    path: &str,
    direction: &str,
    frequency: &str,
    description: &str,
) -> Endpoint {
    Endpoint {
        name: name.into(),
        method: method.into(),
        path: path.into(),
        direction: direction.into(),
        frequency: frequency.into(),
        enabled: true,
        description: description.into(),
    }
}

fn mapping(source: &str, target: &str, note: &str) -> FieldMapping {
    FieldMapping {
        source: source.into(),
        target: target.into(),
        note: note.into(),
    }
}

fn stage(stage: u32, name: &str, operation: &str, description: &str) -> WorkflowStage {
    WorkflowStage {
        stage,
        name: name.into(),
        operation: operation.into(),
        description: description.into(),
    }
}

/// 1C ZUP as installed on first start: the simulator's address and credentials
/// (`wfm-pulse sim zup`); an admin points it at the real service.
pub fn default_zup() -> SystemConfig {
    SystemConfig {
        system: "zup".into(),
        name: "1C:ZUP 3.1 (HTTP service wfm_Energosbyt_ExchangeWFM)".into(),
        base_url: "http://127.0.0.1:8090/zup/hs/wfm".into(),
        username: Some("WFMSystem".into()),
        password: Some("wfm-sim".into()),
        timeout_ms: 10_000,
        retry: RetryPolicy::default(),
        circuit: CircuitPolicy::default(),
        endpoints: vec![
            endpoint(
                "agents",
                "GET",
                "/agents/{startDate}/{endDate}",
                "inbound",
                "daily at 03:00 and on request",
                "Departments, employees and vacation balances",
            ),
            endpoint(
                "getNormHours",
                "POST",
                "/getNormHours",
                "inbound",
                "on request, after personnel sync",
                "Norm hours by the production calendar",
            ),
            endpoint(
                "sendSchedule",
                "POST",
                "/sendSchedule",
                "outbound",
                "on request",
                "Work schedules: Individual schedules in 1C",
            ),
            endpoint(
                "getTimetypeInfo",
                "POST",
                "/getTimetypeInfo",
                "inbound",
                "on request",
                "Time types of the timesheet",
            ),
            endpoint(
                "sendFactWorkTime",
                "POST",
                "/sendFactWorkTime",
                "outbound",
                "on confirmation of a deviation",
                "Actual work time; 1C creates deviation documents",
            ),
        ],
        field_mappings: vec![
            mapping(
                "agentId",
                "zup employee id",
                "1C's UID, the key of the link to the WFM agent",
            ),
            mapping("tabN", "personnel_number", ""),
            mapping(
                "lastname + firstname + secondname",
                "full_name",
                "joined with spaces",
            ),
            mapping(
                "Login",
                "external_id",
                "the contact-center login; tabN when 1C has none",
            ),
            mapping(
                "departmentId",
                "primary_group_id",
                "child departments map to groups, top-level ones to services",
            ),
            mapping(
                "finishwork",
                "active",
                "inactive from the day after termination",
            ),
            mapping(
                "area",
                "site_id",
                "the site of that name, else the first site",
            ),
            mapping(
                "normWeek, normWeekChangeDate",
                "AR_norms of getNormHours",
                "",
            ),
        ],
        workflow: vec![
            stage(
                1,
                "personnel",
                "personnel_sync",
                "Load departments, positions, employees and vacation balances (agents)",
            ),
            stage(
                2,
                "norm hours",
                "norm_hours",
                "Request norm hours for the employees' weekly norms (getNormHours)",
            ),
            stage(
                3,
                "schedules",
                "schedule_upload",
                "Upload work schedules (sendSchedule)",
            ),
            stage(
                4,
                "timesheet",
                "timetype_fetch",
                "Read time types for the timesheet (getTimetypeInfo)",
            ),
            stage(
                5,
                "deviations",
                "fact_worktime_upload",
                "Report actual work time; 1C creates documents (sendFactWorkTime)",
            ),
        ],
        daily_sync: Some(DailySync {
            enabled: true,
            at: "03:00".into(),
            time_zone: "Europe/Moscow".into(),
        }),
        health: HealthPolicy::default(),
    }
}

/// The contact-center platform as wfm-pulse speaks with it: its pushes come in, its
/// `/online/*` and `/historic/*` answers are read.
pub fn default_contact_center() -> SystemConfig {
    SystemConfig {
        system: "contact_center".into(),
        name: "Contact-center platform (Argus contact-center REST contract)".into(),
        base_url: "http://127.0.0.1:8091/ccwfm/api/rest".into(),
        username: None,
        password: None,
        timeout_ms: 5_000,
        retry: RetryPolicy::default(),
        circuit: CircuitPolicy::default(),
        endpoints: vec![
            endpoint(
                "status",
                "POST",
                "/ccwfm/api/rest/status",
                "inbound",
                "push, real time",
                "Operator status changes pushed to wfm-pulse",
            ),
            endpoint(
                "events",
                "POST",
                "/api/v1/events",
                "inbound",
                "push, real time",
                "Call and operator events (native feed)",
            ),
            Endpoint {
                enabled: false,
                ..endpoint(
                    "personnel",
                    "GET",
                    "/personnel",
                    "inbound",
                    "hourly, when enabled",
                    "Services, groups and agents: those wfm-pulse lacks are created",
                )
            },
            Endpoint {
                enabled: false,
                ..endpoint(
                    "agentStatus",
                    "GET",
                    "/online/agentStatus",
                    "inbound",
                    "polled, every contact_center_poll_seconds (15 s)",
                    "Operator statuses now, polled when enabled (a platform that does not push)",
                )
            },
            Endpoint {
                enabled: false,
                ..endpoint(
                    "groupsOnlineLoad",
                    "GET",
                    "/online/groupsOnlineLoad",
                    "inbound",
                    "polled, every contact_center_poll_seconds (15 s)",
                    "Each group's day so far and its queue, polled when enabled: SL, ACD, AHT from counts",
                )
            },
            endpoint(
                "queue_log",
                "FILE",
                "/var/log/asterisk/queue_log",
                "inbound",
                "followed, real time",
                "Asterisk's queue_log, followed when the queue_log setting names the file \
                 (wfm-pulse config shows it)",
            ),
        ],
        field_mappings: vec![
            mapping("workerId", "agent external_id", "the operator's login"),
            mapping("stateCode", "state map", "PUT /api/v1/ingest/state-map"),
            mapping(
                "actionTime",
                "event time",
                "Unix time in seconds (the contract's Unix Time Stamp)",
            ),
            mapping("group", "group external_id", ""),
            mapping(
                "queue_log queue",
                "group external_id",
                "Asterisk's queue name",
            ),
            mapping(
                "queue_log agent",
                "agent external_id",
                "the member name, or its login in the queue_log_members file",
            ),
            mapping(
                "queue_log PAUSE reason",
                "state map",
                "an unknown reason is not ready",
            ),
        ],
        workflow: vec![
            stage(
                1,
                "structure",
                "groups and agents",
                "Groups and operators known by their contact-center codes",
            ),
            stage(
                2,
                "live",
                "status",
                "Status pushes, call events and the queue_log feed the live indicators",
            ),
        ],
        daily_sync: None,
        health: HealthPolicy::default(),
    }
}
