//! Console figures, printed and never asserted: the first load's bytes and time to the first
//! wallboard tile, the latency from an ingested event to the tile showing it, and the cost of
//! a live update on a wallboard of 500 groups; each with a baseline measured in the same run.
//!
//! ```sh
//! cargo run --release --example console_figures
//! ```
//!
//! It starts its own server in this process (SQLite in a temporary directory) and drives
//! headless Chromium (`apt-get install -y chromium`) through the DevTools protocol. Times in
//! the page come from the page's own clocks: scripts added before the console's own (an
//! observer of the board, and a wrapper around `EventSource` that times each `groups`
//! message's handler) record them; the console's files are not changed. Event and page are
//! compared by wall clock (`Date.now()` and the system clock: the same machine).
//!
//! 1. First load: every file `/` loads, following `<link>`, `<script>` and `import`, raw and
//!    gzip as the server sends them; navigation start to the first tile in the DOM for a
//!    signed-in person with an empty cache (median of 5), against loading `/healthz`.
//! 2. Event to tile: 100 operator state changes (ready / logged out) posted to the ingest
//!    API, from the POST's 200 to the tile's new value in the DOM (p50 / p99), against the
//!    POST's own round trip and the 250 ms publication period.
//! 3. 500 groups: the time the page spends on one live update (the `groups` handler, then
//!    style and layout), and until the next frame, for the 1 s refresh and after events for
//!    one group and for all 500; where the time goes (Performance.getMetrics, a CPU profile).

#[path = "../tests/api/common/mod.rs"]
mod common;

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::network::{
    ClearBrowserCacheParams, ClearBrowserCookiesParams, SetCacheDisabledParams,
};
use chromiumoxide::cdp::browser_protocol::performance::EnableParams as PerformanceEnable;
use chromiumoxide::cdp::js_protocol::profiler;
use common::TestServer;
use common::browser::{Chrome, eval, type_into, until};
use common::setup::{created, put_plan, without_alert_rules};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

const PASSWORD: &str = "correct horse battery staple";
const LOADS: usize = 5;
const EVENTS: usize = 100;
const GROUPS: usize = 500;
const SERVICES: usize = 20;
const UPDATES: usize = 20;
/// The publisher's period (`live::PUBLISH_EVERY`).
const PUBLISH_MS: f64 = 250.0;

/// Added to a page before its own scripts: the moment the first tile is in the DOM
/// (`__load.tile`), the frame after it (`__load.frame`), and when the board holds every
/// group card (`__load.cards`, for `__load.want` cards).
const LOAD_OBSERVER: &str = r#"(() => {
  const load = (window.__load = { want: 1 });
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (load.tile === undefined) {
      const v = document.querySelector("article.group .tile .value");
      if (!v || !v.textContent.trim()) return;
      load.tile = now;
      requestAnimationFrame(() => afterFrame(() => (load.frame = performance.now())));
    }
    if (load.cards === undefined && document.querySelectorAll("article.group").length >= load.want) load.cards = now;
    if (load.cards !== undefined) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
  function afterFrame(f) {
    const c = new MessageChannel();
    c.port1.onmessage = f;
    c.port2.postMessage(null);
  }
  window.__afterFrame = afterFrame;
})()"#;

/// Added to a page before its own scripts: every `groups` message of the live stream, with
/// when it arrived (`at`, wall clock), how long the console's handler took (`script`), how
/// long style and layout then took when `__measureLayout` is set (`layout`), the time to
/// the end of the next frame (`frame`), its size and how many groups it carries (each group
/// has one `"group_id":`). The stream (`__source`) and its last message (`__last`) are
/// kept for messages made up in the page.
const SSE_HOOK: &str = r#"(() => {
  const Native = window.EventSource;
  window.__sse = [];
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      window.__source = this;
    }
    addEventListener(type, listener, options) {
      if (type !== "groups") return super.addEventListener(type, listener, options);
      return super.addEventListener(type, (e) => {
        const at = Date.now(), t0 = performance.now();
        listener.call(this, e);
        const t1 = performance.now();
        if (window.__measureLayout) void document.body.offsetHeight;
        const t2 = performance.now();
        const groups = e.data.split('"group_id":').length - 1;
        const r = { at, script: t1 - t0, layout: t2 - t1, bytes: e.data.length, groups, frame: null, made: !e.isTrusted };
        window.__sse.push(r);
        if (e.isTrusted) window.__last = e.data;
        requestAnimationFrame(() => window.__afterFrame(() => (r.frame = performance.now() - t0)));
      }, options);
    }
  };
})()"#;

