//! The translation of a hand-written queue_log, line by line, against what each line means.

use std::collections::HashMap;

use wfm_core::event::AgentState;

use super::Translator;
use crate::ingest::native::NativeEvent;

fn translator() -> Translator {
    let logins = HashMap::from([("PJSIP/101".to_string(), "op-1".to_string())]);
    let reasons = HashMap::from([
        ("ACW".to_string(), AgentState::WrapUp),
        ("Lunch".to_string(), AgentState::Lunch),
    ]);
    Translator::new(logins, reasons)
}

/// An event in short: what it is, when (seconds after 1_700_000_000) and about whom.
fn brief(e: &NativeEvent) -> String {
    let t = e.at().timestamp() - 1_700_000_000;
    match e {
        NativeEvent::CallOffered { call_id, group, .. } => format!("{t} offered {call_id} {group}"),
        NativeEvent::CallAnswered { call_id, agent, .. } => {
            format!("{t} answered {call_id} {agent}")
        }
        NativeEvent::CallAbandoned { call_id, .. } => format!("{t} abandoned {call_id}"),
        NativeEvent::CallEnded {
            call_id,
            talk_seconds,
            ..
        } => format!("{t} ended {call_id} {talk_seconds}"),
        NativeEvent::WrapUpEnded { call_id, .. } => format!("{t} wrapped {call_id}"),
        NativeEvent::GroupLoad { group, .. } => format!("{t} load {group}"),
        NativeEvent::AgentState {
            agent,
            state,
            group,
            ..
        } => format!(
            "{t} {agent} {}{}",
            state.as_str(),
            group
                .as_deref()
                .map(|g| format!(" {g}"))
                .unwrap_or_default()
        ),
    }
}

/// `T+5|...` as `1700000005|...`.
fn stamp(line: &str) -> String {
    let line = line.trim();
    match line.strip_prefix("T+").and_then(|l| l.split_once('|')) {
        Some((offset, rest)) => {
            format!("{}|{rest}", 1_700_000_000 + offset.parse::<i64>().unwrap())
        }
        None => line.to_string(),
    }
}

fn read(t: &mut Translator, lines: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let line = stamp(line);
        out.extend(t.read(&line).unwrap().iter().map(brief));
    }
    out.extend(t.flush().iter().map(brief));
    out
}

#[test]
fn a_call_answered_after_a_ring_no_answer_with_wrap_up_by_pause() {
    let mut t = translator();
    let got = read(
        &mut t,
        "T+00|NONE|support|PJSIP/101|ADDMEMBER|
         T+00|NONE|support|op-2|ADDMEMBER|
         T+10|c1|support|NONE|ENTERQUEUE||5551234|1
         T+25|c1|support|op-2|RINGNOANSWER|15000
         T+30|c1|support|PJSIP/101|CONNECT|20|m1|5
         T+90|c1|support|PJSIP/101|COMPLETECALLER|20|60|1
         T+90|NONE|support|PJSIP/101|PAUSE|ACW
         T+99|NONE|support|PJSIP/101|UNPAUSE|",
    );
    assert_eq!(
        got,
        [
            "0 op-1 ready",
            "0 op-2 ready",
            "10 offered c1 support",
            "30 answered c1 op-1",
            "30 op-1 on_contact support",
            "90 ended c1 60",
            "90 op-1 wrap_up",
            "99 wrapped c1",
            "99 op-1 ready",
        ]
    );
}

#[test]
fn without_an_after_call_pause_wrap_up_ends_with_the_call() {
    let mut t = translator();
    let got = read(
        &mut t,
        "T+30|c1|support|op-1|CONNECT|5|m1|2
         T+90|c1|support|op-1|COMPLETEAGENT|5|60|1
         T+95|c2|support|NONE|ENTERQUEUE||5551|1",
    );
    assert_eq!(
        got,
        [
            "30 answered c1 op-1",
            "30 op-1 on_contact support",
            "90 ended c1 60",
            "90 wrapped c1",
            "90 op-1 ready",
            "95 offered c2 support",
        ]
    );
    // The end of the input settles the last call the same way.
    let got = read(
        &mut t,
        "T+96|c2|support|op-1|CONNECT|1|m2|0\nT+99|c2|support|op-1|COMPLETECALLER|1|3|1",
    );
    assert_eq!(
        got[2..],
        ["99 ended c2 3", "99 wrapped c2", "99 op-1 ready"]
    );
}

