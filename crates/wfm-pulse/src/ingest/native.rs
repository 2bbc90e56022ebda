//! wfm-pulse's own event feed (`POST /api/v1/events`, a JSON array or NDJSON): calls and
//! operator states, each with an id of the sender's that makes re-delivery harmless. The
//! wire shape itself is `wfm_core::feed`, shared with the simulator.

pub use wfm_core::feed::FeedEvent as NativeEvent;

/// The items of a body: a JSON array, one JSON object, or NDJSON (one object per line).
/// Each item stays raw so that one bad item is rejected alone.
pub fn split_items(body: &[u8]) -> Result<Vec<serde_json::Value>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8".to_string())?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        return serde_json::from_str(trimmed)
            .map_err(|e| format!("the body is not a JSON array: {e}"));
    }
    let mut items = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    for item in &mut stream {
        items.push(item.map_err(|e| format!("the body is not JSON or NDJSON: {e}"))?);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wfm_core::event::AgentState;

    #[test]
    fn arrays_objects_and_ndjson_split_into_items() {
        assert_eq!(split_items(b"[{\"a\":1},{\"a\":2}]").unwrap().len(), 2);
        assert_eq!(split_items(b"{\"a\":1}").unwrap().len(), 1);
        assert_eq!(
            split_items(b"{\"a\":1}\n{\"a\":2}\n\n{\"a\":3}\n")
                .unwrap()
                .len(),
            3
        );
        assert!(split_items(b"{\"a\":").is_err());
        assert!(split_items(b"").unwrap().is_empty());
    }

    #[test]
    fn reads_each_kind() {
        let e: NativeEvent = serde_json::from_str(
            r#"{"type":"call_ended","id":"e1","at":"2026-11-26T10:00:00+03:00","call_id":"c1","talk_seconds":95.5}"#,
        )
        .unwrap();
        assert_eq!(e.id(), "e1");
        assert_eq!(e.at().to_rfc3339(), "2026-11-26T07:00:00+00:00");
        assert!(matches!(e, NativeEvent::CallEnded { hold_seconds, .. } if hold_seconds == 0.0));
        let e: NativeEvent = serde_json::from_str(
            r#"{"type":"agent_state","id":"e2","at":"2026-11-26T07:00:00Z","agent":"op-1","state":"wrap_up"}"#,
        )
        .unwrap();
        assert!(matches!(
            e,
            NativeEvent::AgentState {
                state: AgentState::WrapUp,
                group: None,
                ..
            }
        ));
    }
}