#[tokio::main]
async fn main() {
    let chrome = Chrome::launch().await.expect("Chromium is installed");
    let limits = [("WFM_RATE_LIMIT_INGEST", "100000")];

    let s = TestServer::start_with(&limits).await;
    let (group, _) = small_center(&s).await;
    first_load(&chrome, &s).await;
    let small = event_to_tile(&chrome, &s, group).await;
    s.stop().await;

    let s = TestServer::start_with(&limits).await;
    wallboard_of_500(&chrome, &s, small).await;
    s.stop().await;
    chrome.close().await;
}

// ---------------------------------------------------------------------------------------
// 1. First load

async fn first_load(chrome: &Chrome, s: &TestServer) {
    println!("\n== 1. First load ==");
    let files = files_of_first_load(s).await;
    println!("{:<36} {:>9} {:>9}", "file", "raw B", "gzip B");
    for (path, raw, gzip) in &files {
        println!("{path:<36} {raw:>9} {gzip:>9}");
    }
    let raw: usize = files.iter().map(|f| f.1).sum();
    let gzip: usize = files.iter().map(|f| f.2).sum();
    println!(
        "{:<36} {raw:>9} {gzip:>9}  ({:.0} % of raw)",
        format!("total ({} files)", files.len()),
        100.0 * gzip as f64 / raw as f64
    );

    // Signing in from the form, to the first tile: the session cookie is dropped each time.
    let mut signing_in = Vec::new();
    for _ in 0..LOADS {
        chrome_clear_cookies(chrome).await;
        let page = blank_tab(chrome, false, &[LOAD_OBSERVER]).await;
        page.goto(format!("{}/", s.base))
            .await
            .expect("the console loads");
        until(
            &page,
            "the sign-in form",
            10,
            "document.querySelector('form.signin')",
        )
        .await;
        type_into(&page, "#name", "supervisor").await;
        type_into(&page, "#password", PASSWORD).await;
        let submitted: f64 = eval(
            &page,
            "(() => { const t = performance.now(); document.querySelector('form.signin button[type=submit]').click(); return t; })()",
        )
        .await;
        let tile = until(&page, "the first tile", 15, "window.__load.tile").await;
        signing_in.push(tile.as_f64().unwrap() - submitted);
        let _ = page.close().await;
    }

    // Signed in (the cookie of the last sign-in), empty cache: navigation start to the tile.
    let mut loads: Vec<HashMap<&str, f64>> = Vec::new();
    for i in 0..=LOADS {
        let page = blank_tab(chrome, true, &[LOAD_OBSERVER]).await;
        page.goto(format!("{}/", s.base))
            .await
            .expect("the console loads");
        until(&page, "the first tile", 15, "window.__load.frame").await;
        let t: HashMap<String, f64> = eval(
            &page,
            "(() => { const n = performance.getEntriesByType('navigation')[0];
               const files = performance.getEntriesByType('resource').filter((r) => r.name.includes('/assets/'));
               return { document: n.responseEnd, modules: n.domContentLoadedEventEnd, load: n.loadEventEnd,
                        tile: window.__load.tile, frame: window.__load.frame,
                        wire: n.transferSize + files.reduce((a, r) => a + r.transferSize, 0),
                        body: n.encodedBodySize + files.reduce((a, r) => a + r.encodedBodySize, 0),
                        requests: files.length + 1 }; })()",
        )
        .await;
        let _ = page.close().await;
        if i > 0 {
            // The first load warms Chromium up; not counted.
            loads.push(
                [
                    "document", "modules", "load", "tile", "frame", "wire", "body", "requests",
                ]
                .into_iter()
                .map(|k| (k, t[k]))
                .collect(),
            );
        }
    }
    let median_of = |k: &str| median(&loads.iter().map(|l| l[k]).collect::<Vec<_>>());
    println!(
        "browser, empty cache: {} requests, {} B of bodies ({} B with headers) over the wire",
        median_of("requests"),
        median_of("body"),
        median_of("wire")
    );

    let mut healthz = Vec::new();
    for i in 0..=LOADS {
        let page = blank_tab(chrome, true, &[]).await;
        page.goto(format!("{}/healthz", s.base))
            .await
            .expect("/healthz loads");
        let t: f64 = eval(
            &page,
            "performance.getEntriesByType('navigation')[0].loadEventEnd",
        )
        .await;
        let _ = page.close().await;
        if i > 0 {
            healthz.push(t);
        }
    }
    let base = median(&healthz);
    println!("navigation start to (median of {LOADS} loads, min-max; empty cache, signed in):");
    for (what, key) in [
        ("the shell's response end", "document"),
        ("every module run (DOMContentLoaded)", "modules"),
        ("load event", "load"),
        ("first tile in the DOM", "tile"),
        ("the frame after it", "frame"),
    ] {
        let xs: Vec<f64> = loads.iter().map(|l| l[key]).collect();
        println!(
            "  {what:<38} {:>7.1} ms ({:.1}-{:.1})",
            median(&xs),
            min(&xs),
            max(&xs)
        );
    }
    println!(
        "  baseline: /healthz load event        {base:>7.1} ms ({:.1}-{:.1})",
        min(&healthz),
        max(&healthz)
    );
    println!("  first tile / baseline: {:.1}x", median_of("tile") / base);
    println!(
        "sign-in button to the first tile (median of {LOADS}, min-max): {:.1} ms ({:.1}-{:.1})",
        median(&signing_in),
        min(&signing_in),
        max(&signing_in)
    );
}

