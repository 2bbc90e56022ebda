//! The fuzzer: every operation of the OpenAPI document gets every malformed class (bad path
//! ids, U+0000 and absurd query values, bodies that are not one JSON object, trailing
//! content, invalid UTF-8, deep nesting, the wrong content type, and a valid body with each
//! leaf in turn made NUL-bearing, huge, negative, fractional, null or of another type), on
//! both backends. No answer may be a 5xx, and no refusal may write: every table is hashed
//! before and after each refused request (`Fingerprint`).

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

use crate::common::backend::{Fingerprint, changed};
use crate::common::center::{ago, set_up};
use crate::common::setup::{put_plan, without_alert_rules};
use crate::common::{TestServer, read};
use crate::on_both_backends;

on_both_backends!(every_operation_refuses_malformed_input_cleanly, fuzz);

/// One request the fuzzer sends.
struct Probe {
    method: Method,
    path: String,
    content_type: &'static str,
    body: Option<Vec<u8>>,
    /// What was done to it, for the failure report.
    what: String,
}

/// What the baseline contact center holds, to fill in paths and seeds.
struct Ids {
    site: i64,
    service: i64,
    group: i64,
    agent: i64,
}

async fn fuzz(s: TestServer) {
    without_alert_rules(&s).await;
    let ids = baseline(&s).await;
    let ops = operations(&s).await;
    let mut fp = Fingerprint::open(&s).await;
    let mut failures = Vec::new();
    let mut sent = 0;
    let mut dependencies_down = 0;
    let mut before = fp.take().await;
    for (method, template, params) in &ops {
        let seed = seed(&s, method, template, &ids).await;
        for probe in probes(method, template, params, seed.as_ref(), &ids) {
            sent += 1;
            let (status, answer) = send(&s, &probe).await;
            if status == 503 && dependency_down(&answer) {
                // The call to 1C ZUP was made and, as every integration call, logged.
                dependencies_down += 1;
                before = fp.take().await;
                continue;
            }
            if status >= 500 {
                failures.push(format!("{status} {}: {answer}", probe.what));
                before = fp.take().await;
                continue;
            }
            let refused = status >= 400 || answer["accepted"] == json!(0);
            let after = fp.take().await;
            let wrote = changed(&before, &after);
            before = after;
            if refused && !wrote.is_empty() {
                if wrote_again(&s, &mut fp, &probe).await {
                    failures.push(format!("{status} {} wrote {wrote:?}: {answer}", probe.what));
                }
                before = fp.take().await;
            }
        }
    }
    eprintln!(
        "fuzzed {} operations with {sent} requests on {:?} ({dependencies_down} answered that 1C ZUP is down)",
        ops.len(),
        fp.backend()
    );
    assert!(sent > 2_000, "every class reached every operation: {sent}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    s.stop().await;
}

/// The documented 503 of an operation that needs 1C ZUP while it is down (none runs here):
/// a dependency named, not a fault of ours. "The database is unavailable" is one.
fn dependency_down(answer: &Value) -> bool {
    answer["description"]
        .as_str()
        .is_some_and(|d| d.starts_with("integration unavailable: 1C ZUP"))
}

/// A refusal seemed to write: background work (a job retrying, the clock turning an
/// interval) can write at any moment, so the request is sent twice more, each time between
/// two fingerprints; it wrote only if every time shows a change.
async fn wrote_again(s: &TestServer, fp: &mut Fingerprint, probe: &Probe) -> bool {
    for _ in 0..2 {
        let before = fp.take().await;
        let (status, answer) = send(s, probe).await;
        let refused = status >= 400 || answer["accepted"] == json!(0);
        if !refused || changed(&before, &fp.take().await).is_empty() {
            return false;
        }
    }
    true
}

async fn send(s: &TestServer, p: &Probe) -> (u16, Value) {
    let ingest = p.path.starts_with("/api/v1/events") || p.path.starts_with("/ccwfm/");
    let role = if ingest {
        Role::Integration
    } else {
        Role::Admin
    };
    let mut req = s
        .request(p.method.clone(), &p.path)
        .bearer_auth(s.token(role))
        .timeout(std::time::Duration::from_secs(30));
    if let Some(body) = &p.body {
        req = req
            .header("content-type", p.content_type)
            .body(body.clone());
    }
    match req.send().await {
        Ok(response) => read(response).await,
        Err(e) => (599, Value::String(format!("no answer: {e}"))),
    }
}

/// A center with one of each record, a plan, an API key and a job, so that ids resolve.
async fn baseline(s: &TestServer) -> Ids {
    let c = set_up(s).await;
    let (_, sites) = s
        .call(Method::GET, "/api/v1/sites", Role::Viewer, None)
        .await;
    let (_, services) = s
        .call(Method::GET, "/api/v1/services", Role::Viewer, None)
        .await;
    let start = ago(3600)
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    put_plan(
        s,
        "forecast",
        json!({"intervals": [{"group_id": c.group, "start": start, "calls": 10, "aht_seconds": 180}]}),
    )
    .await;
    Ids {
        site: sites[0]["id"].as_i64().unwrap(),
        service: services[0]["id"].as_i64().unwrap(),
        group: c.group,
        agent: c.agents[0],
    }
}

/// Every operation of the document: method, path template and its query parameters. The
/// live stream is left out: a valid request to it never ends.
async fn operations(s: &TestServer) -> Vec<(Method, String, Vec<String>)> {
    let (_, doc) = s
        .call(Method::GET, "/api/v1/openapi.json", Role::Viewer, None)
        .await;
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path.ends_with("/metrics/stream") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let Ok(m) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let query = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect();
            ops.push((m, path.clone(), query));
        }
    }
    assert!(ops.len() >= 60, "the document lists the API: {}", ops.len());
    ops
}

