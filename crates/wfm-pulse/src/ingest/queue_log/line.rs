//! One line of Asterisk's queue_log: `time|callid|queue|agent|event|data1|...|dataN`, the
//! time in Unix seconds, `NONE` where a field does not apply.

/// A line that read.
#[derive(Debug, Clone, PartialEq)]
pub struct Line<'a> {
    /// Unix seconds (Asterisk writes whole seconds; a fraction is kept as milliseconds).
    pub time_ms: i64,
    /// The call's unique id (the channel's uniqueid), `NONE` for member events.
    pub call: &'a str,
    pub queue: &'a str,
    /// The member: its interface, or its name under `log_membername_as_agent`.
    pub agent: &'a str,
    pub event: &'a str,
    pub data: Vec<&'a str>,
}

impl<'a> Line<'a> {
    /// The data field `n` (from 1, as Asterisk numbers them); empty when absent.
    pub fn data(&self, n: usize) -> &'a str {
        n.checked_sub(1)
            .and_then(|i| self.data.get(i))
            .copied()
            .unwrap_or("")
    }

    /// The data field `n` counted from the end (1 is the last).
    pub fn data_from_end(&self, n: usize) -> &'a str {
        self.data
            .len()
            .checked_sub(n)
            .and_then(|i| self.data.get(i))
            .copied()
            .unwrap_or("")
    }
}

/// Why a line did not read.
#[derive(Debug, Clone, PartialEq)]
pub struct Malformed {
    /// The field at fault: `time`, `event` or `line`.
    pub field: &'static str,
    pub message: String,
}

/// Reads one line (without its line end).
pub fn parse(text: &str) -> Result<Line<'_>, Malformed> {
    let text = text.strip_suffix('\r').unwrap_or(text);
    let mut fields = text.split('|');
    let mut next = || fields.next();
    let (Some(time), Some(call), Some(queue), Some(agent), Some(event)) =
        (next(), next(), next(), next(), next())
    else {
        return Err(Malformed {
            field: "line",
            message: format!(
                "{} of the 5 fields time|callid|queue|agent|event",
                text.split('|').count()
            ),
        });
    };
    let time_ms = seconds_to_ms(time).ok_or_else(|| Malformed {
        field: "time",
        message: format!("{time:?} is not a time in Unix seconds"),
    })?;
    if event.is_empty()
        || !event
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(Malformed {
            field: "event",
            message: format!("{event:?} is not an event name"),
        });
    }
    Ok(Line {
        time_ms,
        call,
        queue,
        agent,
        event,
        data: fields.collect(),
    })
}

/// `1366720340` or `1366720340.123456` as milliseconds; None when it is neither or not a
/// plausible instant (before 2000 or after 2100).
fn seconds_to_ms(s: &str) -> Option<i64> {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 10 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    if !(946_684_800..4_102_444_800).contains(&seconds) {
        return None;
    }
    let millis = format!("{fraction:0<3}").get(..3)?.parse::<i64>().ok()?;
    Some(seconds * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_fields_and_keeps_every_data_field() {
        let l =
            parse("1366720340|1366720340.303267|support|SIP/8007|CONNECT|6|1366720334.303266|4")
                .unwrap();
        assert_eq!(l.time_ms, 1_366_720_340_000);
        assert_eq!(
            (l.call, l.queue, l.agent, l.event),
            ("1366720340.303267", "support", "SIP/8007", "CONNECT")
        );
        assert_eq!((l.data(1), l.data(3), l.data(4)), ("6", "4", ""));
        assert_eq!((l.data_from_end(1), l.data_from_end(3)), ("4", "6"));
        assert_eq!(l.data_from_end(4), "");

        let l = parse("1366720340|NONE|NONE|NONE|QUEUESTART|\r").unwrap();
        assert_eq!((l.event, l.data.len()), ("QUEUESTART", 1));
        let l = parse("1366720340.5|c|q|a|PAUSE").unwrap();
        assert_eq!((l.time_ms, l.data.len()), (1_366_720_340_500, 0));
    }

    #[test]
    fn a_line_that_does_not_read_names_its_field() {
        let field = |t: &str| parse(t).unwrap_err().field;
        assert_eq!(field("1366720340|c|q|a"), "line");
        assert_eq!(field(""), "line");
        assert_eq!(field("13667x0340|c|q|a|CONNECT"), "time");
        assert_eq!(field("-1|c|q|a|CONNECT"), "time");
        assert_eq!(
            field("99|c|q|a|CONNECT"),
            "time",
            "1970 is no queue_log time"
        );
        assert_eq!(field("1366720340|c|q|a|"), "event");
        assert_eq!(field("1366720340|c|q|a|CONN ECT"), "event");
        assert!(parse("1366720340|c|q|a|CONN").is_ok());
    }
}
