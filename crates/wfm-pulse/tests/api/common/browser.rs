#![allow(dead_code)]

//! A headless Chromium (Debian's `chromium`) for the console's tests, driven through the
//! DevTools protocol: pages opened on a test server, scripts evaluated in them, the DOM polled
//! with a deadline, screenshots. `.ci/run` installs Chromium and sets `WFM_TEST_BROWSER=required`;
//! elsewhere a machine without it skips these tests, saying so.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::page::{Page, ScreenshotParams};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::task::JoinHandle;

/// A running headless Chromium with a profile of its own.
pub struct Chrome {
    browser: Browser,
    handler: JoinHandle<()>,
    profile: PathBuf,
}

/// Where Chromium is, if it is installed.
fn executable() -> Option<PathBuf> {
    let named = std::env::var_os("WFM_TEST_CHROMIUM").map(PathBuf::from);
    named
        .into_iter()
        .chain(["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from))
        .find(|p| p.exists())
}

impl Chrome {
    /// Starts Chromium; `None` (with a note) when it is not installed and not required.
    pub async fn launch() -> Option<Chrome> {
        let Some(path) = executable() else {
            let required = std::env::var("WFM_TEST_BROWSER").is_ok_and(|v| v == "required");
            assert!(
                !required,
                "Chromium is required (WFM_TEST_BROWSER=required) but not installed: apt-get install -y chromium"
            );
            eprintln!(
                "no Chromium here (apt-get install -y chromium): the browser test is left to .ci/run"
            );
            return None;
        };
        let profile = std::env::temp_dir().join(format!("wfm-chrome-{}", uuid::Uuid::new_v4()));
        let config = BrowserConfig::builder()
            .chrome_executable(path)
            .user_data_dir(&profile)
            .no_sandbox()
            .new_headless_mode()
            .window_size(1280, 900)
            .viewport(None)
            .launch_timeout(Duration::from_secs(30))
            .request_timeout(Duration::from_secs(30))
            // This machine's network is closed: no background connections to time out on.
            .args([
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--lang=en-US",
            ])
            .build()
            .expect("a browser configuration");
        let (browser, mut events) = Browser::launch(config).await.expect("Chromium starts");
        let handler = tokio::spawn(async move { while events.next().await.is_some() {} });
        Some(Chrome {
            browser,
            handler,
            profile,
        })
    }

    /// A new tab at `url`, loaded.
    pub async fn open(&self, url: &str) -> Page {
        let page = self.browser.new_page(url).await.expect("a new tab");
        page.wait_for_navigation().await.expect("the page loads");
        page
    }

    /// A new tab the size of a phone (390 x 844 CSS pixels), at `url`.
    pub async fn open_phone(&self, url: &str) -> Page {
        let page = self
            .browser
            .new_page("about:blank")
            .await
            .expect("a new tab");
        page.execute(
            SetDeviceMetricsOverrideParams::builder()
                .width(390)
                .height(844)
                .device_scale_factor(2.0)
                .mobile(true)
                .build()
                .expect("phone metrics"),
        )
        .await
        .expect("phone size");
        page.goto(url).await.expect("the page loads");
        page
    }

    /// Closes Chromium and removes its profile.
    pub async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = self.browser.wait().await;
        self.handler.abort();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The value of the script `js` in `page`.
pub async fn eval<T: DeserializeOwned>(page: &Page, js: &str) -> T {
    page.evaluate(js)
        .await
        .unwrap_or_else(|e| panic!("{js}: {e}"))
        .into_value()
        .unwrap_or_else(|e| panic!("{js}: {e}"))
}

/// Polls the script `js` in `page` every 50 ms until it gives something other than null,
/// false or undefined; fails naming `what` after `secs` seconds, with the page's text.
pub async fn until(page: &Page, what: &str, secs: u64, js: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let value: Value = page
            .evaluate(js)
            .await
            .ok()
            .and_then(|r| r.into_value().ok())
            .unwrap_or(Value::Null);
        if !(value.is_null() || value == Value::Bool(false)) {
            return value;
        }
        if Instant::now() > deadline {
            let text: Value = eval(page, "document.body.innerText").await;
            panic!("{what} did not happen within {secs} s; the page shows:\n{text}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sets an input's value as typing would, and tells the page.
pub async fn type_into(page: &Page, selector: &str, text: &str) {
    let js = format!(
        "(() => {{ const el = document.querySelector({sel}); el.value = {text}; \
         el.dispatchEvent(new Event('input', {{bubbles: true}})); return true; }})()",
        sel = serde_json::to_string(selector).unwrap(),
        text = serde_json::to_string(text).unwrap()
    );
    let _: bool = eval(page, &js).await;
}

/// Clicks the first element matching `selector`.
pub async fn click(page: &Page, selector: &str) {
    let js = format!(
        "(() => {{ const el = document.querySelector({}); if (!el) return false; el.click(); return true; }})()",
        serde_json::to_string(selector).unwrap()
    );
    let clicked: bool = eval(page, &js).await;
    assert!(clicked, "nothing to click at {selector}");
}

/// Signs `name` in on `page`, which shows the sign-in form or is about to, and waits until
/// the console's header shows.
pub async fn sign_in(page: &Page, name: &str, password: &str) {
    until(
        page,
        "the sign-in form",
        10,
        "document.querySelector('form.signin')",
    )
    .await;
    type_into(page, "#name", name).await;
    type_into(page, "#password", password).await;
    click(page, "form.signin button[type=submit]").await;
    until(
        page,
        "the header after signing in",
        10,
        "document.querySelector('#live-badge')",
    )
    .await;
}

/// A PNG of the whole page.
pub async fn screenshot(page: &Page) -> Vec<u8> {
    page.screenshot(ScreenshotParams::builder().full_page(true).build())
        .await
        .expect("a screenshot")
}