/// A valid body for a writing operation: written here, or what its GET answers.
async fn seed(s: &TestServer, method: &Method, template: &str, ids: &Ids) -> Option<Value> {
    let today = ago(0).date_naive();
    let hour = ago(3600)
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let event = |kind: &str, extra: Value| {
        let mut e =
            json!({"type": kind, "id": format!("fz-{kind}"), "at": ago(30), "call_id": "fz-call"});
        e.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        e
    };
    let written = match (method.as_str(), template) {
        ("POST" | "PUT", "/api/v1/sites" | "/api/v1/sites/{id}") => {
            json!({"name": "Fuzz", "time_zone": "UTC", "interval_minutes": 15})
        }
        ("POST" | "PUT", "/api/v1/services" | "/api/v1/services/{id}") => {
            json!({"site_id": ids.site, "name": "Fuzz"})
        }
        ("POST" | "PUT", "/api/v1/groups" | "/api/v1/groups/{id}") => json!({
            "service_id": ids.service, "name": "Fuzz", "external_id": "FZ", "channel": "voice",
            "sl_seconds": 20, "sl_percent": 80, "max_occupancy": 0.85, "short_abandon_seconds": 0,
            "grace_seconds": 120,
            "thresholds": {
                "acd": {"kind": "deviation", "decline": {"acceptable": 5, "critical": 10},
                        "growth": {"acceptable": 5, "critical": 10}},
                "operators_online": {"kind": "floor", "acceptable": 80, "critical": 70}
            }
        }),
        ("POST" | "PUT", "/api/v1/agents" | "/api/v1/agents/{id}") => json!({
            "external_id": "fz-1", "full_name": "Fuzz One", "personnel_number": "F1",
            "site_id": ids.site, "primary_group_id": ids.group, "active": true,
            "skills": [{"group_id": ids.group, "priority": 1}]
        }),
        ("POST", "/api/v1/api-keys") => json!({"name": "fuzz", "role": "integration"}),
        ("POST", "/api/v1/events") => json!([
            event("call_offered", json!({"group": "L1", "customer_id": "cust"})),
            event("call_answered", json!({"agent": "op-1"})),
            event("call_ended", json!({"talk_seconds": 60, "hold_seconds": 5})),
            event("wrap_up_ended", json!({})),
            event("call_abandoned", json!({})),
            {"type": "agent_state", "id": "fz-state", "at": ago(30), "agent": "op-1", "state": "ready", "group": "L1"}
        ]),
        ("POST", "/ccwfm/api/rest/status") => json!([{
            "workerId": "op-1", "stateName": "Ready", "stateCode": "Ready", "systemId": "pbx",
            "actionTime": ago(30).timestamp(), "action": 1
        }]),
        ("PUT", "/api/v1/plan/forecast") => json!({"intervals": [{
            "group_id": ids.group, "start": hour, "calls": 10, "aht_seconds": 180,
            "acd_percent": 90, "operators": 3
        }]}),
        ("PUT", "/api/v1/plan/timetable") => json!({"segments": [{
            "agent_id": ids.agent, "start": hour, "end": hour + chrono::Duration::hours(1),
            "activity": "line", "group_id": ids.group
        }]}),
        ("POST", "/api/v1/staffing/erlang-c") => json!({
            "calls": 100, "interval_seconds": 1800, "aht_seconds": 180, "target_seconds": 20,
            "target_percent": 80, "max_occupancy": 0.85, "shrinkage": 0.3, "agents": 14
        }),
        ("POST", "/api/v1/integration/sync/trigger") => json!({
            "kind": "norm_hours", "scope": {"from": format!("{today}"), "to": format!("{today}"), "mode": "month"},
            "idempotency_key": "fuzz"
        }),
        ("POST", "/api/v1/integration/sync/resume") => {
            json!({"note": "fuzz", "accept_next_sync": false})
        }
        ("POST", "/api/v1/privacy/deletions") => json!({"agent_id": 999_999}),
        ("PUT", "/api/v1/performance/dashboard/executive/priorities") => {
            json!({"group_id": ids.group, "importance": "high"})
        }
        ("POST", "/api/v1/performance/optimization/suggest") => json!({
            "group_ids": [ids.group], "horizon_minutes": 60, "hourly_rate": 400,
            "hourly_rates": {ids.agent.to_string(): 500}, "budget": 1000
        }),
        ("POST", "/api/v1/performance/alerts/configure") => {
            let (_, rules) = s.call(Method::GET, template, Role::Viewer, None).await;
            json!({"rule": rules[0]["definition"]})
        }
        ("PUT", "/api/v1/integration/mapping/endpoints") => {
            // One system as GET shows it, the smaller one: every leaf of the whole map (both
            // systems, with what GET adds) would be 2,000 probes of the same parser.
            let (_, map) = s.call(Method::GET, template, Role::Admin, None).await;
            let mut entry = map["systems"]
                .as_array()?
                .iter()
                .find(|x| x["system"] == "contact_center")?
                .clone();
            for read_only in ["endpoint_states", "circuit_state", "updated_at"] {
                entry.as_object_mut()?.remove(read_only);
            }
            json!({ "systems": [entry] })
        }
        ("PUT", path) => {
            let path = path
                .replace("{site_id}", &ids.site.to_string())
                .replace("{user}", "fuzz-user");
            let (st, current) = s.call(Method::GET, &path, Role::Admin, None).await;
            if st != 200 || !current.is_object() {
                return None;
            }
            current
        }
        _ => return None,
    };
    Some(written)
}

