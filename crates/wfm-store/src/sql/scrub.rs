//! Scrubbing a person out of free text and JSON reports (sync job results and errors,
//! integration log errors, event ids) when their data is erased: plain functions (what to
//! look for comes in, the scrubbed value goes out), and the statements applying them.

use serde_json::Value;
use sqlx::{AnyConnection, Row};

use super::codec;
pub(crate) use super::person_keys::ERASED;
use crate::error::{StoreError, StoreResult};

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "privacy deletion")
}

/// Identifiers shorter than this are not searched for inside other text: a two-letter
/// login would otherwise cut pieces out of unrelated words.
const SHORTEST: usize = 4;

/// Keys whose values stay in an object about the person: they name what a report line is
/// about (`tabN`, `full_name`, `schedule`...), not the person.
const STRUCTURAL: [&str; 3] = ["field", "action", "reason"];

/// What identifies the person in text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Person {
    /// The agent's id: objects with this `agent_id` are about the person.
    pub agent_id: Option<i64>,
    /// 1C's UID: objects with this `employee_id` (or 1C's `agentId`) are about the person.
    pub uid: Option<String>,
    /// Values identifying the person wherever they appear: UID, logins, personnel number,
    /// full names, SN, Db_ID.
    pub identifiers: Vec<String>,
}

impl Person {
    /// The identifiers long enough to search for, longest first (so a full name goes before
    /// a login it contains).
    pub(crate) fn searchable(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .identifiers
            .iter()
            .map(|s| s.trim())
            .filter(|s| s.chars().count() >= SHORTEST)
            .collect();
        ids.sort_by_key(|s| std::cmp::Reverse(s.len()));
        ids.dedup();
        ids
    }

    fn owns(&self, object: &serde_json::Map<String, Value>) -> bool {
        let by_agent = self.agent_id.is_some_and(|id| {
            object
                .get("agent_id")
                .and_then(Value::as_i64)
                .is_some_and(|a| a == id)
        });
        let by_uid = self.uid.as_deref().is_some_and(|uid| {
            [
                "employee_id",
                "employeeId",
                "agentId",
                "agentID",
                "agent_id",
            ]
            .iter()
            .any(|k| object.get(*k).and_then(Value::as_str) == Some(uid))
        });
        by_agent || by_uid
    }
}

/// `text` with every identifier replaced by `[erased]`; None when none occurs. A short
/// identifier is replaced only where the text quotes it (`no agent with login "7"`): quoted,
/// it is the whole value, not a piece of another word.
pub(crate) fn text(text: &str, person: &Person) -> Option<String> {
    let mut out = text.to_string();
    for id in person.searchable() {
        if out.contains(id) {
            out = out.replace(id, ERASED);
        }
    }
    for id in person.identifiers.iter().map(|s| s.trim()) {
        let quoted = format!("{id:?}");
        if !id.is_empty() && out.contains(&quoted) {
            out = out.replace(&quoted, &format!("{ERASED:?}"));
        }
    }
    (out != text).then_some(out)
}

fn erase_strings(value: &mut Value) {
    match value {
        Value::String(s) => *s = ERASED.to_string(),
        Value::Array(items) => items.iter_mut().for_each(erase_strings),
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if !STRUCTURAL.contains(&k.as_str()) {
                    erase_strings(v);
                }
            }
        }
        _ => {}
    }
}

fn walk(value: &mut Value, person: &Person, ids: &[&str]) {
    match value {
        Value::String(s) if ids.iter().any(|id| s.contains(id)) => {
            for id in ids {
                *s = s.replace(id, ERASED);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, person, ids)),
        Value::Object(map) => {
            if person.owns(map) {
                // A line about the person: every text in it goes (counts and ids stay).
                for (k, v) in map.iter_mut() {
                    if !STRUCTURAL.contains(&k.as_str()) {
                        erase_strings(v);
                    }
                }
            } else {
                map.values_mut().for_each(|v| walk(v, person, ids));
            }
        }
        _ => {}
    }
}

/// `value` with the person scrubbed out: objects about the person lose every text but the
/// structural ones; elsewhere identifiers are replaced. None when nothing changed.
pub(crate) fn json(value: &Value, person: &Person) -> Option<Value> {
    let mut out = value.clone();
    walk(&mut out, person, &person.searchable());
    (out != *value).then_some(out)
}

