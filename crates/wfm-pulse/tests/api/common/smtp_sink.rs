//! A local SMTP server that keeps what it receives, for tests of e-mail delivery: the
//! RFC 5321 subset a client needs (greeting, EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA with
//! dot-unstuffing, RSET, NOOP, QUIT), with refusals on demand, and decoding of what arrived.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as the sink took it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedMail {
    /// The envelope sender (MAIL FROM).
    pub from: String,
    /// The envelope recipients (RCPT TO).
    pub to: Vec<String>,
    /// The message as sent after DATA, dot-unstuffed, without the final dot line.
    pub data: String,
}

#[derive(Default)]
struct Shared {
    mails: Vec<ReceivedMail>,
    logins: Vec<(String, String)>,
    /// Replies to the next RCPT TO commands instead of 250.
    refusals: Vec<String>,
}

/// The sink; it stops when the test process ends.
pub struct SmtpSink {
    pub port: u16,
    shared: Arc<Mutex<Shared>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let state = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, state.clone()));
            }
        });
        SmtpSink { port, shared }
    }

    /// Every message received so far, in order.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.shared.lock().unwrap().mails.clone()
    }

    /// The (user, password) of every AUTH PLAIN so far.
    pub fn logins(&self) -> Vec<(String, String)> {
        self.shared.lock().unwrap().logins.clone()
    }

    /// Answers the next `times` RCPT TO commands with `reply` (e.g. `451 4.3.0 busy`).
    pub fn refuse_recipients(&self, times: usize, reply: &str) {
        let mut s = self.shared.lock().unwrap();
        s.refusals = vec![reply.to_string(); times];
    }
}

async fn session(stream: TcpStream, shared: Arc<Mutex<Shared>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if write.write_all(b"220 sink ESMTP ready\r\n").await.is_err() {
        return;
    }
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end_matches(['\r', '\n']).to_string();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" => {
                "250-sink greets you\r\n250-8BITMIME\r\n250-AUTH PLAIN\r\n250 HELP".to_string()
            }
            "HELO" => "250 sink".to_string(),
            "AUTH" => auth(&command, &shared),
            "MAIL" => match address(&command) {
                Some(a) => {
                    from = Some(a);
                    to.clear();
                    "250 2.1.0 OK".to_string()
                }
                None => "501 5.5.4 syntax: MAIL FROM:<address>".to_string(),
            },
            "RCPT" => match (&from, address(&command)) {
                (None, _) => "503 5.5.1 MAIL first".to_string(),
                (_, None) => "501 5.5.4 syntax: RCPT TO:<address>".to_string(),
                (Some(_), Some(a)) => {
                    let refusal = {
                        let mut s = shared.lock().unwrap();
                        (!s.refusals.is_empty()).then(|| s.refusals.remove(0))
                    };
                    match refusal {
                        Some(r) => r,
                        None => {
                            to.push(a);
                            "250 2.1.5 OK".to_string()
                        }
                    }
                }
            },
            "DATA" if from.is_none() || to.is_empty() => "503 5.5.1 RCPT first".to_string(),
            "DATA" => {
                if write
                    .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let Some(data) = read_data(&mut lines).await else {
                    return;
                };
                shared.lock().unwrap().mails.push(ReceivedMail {
                    from: from.take().unwrap_or_default(),
                    to: std::mem::take(&mut to),
                    data,
                });
                "250 2.0.0 queued".to_string()
            }
            "RSET" => {
                from = None;
                to.clear();
                "250 2.0.0 OK".to_string()
            }
            "NOOP" => "250 2.0.0 OK".to_string(),
            "QUIT" => {
                let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
                return;
            }
            _ => "502 5.5.2 command not recognized".to_string(),
        };
        if write
            .write_all(format!("{reply}\r\n").as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}

/// The lines after DATA up to the lone dot, dot-unstuffed (RFC 5321 4.5.2).
async fn read_data<R: tokio::io::AsyncBufRead + Unpin>(lines: &mut R) -> Option<String> {
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        if line == ".\r\n" || line == ".\n" {
            return Some(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}

/// `AUTH PLAIN <base64 of \0user\0password>`: recorded and accepted.
fn auth(command: &str, shared: &Mutex<Shared>) -> String {
    let mut parts = command.split_whitespace().skip(1);
    match (
        parts.next().map(str::to_ascii_uppercase).as_deref(),
        parts.next(),
    ) {
        (Some("PLAIN"), Some(token)) => {
            let raw = decode_base64(token);
            let fields: Vec<String> = raw
                .split(|b| *b == 0)
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            if fields.len() != 3 {
                return "501 5.5.2 bad AUTH PLAIN token".to_string();
            }
            shared
                .lock()
                .unwrap()
                .logins
                .push((fields[1].clone(), fields[2].clone()));
            "235 2.7.0 authenticated".to_string()
        }
        _ => "504 5.5.4 only AUTH PLAIN with an initial response".to_string(),
    }
}

/// The address between `<` and `>` of MAIL FROM / RCPT TO (parameters after it ignored).
fn address(command: &str) -> Option<String> {
    let start = command.find('<')?;
    let end = command[start..].find('>')? + start;
    Some(command[start + 1..end].to_string())
}

impl ReceivedMail {
    /// A header's value, unfolded, with RFC 2047 encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            match &mut value {
                Some(v) if line.starts_with([' ', '\t']) => v.push_str(line),
                Some(_) => break,
                None => {
                    if let Some((k, v)) = line.split_once(':') {
                        if k.eq_ignore_ascii_case(name) {
                            value = Some(v.to_string());
                        }
                    }
                }
            }
        }
        value.map(|v| decode_words(v.trim()))
    }

    /// The body as text, decoded by its Content-Transfer-Encoding.
    pub fn text(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => decode_base64(body),
            "quoted-printable" => decode_quoted_printable(body),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8(bytes)
            .unwrap()
            .trim_end_matches("\r\n")
            .to_string()
    }
}

/// Decodes `=?charset?B|Q?...?=` words (UTF-8 only); whitespace between two words goes.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut pending_space = String::new();
    let mut last_was_word = false;
    for token in value.split_inclusive([' ', '\t']) {
        let word = token.trim_end_matches([' ', '\t']);
        let space = &token[word.len()..];
        let decoded = word
            .strip_prefix("=?")
            .and_then(|w| w.strip_suffix("?="))
            .and_then(|w| {
                let mut p = w.splitn(3, '?');
                let (_charset, kind, text) = (p.next()?, p.next()?, p.next()?);
                let bytes = match kind {
                    "B" | "b" => decode_base64(text),
                    "Q" | "q" => decode_quoted_printable(&text.replace('_', " ")),
                    _ => return None,
                };
                String::from_utf8(bytes).ok()
            });
        match decoded {
            Some(d) => {
                if !last_was_word {
                    out.push_str(&pending_space);
                }
                out.push_str(&d);
                last_was_word = true;
            }
            None => {
                out.push_str(&pending_space);
                out.push_str(word);
                last_was_word = false;
            }
        }
        pending_space = space.to_string();
    }
    out
}

fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in text.bytes() {
        let Some(v) = ALPHABET.iter().position(|a| *a == b) else {
            continue; // line breaks and padding
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn decode_quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}