/// Every malformed request for one operation.
fn probes(
    method: &Method,
    template: &str,
    query: &[String],
    seed: Option<&Value>,
    ids: &Ids,
) -> Vec<Probe> {
    let mut out = Vec::new();
    let good_path = fill(template, "1", ids);
    let json_probe = |path: &str, body: Vec<u8>, what: String| Probe {
        method: method.clone(),
        path: path.to_string(),
        content_type: "application/json",
        body: Some(body),
        what: format!("{method} {path} {what}"),
    };
    // Path ids that are no ids.
    if template.contains('{') {
        for bad in [
            "abc",
            "-1",
            "0",
            "99999999999999999999",
            "1%00",
            "%00",
            "1.5",
            "%E2%82%AC",
        ] {
            let path = fill(template, bad, ids);
            out.push(Probe {
                method: method.clone(),
                path: path.clone(),
                content_type: "application/json",
                body: seed.map(|v| v.to_string().into_bytes()),
                what: format!("{method} {path}"),
            });
        }
    }
    // Query values the store cannot hold or the API cannot mean.
    let reads = *method == Method::GET;
    let names: Vec<&str> = query
        .iter()
        .map(String::as_str)
        .chain(reads.then_some("unknown_parameter"))
        .collect();
    for name in names {
        for value in [
            "%00",
            "x%00y",
            "1e308",
            "-1",
            "99999999999999999999",
            "",
            "%FF%FE",
        ] {
            let path = format!("{good_path}?{name}={value}");
            out.push(Probe {
                method: method.clone(),
                path: path.clone(),
                content_type: "application/json",
                body: None,
                what: format!("{method} {path}"),
            });
        }
    }
    if reads || *method == Method::DELETE {
        return out;
    }
    // Bodies that are not one JSON object.
    let mut trailing = seed.map(Value::to_string).unwrap_or_else(|| "{}".into());
    trailing.push_str(r#" {"name":"second"} garbage"#);
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let classes: Vec<(&str, Vec<u8>)> = vec![
        ("trailing content", trailing.into_bytes()),
        ("an array", b"[]".to_vec()),
        ("null", b"null".to_vec()),
        ("a huge number", b"1e308".to_vec()),
        ("a NUL string", br#""\u0000""#.to_vec()),
        ("a NUL key", br#"{"\u0000": 1}"#.to_vec()),
        (
            "invalid UTF-8",
            vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'],
        ),
        ("empty", Vec::new()),
        ("deep nesting", deep.into_bytes()),
        ("an empty object", b"{}".to_vec()),
    ];
    for (what, body) in classes {
        out.push(json_probe(&good_path, body, what.into()));
    }
    out.push(Probe {
        method: method.clone(),
        path: good_path.clone(),
        content_type: "text/plain",
        body: Some(
            seed.map(Value::to_string)
                .unwrap_or_else(|| "{}".into())
                .into_bytes(),
        ),
        what: format!("{method} {good_path} as text/plain"),
    });
    // The valid body with each leaf in turn made wrong.
    if let Some(seed) = seed {
        for (pointer, leaf) in leaves(seed) {
            for (what, bad) in mutations(&leaf) {
                let mut body = seed.clone();
                *body.pointer_mut(&pointer).unwrap() = bad;
                out.push(json_probe(
                    &good_path,
                    body.to_string().into_bytes(),
                    format!("{pointer} {what}"),
                ));
            }
        }
    }
    out
}

/// The template with its path parameters filled: `{id}` and `{year}` by `value`, the
/// site of labor rules by the baseline's, a user name with `value` in it.
fn fill(template: &str, value: &str, ids: &Ids) -> String {
    let site = if value == "1" {
        ids.site.to_string()
    } else {
        value.to_string()
    };
    template
        .replace("{id}", value)
        .replace("{year}", if value == "1" { "2026" } else { value })
        .replace("{site_id}", &site)
        .replace("{user}", &format!("u{value}"))
}

/// Every scalar of a JSON value with its JSON pointer (arrays by index, keys escaped).
fn leaves(v: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    fn walk(v: &Value, at: String, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Object(m) => {
                for (k, item) in m {
                    walk(
                        item,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{at}/{i}"), out);
                }
            }
            scalar => out.push((at, scalar.clone())),
        }
    }
    walk(v, String::new(), &mut out);
    out
}

/// The wrong values tried in place of a leaf.
fn mutations(leaf: &Value) -> BTreeMap<&'static str, Value> {
    let mut m = BTreeMap::new();
    m.insert("as NUL text", json!("fuzz\u{0}"));
    m.insert("as null", Value::Null);
    m.insert("as 1e308", json!(1e308));
    m.insert("as -1e308", json!(-1e308));
    m.insert("as -1", json!(-1));
    m.insert("as 2^63", json!(9_223_372_036_854_775_808u64));
    m.insert("as 0.5", json!(0.5));
    m.insert("as a long text", json!("x".repeat(100_000)));
    m.insert("as an object", json!({"x": 1}));
    if let Value::String(s) = leaf {
        m.insert("with NUL inside", json!(format!("{s}\u{0}")));
    }
    m
}