/// An event id with the login replaced by the pseudonym; None when it holds no login. A
/// status push id is `argus:<system>:<login>:<code>:<time>:<action>`: its login part is
/// replaced whatever its length. Another id has each `:`-separated part equal to the login
/// replaced, if the login is long enough not to be mistaken for something else.
pub(crate) fn event_id(id: &str, login: &str, pseudonym: &str) -> Option<String> {
    if login.is_empty() {
        return None;
    }
    if id.starts_with("argus:") {
        let mut from_end = id.rsplitn(4, ':');
        let (action, time, code) = (from_end.next()?, from_end.next()?, from_end.next()?);
        let head = from_end.next()?.strip_suffix(login)?.strip_suffix(':')?;
        return Some(format!("{head}:{pseudonym}:{code}:{time}:{action}"));
    }
    if login.chars().count() < SHORTEST {
        return None;
    }
    let out = id
        .split(':')
        .map(|p| if p == login { pseudonym } else { p })
        .collect::<Vec<_>>()
        .join(":");
    (out != id).then_some(out)
}

/// A LIKE pattern matching text that contains `s` (`\` escapes the wildcards).
pub(crate) fn contains_pattern(s: &str) -> String {
    let mut p = String::with_capacity(s.len() + 2);
    p.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Rewrites the status-push event ids carrying the login; true if any did.
pub(crate) async fn events(
    conn: &mut AnyConnection,
    login: &str,
    pseudonym: &str,
) -> StoreResult<bool> {
    let rows = sqlx::query("SELECT seq, event_id FROM events WHERE event_id LIKE $1 ESCAPE '\\'")
        .bind(contains_pattern(login))
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
    let mut changed = false;
    for row in rows {
        let seq: i64 = row.try_get("seq").map_err(err)?;
        let id: String = row.try_get("event_id").map_err(err)?;
        if let Some(new) = event_id(&id, login, pseudonym) {
            sqlx::query("UPDATE events SET event_id = $1 WHERE seq = $2")
                .bind(new)
                .bind(seq)
                .execute(&mut *conn)
                .await
                .map_err(err)?;
            changed = true;
        }
    }
    Ok(changed)
}

/// Scrubs sync job scopes, results and errors; true if any changed.
pub(crate) async fn jobs(conn: &mut AnyConnection, person: &Person) -> StoreResult<bool> {
    let rows = sqlx::query("SELECT id, scope, result, last_error FROM sync_jobs")
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
    let mut changed = false;
    for row in rows {
        let id: i64 = row.try_get("id").map_err(err)?;
        let scope = codec::json(&row, "scope").map_err(err)?;
        let result = codec::opt_json(&row, "result").map_err(err)?;
        let error: Option<String> = row.try_get("last_error").map_err(err)?;
        let new_scope = json(&scope, person);
        let new_result = result.as_ref().and_then(|r| json(r, person));
        let new_error = error.as_deref().and_then(|e| text(e, person));
        if new_scope.is_none() && new_result.is_none() && new_error.is_none() {
            continue;
        }
        let scope = codec::json_text(&new_scope.unwrap_or(scope))?;
        let result = new_result
            .or(result)
            .map(|r| codec::json_text(&r))
            .transpose()?;
        sqlx::query("UPDATE sync_jobs SET scope = $1, result = $2, last_error = $3 WHERE id = $4")
            .bind(scope)
            .bind(result)
            .bind(new_error.or(error))
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(err)?;
        changed = true;
    }
    Ok(changed)
}

/// Scrubs the errors of the integration log naming the person; true if any changed.
pub(crate) async fn log(conn: &mut AnyConnection, person: &Person) -> StoreResult<bool> {
    let ids = person.searchable();
    if ids.is_empty() {
        return Ok(false);
    }
    let matches: Vec<String> = (1..=ids.len())
        .map(|i| format!("error LIKE ${i} ESCAPE '\\'"))
        .collect();
    let sql = format!(
        "SELECT id, error FROM integration_log WHERE {}",
        matches.join(" OR ")
    );
    let mut query = sqlx::query(&sql);
    for id in &ids {
        query = query.bind(contains_pattern(id));
    }
    let rows = query.fetch_all(&mut *conn).await.map_err(err)?;
    let mut changed = false;
    for row in rows {
        let id: i64 = row.try_get("id").map_err(err)?;
        let error: Option<String> = row.try_get("error").map_err(err)?;
        if let Some(new) = error.as_deref().and_then(|e| text(e, person)) {
            sqlx::query("UPDATE integration_log SET error = $1 WHERE id = $2")
                .bind(new)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(err)?;
            changed = true;
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn person() -> Person {
        Person {
            agent_id: Some(42),
            uid: Some("uid-0042-abcd".into()),
            identifiers: vec![
                "uid-0042-abcd".into(),
                "qz.login".into(),
                "TN-7781".into(),
                "Qzxjvkpw Ywmtrlqb Fhtnbvcx".into(),
                "ab".into(),
            ],
        }
    }

    #[test]
    fn report_lines_about_the_person_lose_their_text_and_others_their_mentions() {
        let result = json!({
            "records": 3,
            "uploaded_ids": ["uid-0042-abcd", "uid-other"],
            "consistency": {"samples": [
                {"employee_id": "uid-0042-abcd", "field": "full_name",
                 "wfm": "Qzxjvkpw Y", "zup": "Qzxjvkpw Ywmtrlqb Fhtnbvcx"},
                {"employee_id": "uid-other", "field": "tabN", "wfm": "1", "zup": "2"}
            ]},
            "refused": [{"agent_id": 42, "employee_id": "x", "message": "no", "action": "fix"}],
            "note": "1C employee tabN TN-7781: the login qz.login belongs elsewhere; ab stays"
        });
        let out = json(&result, &person()).unwrap();
        assert_eq!(out["records"], 3);
        assert_eq!(out["uploaded_ids"], json!(["[erased]", "uid-other"]));
        let mine = &out["consistency"]["samples"][0];
        assert_eq!(mine["field"], "full_name");
        assert_eq!(
            (&mine["wfm"], &mine["zup"]),
            (&json!("[erased]"), &json!("[erased]"))
        );
        assert_eq!(
            out["consistency"]["samples"][1],
            result["consistency"]["samples"][1]
        );
        assert_eq!(out["refused"][0]["agent_id"], 42);
        assert_eq!(out["refused"][0]["message"], "[erased]");
        assert_eq!(out["refused"][0]["action"], "fix");
        assert_eq!(
            out["note"],
            "1C employee tabN [erased]: the login [erased] belongs elsewhere; ab stays"
        );
        assert!(json(&json!({"records": 1}), &person()).is_none());
    }

    #[test]
    fn text_and_event_ids() {
        assert_eq!(
            text("Employee ID uid-0042-abcd not found", &person()).as_deref(),
            Some("Employee ID [erased] not found")
        );
        assert_eq!(text("nothing here", &person()), None);
        assert_eq!(
            text(r#"no agent with login "ab"; ab stays"#, &person()).as_deref(),
            Some(r#"no agent with login "[erased]"; ab stays"#),
            "a short identifier, where quoted"
        );
        assert_eq!(
            event_id(
                "argus:CC:qz.login:Break:1700000000:1",
                "qz.login",
                "erased-1f"
            )
            .as_deref(),
            Some("argus:CC:erased-1f:Break:1700000000:1")
        );
        assert_eq!(
            event_id("argus:CC:qz.login2:Break:1:1", "qz.login", "e"),
            None
        );
        assert_eq!(
            event_id("argus:CC:1:Break:1:1", "1", "erased-9").as_deref(),
            Some("argus:CC:erased-9:Break:1:1"),
            "a one-character login: only the status push's login part"
        );
        assert_eq!(
            event_id("argus:A:B:qz:x:Ready:5:0", "qz:x", "e").as_deref(),
            Some("argus:A:B:e:Ready:5:0")
        );
        assert_eq!(event_id("e-1:ab:2", "ab", "e"), None, "too short to tell");
        assert_eq!(
            event_id("call:qz.login:7", "qz.login", "e").as_deref(),
            Some("call:e:7")
        );
        assert_eq!(contains_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
    }
}