#[test]
fn every_way_out_of_the_queue_without_an_answer_is_a_lost_call() {
    let mut t = translator();
    let got = read(
        &mut t,
        "T+0|a|q|NONE|ENTERQUEUE||1|1
         T+0|b|q|NONE|ENTERQUEUE||2|2
         T+0|c|q|NONE|ENTERQUEUE||3|3
         T+0|d|q|NONE|ENTERQUEUE||4|4
         T+5|a|q|NONE|ABANDON|1|1|5
         T+6|b|q|NONE|EXITWITHTIMEOUT|1|2|6
         T+7|c|q|NONE|EXITWITHKEY|5|1|3|7
         T+8|d|q|NONE|EXITEMPTY|1|4|8",
    );
    assert_eq!(
        got[4..],
        [
            "5 abandoned a",
            "6 abandoned b",
            "7 abandoned c",
            "8 abandoned d"
        ]
    );
}

#[test]
fn transfers_end_the_conversation_with_their_call_time() {
    let mut t = translator();
    let got = read(
        &mut t,
        "T+0|a|q|op-1|CONNECT|3|m|1
         T+40|a|q|op-1|BLINDTRANSFER|200|internal|3|40|1
         T+41|b|q|op-2|CONNECT|3|m|1
         T+70|b|q|op-2|ATTENDEDTRANSFER|LINK|Local/1@x-1;1|Local/1@x-1;2|3|29|2
         T+71|c|q|op-3|CONNECT|3|m|1
         T+80|c|q|op-3|ATTENDEDTRANSFER|BRIDGE|abc-123|3|9|1
         T+81|d|q|op-1|CONNECT|3|m|1
         T+99|d|q|op-1|TRANSFER|200|internal|3|18|1",
    );
    let ended: Vec<&String> = got.iter().filter(|e| e.contains("ended")).collect();
    assert_eq!(
        ended,
        [
            "40 ended a 40",
            "70 ended b 29",
            "80 ended c 9",
            "99 ended d 18"
        ]
    );
}

#[test]
fn pauses_take_their_reason_from_the_state_map_and_wait_for_the_call_to_end() {
    let mut t = translator();
    let got = read(
        &mut t,
        "T+0|NONE|q|op-1|ADDMEMBER|
         T+1|NONE|q|op-1|PAUSE|Lunch
         T+2|NONE|NONE|op-1|UNPAUSEALL|
         T+3|NONE|NONE|op-1|PAUSEALL|Auto-Pause
         T+3|NONE|q|op-1|PAUSE|Auto-Pause
         T+4|NONE|q|op-1|UNPAUSE|
         T+10|c|q|op-1|CONNECT|1|m|0
         T+20|NONE|q|op-1|PAUSE|Lunch
         T+30|c|q|op-1|COMPLETECALLER|1|20|1
         T+40|NONE|q|op-1|UNPAUSE|",
    );
    assert_eq!(
        got,
        [
            "0 op-1 ready",
            "1 op-1 lunch",
            "2 op-1 ready",
            "3 op-1 not_ready",
            "4 op-1 ready",
            "10 answered c op-1",
            "10 op-1 on_contact q",
            "30 ended c 20",
            "30 wrapped c",
            "30 op-1 lunch",
            "40 op-1 ready",
        ]
    );
}