/// Every file the first load of `/` fetches, following `/assets/...` references and
/// `import`s: path, bytes raw, bytes as sent with `Accept-Encoding: gzip`.
async fn files_of_first_load(s: &TestServer) -> Vec<(String, usize, usize)> {
    let mut todo = vec!["/".to_string()];
    let mut done = BTreeSet::new();
    let mut files = Vec::new();
    while let Some(path) = todo.pop() {
        if !done.insert(path.clone()) {
            continue;
        }
        let url = format!("{}{path}", s.base);
        let raw = s.client.get(&url).send().await.unwrap();
        assert_eq!(raw.status(), 200, "{path}");
        let raw = raw.bytes().await.unwrap();
        let gzip = s
            .client
            .get(&url)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        let compressed = gzip
            .headers()
            .get("content-encoding")
            .is_some_and(|v| v == "gzip");
        let gzip = gzip.bytes().await.unwrap();
        if compressed {
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&gzip[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, raw, "{path}: gzip gives the file back");
        }
        let text = String::from_utf8_lossy(&raw);
        todo.extend(references(&path, &text));
        files.push((path, raw.len(), gzip.len()));
    }
    files.sort_by_key(|f| f.0 != "/");
    files
}

/// What a file makes the browser load: `/assets/...` in quotes, and relative `import`s.
fn references(path: &str, text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split('"')
        .filter(|piece| piece.starts_with("/assets/"))
        .map(String::from)
        .collect();
    if path.ends_with(".js") {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for line in text.lines().map(str::trim) {
            let is_import = line.starts_with("import ")
                || (line.starts_with("export ") && line.contains(" from "));
            if let Some(spec) = line.split(['"', '\'']).nth(1).filter(|_| is_import) {
                out.push(resolve(dir, spec));
            }
        }
    }
    out
}

