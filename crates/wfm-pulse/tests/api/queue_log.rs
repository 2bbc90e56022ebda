//! Asterisk's queue_log followed end to end: a file written as Asterisk writes it, rotated
//! mid-call with a truncated last line, feeds the indicators with figures counted by hand;
//! a restart resumes where the last one stopped, with nothing lost and nothing taken twice.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

use crate::common;
use common::center::{group_figures, indicator, operator_state, set_up};
use common::{TestServer, eventually};

/// A queue_log and the members file beside it, in a directory of the test's own.
struct Files {
    dir: PathBuf,
    /// Unix seconds the scripted lines count from.
    t0: i64,
}

impl Files {
    fn new() -> Files {
        let dir = std::env::temp_dir().join(format!("wfm-queue-log-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("members.csv"), "member,login\nPJSIP/101,op-1\n").unwrap();
        std::fs::write(dir.join("queue_log"), "").unwrap();
        Files {
            dir,
            t0: Utc::now().timestamp() - 900,
        }
    }

    fn log(&self) -> PathBuf {
        self.dir.join("queue_log")
    }

    fn settings(&self, data: &Path) -> Vec<(String, String)> {
        vec![
            ("WFM_QUEUE_LOG".into(), self.log().display().to_string()),
            (
                "WFM_QUEUE_LOG_MEMBERS".into(),
                self.dir.join("members.csv").display().to_string(),
            ),
            ("WFM_DATA_DIR".into(), data.display().to_string()),
        ]
    }

    /// Appends `lines` (`offset|callid|queue|agent|event|data`), stamped t0 + offset, as
    /// Asterisk appends them; `end` false leaves the last one without its line end.
    fn append(&self, lines: &str, end: bool) {
        let text: Vec<String> = lines
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (offset, rest) = l.split_once('|').unwrap();
                format!("{}|{rest}", self.t0 + offset.parse::<i64>().unwrap())
            })
            .collect();
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(self.log())
            .unwrap();
        let mut text = text.join("\n");
        if end {
            text.push('\n');
        }
        file.write_all(text.as_bytes()).unwrap();
    }

    /// Rotates as `logger rotate` does: renamed to queue_log.0, a new file begun with
    /// CONFIGRELOAD.
    fn rotate(&self) {
        std::fs::rename(self.log(), self.dir.join("queue_log.0")).unwrap();
        std::fs::write(
            self.log(),
            format!("{}|NONE|NONE|NONE|CONFIGRELOAD|\n", self.t0 + 200),
        )
        .unwrap();
    }
}