#[test]
fn leaving_every_queue_logs_off_and_a_logoff_mid_call_waits_for_its_end() {
    let mut t = translator();
    let got = read(
        &mut t,
        "T+0|NONE|q1|op-1|ADDMEMBER|
         T+0|NONE|q2|op-1|ADDMEMBER|PAUSED
         T+1|NONE|q2|op-1|REMOVEMEMBER|
         T+2|NONE|q1|op-1|REMOVEMEMBER|
         T+3|x|NONE|1001|AGENTLOGIN|PJSIP/300
         T+4|c|q1|1001|CONNECT|1|m|0
         T+5|x|NONE|1001|AGENTLOGOFF|PJSIP/300|2
         T+9|c|q1|1001|COMPLETEAGENT|1|5|1",
    );
    assert_eq!(
        got,
        [
            "0 op-1 ready",
            "0 op-1 not_ready",
            "2 op-1 logged_out",
            "3 1001 ready",
            "4 answered c 1001",
            "4 1001 on_contact q1",
            "9 ended c 5",
            "9 wrapped c",
            "9 1001 logged_out",
        ]
    );
}

#[test]
fn a_restart_of_asterisk_closes_the_calls_it_cut_off() {
    let mut t = translator();
    let got = read(
        &mut t,
        "T+0|a|q|NONE|ENTERQUEUE||1|1
         T+0|b|q|NONE|ENTERQUEUE||2|2
         T+5|b|q|op-1|CONNECT|5|m|1
         T+50|NONE|NONE|NONE|QUEUESTART|
         T+51|NONE|NONE|NONE|CONFIGRELOAD|
         T+52|a2|q|NONE|DID|5550000",
    );
    assert_eq!(
        got[4..],
        [
            "50 abandoned a",
            "50 ended b 45",
            "50 wrapped b",
            "50 op-1 ready"
        ]
    );
}

#[test]
fn the_same_line_read_again_makes_the_same_ids() {
    let lines = "T+0|c|q|NONE|ENTERQUEUE||1|1\nT+5|c|q|op-1|CONNECT|5|m|1\nT+9|c|q|op-1|COMPLETECALLER|5|4|1";
    let ids = || {
        let mut t = translator();
        let mut ids = Vec::new();
        for line in lines.lines() {
            let line = stamp(line);
            ids.extend(t.read(&line).unwrap().iter().map(|e| e.id().to_string()));
        }
        ids.extend(t.flush().iter().map(|e| e.id().to_string()));
        ids
    };
    let first = ids();
    assert_eq!(first, ids());
    let unique: std::collections::HashSet<&String> = first.iter().collect();
    assert_eq!(unique.len(), first.len(), "{first:?}");
    assert!(first[0].starts_with("ql:1700000000:"), "{}", first[0]);
}

#[test]
fn a_line_that_does_not_read_is_refused_with_its_number_and_the_rest_go_on() {
    let mut t = translator();
    let text = "1700000000|c|q|NONE|ENTERQUEUE||1|1\n1700000005|c|q|op-1|CONN";
    let lines = text.lines().zip(1..).map(|(l, n)| (n, l));
    let batch = super::batch(&mut t, lines);
    assert_eq!(batch.items.len(), 1);
    assert!(
        batch.unreadable.is_empty(),
        "CONN is a name; an unknown event changes nothing"
    );
    let bad = "1700000009|c|q|op-1|COMPLETECALLER|5|x|1\n1700000010|c|q|op-1|COMPLETECALLER|5|9|1\n170000|c";
    let batch = super::batch(&mut t, bad.lines().zip(7..).map(|(l, n)| (n, l)));
    let refused: Vec<(usize, &str)> = batch
        .unreadable
        .iter()
        .map(|(r, _)| (r.index, r.message.as_str()))
        .collect();
    assert_eq!(
        refused,
        [
            (1, "line 7: COMPLETECALLER: call time \"x\" is not seconds"),
            (2, "line 9: 2 of the 5 fields time|callid|queue|agent|event"),
        ]
    );
    assert_eq!(batch.items.len(), 1, "line 8 reads");
}