/// `spec` (`./x.js`, `../x.js`) from the folder `dir` (`/assets/views`).
fn resolve(dir: &str, spec: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for piece in spec.split('/') {
        match piece {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

// ---------------------------------------------------------------------------------------
// 2. Event to tile

/// Returns the medians of the 2-group wallboard's `groups` handler and of the time to the
/// end of the next frame, ms.
async fn event_to_tile(chrome: &Chrome, s: &TestServer, group: i64) -> (f64, f64) {
    println!("\n== 2. Event to tile ==");
    let page = blank_tab(chrome, false, &[LOAD_OBSERVER, SSE_HOOK]).await;
    page.goto(format!("{}/", s.base))
        .await
        .expect("the console loads");
    until(
        &page,
        "the group cards",
        15,
        "document.querySelectorAll('article.group').length === 2",
    )
    .await;
    visible(&page).await;
    let observer = r#"(() => {
      const text = () => { const v = document.querySelector('article[data-group="GROUP"] .tile[data-indicator=operators_online] .value');
                           return v && v.firstChild.textContent; };
      let last = text();
      window.__changes = [];
      new MutationObserver(() => {
        const value = text();
        if (value === last) return;
        last = value;
        const sse = window.__sse[window.__sse.length - 1];
        const c = { value, at: Date.now(), sse: sse ? sse.at : null, frame: null };
        window.__changes.push(c);
        requestAnimationFrame(() => window.__afterFrame(() => (c.frame = Date.now())));
      }).observe(document.querySelector(".board"), { childList: true, subtree: true, characterData: true });
      window.__change = (from, want) => new Promise((resolve) => {
        const look = () => {
          const i = window.__changes.findIndex((c, i) => i >= from && c.value === want && c.frame !== null);
          i >= 0 ? resolve({ ...window.__changes[i], i }) : setTimeout(look, 2);
        };
        look();
      });
      return last;
    })()"#
        .replace("GROUP", &group.to_string());
    let start: String = eval(&page, &observer).await;
    assert_eq!(start, "0", "nobody on line at first");

    let token = s.token(Role::Integration);
    let (mut ack_to_dom, mut post_to_dom, mut ack_to_sse, mut sse_to_dom, mut dom_to_frame) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut round_trip = Vec::new();
    let mut from = 0;
    for i in 0..EVENTS {
        // Spread over the publisher's phase: 150-650 ms between events.
        tokio::time::sleep(Duration::from_millis(150 + (i as u64 * 137) % 500)).await;
        let (state, want) = if i % 2 == 0 {
            ("ready", "50")
        } else {
            ("logged_out", "0")
        };
        let event = json!([{"type": "agent_state", "id": format!("lat-{i}"), "at": chrono::Utc::now(),
                            "agent": "op-0", "state": state}]);
        let sent = wall_ms();
        let took = post_events(s, &token, &event).await;
        let acked = wall_ms();
        round_trip.push(took);
        let c: Value = eval(&page, &format!("window.__change({from}, '{want}')")).await;
        from = c["i"].as_u64().unwrap() as usize + 1;
        let (dom, frame) = (c["at"].as_f64().unwrap(), c["frame"].as_f64().unwrap());
        ack_to_dom.push(dom - acked);
        post_to_dom.push(dom - sent);
        dom_to_frame.push(frame - dom);
        if let Some(sse) = c["sse"].as_f64() {
            ack_to_sse.push(sse - acked);
            sse_to_dom.push(dom - sse);
        }
    }
    let updates: Vec<(f64, f64)> =
        eval(&page, "window.__sse.map((r) => [r.script, r.frame ?? 0])").await;
    let _ = page.close().await;
    println!("{EVENTS} events, one operator ready / logged out in turn (ms, p50 / p99 / max):");
    for (what, xs) in [
        ("POST acknowledged (200) -> tile in the DOM", &ack_to_dom),
        ("POST sent -> tile in the DOM", &post_to_dom),
        ("  of which: 200 -> stream message in the page", &ack_to_sse),
        ("  of which: stream message -> tile in the DOM", &sse_to_dom),
        ("tile in the DOM -> end of the next frame", &dom_to_frame),
        ("baseline: the ingest POST's round trip", &round_trip),
    ] {
        println!(
            "  {what:<46} {:>7.1} / {:>7.1} / {:>7.1}",
            percentile(xs, 0.5),
            percentile(xs, 0.99),
            max(xs)
        );
    }
    println!(
        "  ratios: tile p50 / POST p50 = {:.0}x; tile p50 / publication period ({PUBLISH_MS} ms) = {:.2}; tile p99 / period = {:.2}",
        percentile(&ack_to_dom, 0.5) / percentile(&round_trip, 0.5),
        percentile(&ack_to_dom, 0.5) / PUBLISH_MS,
        percentile(&ack_to_dom, 0.99) / PUBLISH_MS
    );
    let handler: Vec<f64> = updates.iter().map(|u| u.0).collect();
    let frame: Vec<f64> = updates.iter().map(|u| u.1).collect();
    (median(&handler), median(&frame))
}

/// Posts `events` to the ingest API with an integration token; the round trip in ms.
async fn post_events(s: &TestServer, token: &str, events: &Value) -> f64 {
    let started = Instant::now();
    let response = s
        .request(Method::POST, "/api/v1/events")
        .bearer_auth(token)
        .json(events)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    let took = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(status, 200, "{body}");
    took
}

// ---------------------------------------------------------------------------------------
// 3. A wallboard of 500 groups

/// `small`: the same figures on the 2-group wallboard (handler, to next frame), for
/// comparison.
async fn wallboard_of_500(chrome: &Chrome, s: &TestServer, small: (f64, f64)) {
    println!("\n== 3. Wallboard of {GROUPS} groups ==");
    let made = Instant::now();
    big_center(s).await;
    println!(
        "{SERVICES} services, {GROUPS} groups, one operator each, made over the API in {:.1} s",
        made.elapsed().as_secs_f64()
    );
    chrome_clear_cookies(chrome).await;
    sign_in(chrome, s).await;

    let want = format!("window.__load.want = {GROUPS}");
    let page = blank_tab(chrome, true, &[LOAD_OBSERVER, &want, SSE_HOOK]).await;
    page.goto(format!("{}/", s.base))
        .await
        .expect("the console loads");
    until(&page, "every group card", 30, "window.__load.cards").await;
    visible(&page).await;
    let first: HashMap<String, f64> = eval(
        &page,
        "({tile: window.__load.tile, cards: window.__load.cards, tiles: document.querySelectorAll('.tile').length,
           nodes: document.getElementsByTagName('*').length})",
    )
    .await;
    println!(
        "first load (empty cache): first tile {:.0} ms, all {GROUPS} cards {:.0} ms after navigation start; {} tiles, {} elements",
        first["tile"], first["cards"], first["tiles"], first["nodes"]
    );
    let _: bool = eval(&page, "window.__measureLayout = true").await;
    page.execute(PerformanceEnable::default()).await.unwrap();

    let token = s.token(Role::Integration);
    println!("a live update, in the page (ms, median / max over {UPDATES} messages):");
    println!(
        "  {:<34} {:>7} {:>15} {:>15} {:>15} {:>15} {:>8}",
        "", "groups", "handler (JS)", "style+layout", "JS+layout", "to next frame", "message"
    );
    let mut slowest = 0.0f64;
    let phases = [
        ("the 1 s refresh, nothing happened", 0),
        ("after an event for one group", 1),
        ("after events for all 500 groups", GROUPS),
    ];
    for (round, (what, events)) in phases.into_iter().enumerate() {
        let before = metrics(&page).await;
        let from: usize = eval(&page, "window.__sse.length").await;
        let mut updates = Vec::new();
        for update in 0..UPDATES {
            let mut since = 0.0;
            if events > 0 {
                let state = ["ready", "logged_out"][update % 2];
                let batch: Vec<Value> = (0..events)
                    .map(|i| (i + update) % GROUPS)
                    .map(|i| json!({"type": "agent_state", "id": format!("u{round}-{update}-{i}"),
                                    "at": chrono::Utc::now(), "agent": format!("op-{i}"), "state": state}))
                    .collect();
                post_events(s, &token, &Value::Array(batch)).await;
                since = wall_ms();
            }
            // The first message after the POST's 200 (any, for the refresh), once its frame is over.
            let js = format!(
                "new Promise((resolve) => {{ const look = () => {{
                   const r = window.__sse.slice({from}).find((r) => !r.taken && !r.made && r.at >= {since} && r.frame !== null);
                   if (r) {{ r.taken = true; resolve(r); }} else setTimeout(look, 5); }}; look(); }})"
            );
            updates.push(eval::<Value>(&page, &js).await);
            if events > 0 {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        }
        let after = metrics(&page).await;
        let count: usize = eval::<usize>(&page, "window.__sse.length").await - from;
        slowest = slowest.max(print_updates(what, &updates));
        let per = |k: &str| 1000.0 * (after[k] - before[k]) / count as f64;
        println!(
            "    DevTools metrics per message ({count} messages): script {:.1} ms, style {:.1} ms, layout {:.1} ms, all tasks {:.1} ms",
            per("ScriptDuration"),
            per("RecalcStyleDuration"),
            per("LayoutDuration"),
            per("TaskDuration")
        );
    }
    println!(
        "  baseline: the 2-group wallboard's handler {:.1} ms, to next frame {:.1} ms (section 2); a frame at 60 Hz: 16.7 ms",
        small.0, small.1
    );
    if slowest > 16.7 {
        let _: bool = eval(&page, "window.__measureLayout = false").await;
        profile_updates(&page).await;
    }
    let _ = page.close().await;
}