impl Files {
    /// The events every scripted line means, read in one go by the translator alone.
    fn meaning(&self) -> Vec<wfm_pulse::ingest::native::NativeEvent> {
        let reasons = std::collections::HashMap::from([(
            "ACW".to_string(),
            wfm_core::event::AgentState::WrapUp,
        )]);
        let members =
            std::collections::HashMap::from([("PJSIP/101".to_string(), "op-1".to_string())]);
        let mut t = wfm_pulse::ingest::queue_log::Translator::new(members, reasons);
        let mut events = Vec::new();
        for l in format!("{BEFORE_ROTATION}\n{AFTER_ROTATION}")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let (offset, rest) = l.split_once('|').unwrap();
            let line = format!("{}|{rest}", self.t0 + offset.parse::<i64>().unwrap());
            events.extend(t.read(&line).unwrap_or_default());
        }
        events.extend(t.flush());
        events
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn start(files: &Files, data: &Path) -> TestServer {
    let settings = files.settings(data);
    let settings: Vec<(&str, &str)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    TestServer::start_with(&settings).await
}

async fn map_acw_to_wrap_up(s: &TestServer) {
    let (_, map) = s
        .call(Method::GET, "/api/v1/ingest/state-map", Role::Viewer, None)
        .await;
    let mut codes = map["codes"].as_array().cloned().unwrap_or_default();
    codes.push(json!({"code": "ACW", "name": "After-call work", "state": "wrap_up"}));
    let (st, body) = s
        .call(
            Method::PUT,
            "/api/v1/ingest/state-map",
            Role::Admin,
            Some(json!({"codes": codes})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
}

async fn rejections(s: &TestServer) -> Vec<Value> {
    let (_, r) = s
        .call(Method::GET, "/api/v1/ingest/rejections", Role::Viewer, None)
        .await;
    r.as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["source"] == "queue_log")
        .cloned()
        .collect()
}

/// Five calls to L1, counted by hand:
/// - c1: waits 15 s (op-2 rings, does not answer, autopauses), op-1 talks 60 s, then
///   10 s of after-call work in an ACW pause: handle 70 s, within 20 s.
/// - c2: abandoned after 30 s. c4: leaves on the queue's timeout after 30 s.
/// - c3: waits 40 s; the file rotates mid-call (the old one ending in a truncated line);
///   op-1 completes after 60 s with no after-call pause: handle 60 s.
/// - c5: waits 5 s; op-2 leaves the queue mid-call and transfers after 35 s: handle 35 s,
///   and op-2 is logged out once the call is over.
///
/// Offered 5, answered 3, within 20 s 2: SL 40 %, ACD 60 %, AHT (70 + 60 + 35) / 3 = 55 s.
const BEFORE_ROTATION: &str = "
    0|NONE|L1|PJSIP/101|ADDMEMBER|
    0|NONE|L1|op-2|ADDMEMBER|
    10|c1|L1|NONE|ENTERQUEUE||5551|1
    20|c1|L1|op-2|RINGNOANSWER|10000
    20|NONE|L1|op-2|PAUSE|Auto-Pause
    25|c1|L1|PJSIP/101|CONNECT|15|m1|5
    85|c1|L1|PJSIP/101|COMPLETECALLER|15|60|1
    85|NONE|L1|PJSIP/101|PAUSE|ACW
    95|NONE|L1|PJSIP/101|UNPAUSE|
    100|c2|L1|NONE|ENTERQUEUE||5552|1
    130|c2|L1|NONE|ABANDON|1|1|30
    140|c3|L1|NONE|ENTERQUEUE||5553|1
    180|c3|L1|PJSIP/101|CONNECT|40|m3|2
    190|c9|L1";
const AFTER_ROTATION: &str = "
    200|NONE|L1|op-2|UNPAUSE|
    240|c3|L1|PJSIP/101|COMPLETEAGENT|40|60|1
    250|c4|L1|NONE|ENTERQUEUE||5554|1
    280|c4|L1|NONE|EXITWITHTIMEOUT|1|1|30
    300|c5|L1|NONE|ENTERQUEUE||5555|1
    305|c5|L1|op-2|CONNECT|5|m5|1
    310|NONE|L1|op-2|REMOVEMEMBER|
    340|c5|L1|op-2|BLINDTRANSFER|200|internal|5|35|1";

fn handled(g: &Value) -> (Value, Value) {
    let counts = if g["counts"].is_object() {
        &g["counts"]
    } else {
        g
    };
    (
        counts["handled_today"].clone(),
        counts["handle_seconds_today"].clone(),
    )
}

#[tokio::test]
async fn a_followed_queue_log_feeds_the_indicators_across_rotation_and_restart() {
    let files = Files::new();
    let data = files.dir.join("data");
    let s = start(&files, &data).await;
    let c = set_up(&s).await;
    map_acw_to_wrap_up(&s).await;

    files.append(BEFORE_ROTATION, false);
    let g = group_figures(&s, c.group, |g| g["answered_today"] == 2).await;
    assert_eq!(
        (g["offered_today"].clone(), g["abandoned_today"].clone()),
        (json!(3), json!(1))
    );
    assert_eq!(
        handled(&g),
        (json!(1), json!(70.0)),
        "c1: 60 s talk, 10 s ACW: {g}"
    );
    eventually("op-1 on c3", 10, async || {
        (operator_state(&s, c.agents[0]).await == "on_contact").then_some(())
    })
    .await;

    // A restart mid-call: the follower resumes where it stopped.
    s.stop().await;
    files.rotate();
    files.append(AFTER_ROTATION, true);
    let s = start(&files, &data).await;
    let g = group_figures(&s, c.group, |g| {
        g["offered_today"] == 5 && handled(g).0 == 3
    })
    .await;
    assert_eq!(g["answered_today"], 3);
    assert_eq!(g["answered_within_target_today"], 2);
    assert_eq!(
        indicator(&g, "service_level")["value"],
        40.0,
        "2 of 5 within 20 s"
    );
    assert_eq!(indicator(&g, "acd")["value"], 60.0, "3 of 5 answered");
    assert_eq!(handled(&g), (json!(3), json!(165.0)), "70 + 60 + 35 s: {g}");
    eventually("op-2 logged out after the transfer", 10, async || {
        (operator_state(&s, c.agents[1]).await == "logged_out").then_some(())
    })
    .await;
    let refused = rejections(&s).await;
    let messages: Vec<&Value> = refused
        .iter()
        .flat_map(|r| r["samples"].as_array().unwrap())
        .map(|s| &s["message"])
        .collect();
    assert_eq!(
        messages,
        [&json!(
            "line 14: 3 of the 5 fields time|callid|queue|agent|event"
        )],
        "{refused:?}"
    );

    // Nothing lost, nothing taken twice: the log holds what the file means, once.
    let stored = s
        .state
        .store
        .events_between(
            chrono::DateTime::UNIX_EPOCH,
            Utc::now() + chrono::Duration::hours(1),
            0,
            10_000,
        )
        .await
        .unwrap();
    assert_eq!(stored.len(), files.meaning().len(), "{stored:#?}");
    s.stop().await;
}

#[tokio::test]
async fn an_imported_file_counts_once_however_often_it_is_imported() {
    let files = Files::new();
    let s = TestServer::start().await;
    let c = set_up(&s).await;
    map_acw_to_wrap_up(&s).await;
    files.append(BEFORE_ROTATION, true);
    files.append(AFTER_ROTATION, true);
    let target = |role| wfm_pulse::import::Target {
        url: s.base.clone(),
        token: s.token(role),
    };
    let members = std::collections::HashMap::from([("PJSIP/101".to_string(), "op-1".to_string())]);
    let import = async || {
        wfm_pulse::import::queue_log(
            &files.log(),
            &target(Role::Viewer),
            &target(Role::Integration),
            members.clone(),
        )
        .await
        .unwrap()
    };
    let first = import().await;
    let events = files.meaning().len();
    assert!(
        first.starts_with(&format!("22 lines read: {events} events, {events} accepted, 0 already there, 0 refused; 1 lines unreadable")),
        "{first}"
    );
    assert!(
        first.contains("unreadable line 14: 3 of the 5 fields"),
        "{first}"
    );
    let g = group_figures(&s, c.group, |g| handled(g).0 == 3).await;
    assert_eq!(
        (
            g["offered_today"].clone(),
            g["answered_within_target_today"].clone()
        ),
        (json!(5), json!(2))
    );
    assert_eq!(handled(&g), (json!(3), json!(165.0)));

    let again = import().await;
    assert!(
        again.contains(&format!(
            "{events} events, 0 accepted, {events} already there"
        )),
        "{again}"
    );
    s.stop().await;
}

#[tokio::test]
async fn a_first_start_takes_the_live_window_and_reads_older_lines_for_state() {
    let files = Files::new();
    std::fs::remove_file(files.log()).unwrap();
    let s = start(&files, &files.dir.join("data")).await;
    let c = set_up(&s).await;
    // The file appears once the structure is there: two days old, then the last minute.
    let now = Utc::now().timestamp();
    let day_before = now - 2 * 86_400;
    let text = format!(
        "{day_before}|NONE|L1|op-1|ADDMEMBER|\n{day_before}|NONE|L1|op-1|PAUSE|Lunch\n\
         {}|c1|L1|NONE|ENTERQUEUE||1|1\n{}|c1|L1|op-1|CONNECT|1|m|0\n\
         {}|c1|L1|op-1|COMPLETECALLER|1|30|1\n",
        now - 60,
        now - 59,
        now - 29
    );
    std::fs::write(files.log(), text).unwrap();
    let g = group_figures(&s, c.group, |g| g["answered_today"] == 1).await;
    assert_eq!(g["offered_today"], 1);
    eventually(
        "op-1 back to the lunch paused two days ago",
        10,
        async || (operator_state(&s, c.agents[0]).await == "lunch").then_some(()),
    )
    .await;
    assert!(
        rejections(&s).await.is_empty(),
        "{:?}",
        rejections(&s).await
    );
    s.stop().await;
}