/// Prints a row of the update table; gives the median of handler + style and layout.
fn print_updates(what: &str, updates: &[Value]) -> f64 {
    let col = |k: &str| -> Vec<f64> { updates.iter().map(|u| u[k].as_f64().unwrap()).collect() };
    let work: Vec<f64> = col("script")
        .iter()
        .zip(col("layout"))
        .map(|(a, b)| a + b)
        .collect();
    let cell = |xs: &[f64]| format!("{:.1} / {:.1}", median(xs), max(xs));
    println!(
        "  {what:<34} {:>7} {:>15} {:>15} {:>15} {:>15} {:>5.0} KB",
        median(&col("groups")),
        cell(&col("script")),
        cell(&col("layout")),
        cell(&work),
        cell(&col("frame")),
        median(&col("bytes")) / 1000.0
    );
    median(&work)
}

/// A CPU profile of the page over 10 live updates: the functions with the most time of
/// their own.
async fn profile_updates(page: &Page) {
    page.execute(profiler::EnableParams::default())
        .await
        .unwrap();
    page.execute(profiler::SetSamplingIntervalParams::new(100))
        .await
        .unwrap();
    page.execute(profiler::StartParams::default())
        .await
        .unwrap();
    let from: usize = eval(page, "window.__sse.length").await;
    let js = format!("window.__sse.slice({from}).filter((r) => r.frame !== null).length >= 10");
    until(page, "10 live updates", 60, &js).await;
    let messages: usize = eval::<usize>(page, "window.__sse.length").await - from;
    let profile = page
        .execute(profiler::StopParams::default())
        .await
        .unwrap()
        .result
        .profile;
    let names: HashMap<i64, String> = profile
        .nodes
        .iter()
        .map(|n| {
            let f = &n.call_frame;
            let file = f.url.rsplit('/').next().unwrap_or("");
            // The measuring scripts added to the page have no address.
            if f.url.is_empty() && f.function_name.is_empty() {
                return (
                    n.id,
                    "(anonymous, no address: the measuring scripts)".to_string(),
                );
            }
            let name = if f.function_name.is_empty() {
                "(anonymous)"
            } else {
                &f.function_name
            };
            let at = if file.is_empty() {
                String::new()
            } else {
                format!(" {file}:{}", f.line_number + 1)
            };
            (n.id, format!("{name}{at}"))
        })
        .collect();
    let mut own: HashMap<&str, f64> = HashMap::new();
    let samples = profile.samples.unwrap_or_default();
    let deltas = profile.time_deltas.unwrap_or_default();
    for (node, delta) in samples.iter().zip(deltas.iter()) {
        *own.entry(names[node].as_str()).or_default() += *delta as f64 / 1000.0;
    }
    let span = (profile.end_time - profile.start_time) / 1000.0;
    let idle = own.remove("(idle)").unwrap_or(0.0);
    let mut own: Vec<(&str, f64)> = own.into_iter().collect();
    own.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!(
        "where the time goes: CPU profile of the page's main thread over {messages} messages \
         ({span:.0} ms, {:.0} % idle), own time per message, ms ((program): the browser's own \
         work: parsing, style, layout, paint):",
        100.0 * idle / span
    );
    for (name, ms) in own.iter().take(15) {
        println!("  {:>7.1}  {name}", ms / messages as f64);
    }
}

/// The page's DevTools performance metrics (durations in seconds since it started).
async fn metrics(page: &Page) -> HashMap<String, f64> {
    page.metrics()
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.name, m.value))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Centers, sign-in, tabs

/// Two groups, four operators planned on line all day (nobody on line yet), no alert
/// rules, a supervisor; the first group's id.
async fn small_center(s: &TestServer) -> (i64, i64) {
    let site = created(
        s,
        "/api/v1/sites",
        json!({"name": "Main", "time_zone": "UTC"}),
    )
    .await;
    let service = created(
        s,
        "/api/v1/services",
        json!({"site_id": site, "name": "Sales"}),
    )
    .await;
    let mut groups = [0; 2];
    for (i, g) in groups.iter_mut().enumerate() {
        *g = created(
            s,
            "/api/v1/groups",
            json!({"service_id": service, "name": format!("Line {}", i + 1), "external_id": format!("L{}", i + 1)}),
        )
        .await;
    }
    let owners = [groups[0], groups[0], groups[1], groups[1]];
    operators(s, site, &owners).await;
    without_alert_rules(s).await;
    supervisor(s).await;
    (groups[0], groups[1])
}

/// `SERVICES` services of `GROUPS` groups in all, one operator planned on line all day in
/// each (`op-<i>` in the i-th group), no alert rules, a supervisor.
async fn big_center(s: &TestServer) {
    let site = created(
        s,
        "/api/v1/sites",
        json!({"name": "Main", "time_zone": "UTC"}),
    )
    .await;
    let mut services = Vec::new();
    for i in 0..SERVICES {
        services.push(
            created(
                s,
                "/api/v1/services",
                json!({"site_id": site, "name": format!("Service {i}")}),
            )
            .await,
        );
    }
    let mut groups = Vec::new();
    for i in 0..GROUPS {
        let service = services[i * SERVICES / GROUPS];
        groups.push(
            created(s, "/api/v1/groups", json!({"service_id": service, "name": format!("Group {i}"), "external_id": format!("G{i}")}))
                .await,
        );
    }
    operators(s, site, &groups).await;
    without_alert_rules(s).await;
    supervisor(s).await;
}

/// An operator `op-<i>` for each entry of `groups`, planned on line in it all day.
async fn operators(s: &TestServer, site: i64, groups: &[i64]) {
    let day = chrono::Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let mut segments = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        let agent = created(
            s,
            "/api/v1/agents",
            json!({"external_id": format!("op-{i}"), "full_name": format!("Operator {i}"),
                   "site_id": site, "primary_group_id": group}),
        )
        .await;
        segments.push(
            json!({"agent_id": agent, "start": day, "end": day + chrono::Duration::days(1),
                             "activity": "line", "group_id": group}),
        );
    }
    put_plan(s, "timetable", json!({"segments": segments})).await;
}

async fn supervisor(s: &TestServer) {
    let body =
        json!({"name": "supervisor", "role": "supervisor", "password": PASSWORD, "locale": "en"});
    let (st, answer) = s
        .call(Method::POST, "/api/v1/users", Role::Admin, Some(body))
        .await;
    assert_eq!(st, 201, "{answer}");
}

/// Signs the supervisor in from the form (the cookie then serves every tab).
async fn sign_in(chrome: &Chrome, s: &TestServer) {
    let page = chrome.open(&format!("{}/", s.base)).await;
    common::browser::sign_in(&page, "supervisor", PASSWORD).await;
    let _ = page.close().await;
}

/// A blank tab with `scripts` to run before each page's own, and the cache off if asked.
async fn blank_tab(chrome: &Chrome, no_cache: bool, scripts: &[&str]) -> Page {
    let page = chrome.open("about:blank").await;
    if no_cache {
        page.execute(ClearBrowserCacheParams::default())
            .await
            .unwrap();
        page.execute(SetCacheDisabledParams::new(true))
            .await
            .unwrap();
    }
    for script in scripts {
        page.evaluate_on_new_document(*script).await.unwrap();
    }
    page
}

async fn chrome_clear_cookies(chrome: &Chrome) {
    let page = chrome.open("about:blank").await;
    page.execute(ClearBrowserCookiesParams::default())
        .await
        .unwrap();
    let _ = page.close().await;
}

/// Brings the tab to the front and says so if the page still thinks it is hidden (frames
/// would then be throttled).
async fn visible(page: &Page) {
    let _ = page.bring_to_front().await;
    let state: String = eval(page, "document.visibilityState").await;
    if state != "visible" {
        println!("  (the page is {state}: frame times are throttled)");
    }
}

// ---------------------------------------------------------------------------------------
// Figures

fn wall_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// The nearest-rank percentile `p` (0-1).
fn percentile(xs: &[f64], p: f64) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

fn median(xs: &[f64]) -> f64 {
    percentile(xs, 0.5)
}

fn min(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}
