//! Screenshots of every console page, in English and Russian, at desktop and phone size,
//! written to docs/screenshots/ for the README. Against a running demo:
//!
//! ```sh
//! cargo run -- demo                     # prints the demo people and their passwords
//! cargo run --example screenshots -- http://127.0.0.1:8080 admin PASSWORD
//! ```
//!
//! It needs Chromium (`apt-get install -y chromium`).

#[path = "../tests/api/common/browser.rs"]
mod browser;

use std::path::Path;

use browser::{Chrome, click, eval, screenshot, until};
use chromiumoxide::Page;

/// The views, by the address the console gives them, and a script that is true once each
/// has drawn what it fetched.
const VIEWS: [(&str, &str, &str); 8] = [
    (
        "wallboard",
        "#/",
        "document.querySelectorAll('article.group .tile').length > 0",
    ),
    (
        "group",
        "#/group/1/service_level",
        "document.querySelector('#view svg, #view table')",
    ),
    ("alerts", "#/alerts", "document.querySelector('#view h1')"),
    (
        "executive",
        "#/executive",
        "document.querySelector('#view table, #view article')",
    ),
    (
        "staffing",
        "#/staffing",
        "document.querySelector('#view form, #view h1')",
    ),
    (
        "history",
        "#/history",
        "document.querySelector('#view svg, #view table, #view h1')",
    ),
    (
        "integration",
        "#/integration",
        "document.querySelector('#view table, #view h1')",
    ),
    ("users", "#/users", "document.querySelector('#view table')"),
];

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, name, password] = args.as_slice() else {
        eprintln!("usage: screenshots URL NAME PASSWORD   (the demo prints its people)");
        std::process::exit(2);
    };
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&out).expect("docs/screenshots");
    let chrome = Chrome::launch().await.expect("Chromium is installed");
    let page = chrome.open(&format!("{base}/")).await;
    until(
        &page,
        "the sign-in form",
        10,
        "document.querySelector('form.signin')",
    )
    .await;
    save(&page, &out, "signin").await;
    browser::sign_in(&page, name, password).await;
    for locale in ["en", "ru"] {
        let current: String = eval(&page, "document.documentElement.lang").await;
        if current != locale {
            click(&page, "#lang").await;
            let js = format!("document.documentElement.lang === '{locale}'");
            until(&page, "the language switch", 10, &js).await;
        }
        for (view, hash, drawn) in VIEWS {
            let _: String = eval(&page, &format!("location.hash = '{hash}'")).await;
            until(&page, view, 15, drawn).await;
            if view == "staffing" {
                // Suggestions for every group, as a supervisor would ask.
                until(
                    &page,
                    "the groups",
                    10,
                    "document.querySelector('.staff-form input[type=checkbox]')",
                )
                .await;
                let _: bool = eval(&page, "(() => { document.querySelectorAll('.staff-form input[type=checkbox]').forEach(c => c.checked = true); return true; })()").await;
                click(&page, "#suggest").await;
                until(
                    &page,
                    "the suggestions",
                    30,
                    "document.querySelector('.staff table')",
                )
                .await;
            }
            settle(&page).await;
            save(&page, &out, &format!("{locale}-{view}")).await;
        }
        // A tab of its own per view: a full-page screenshot ends the phone-size emulation.
        for (view, hash, drawn) in [VIEWS[0], VIEWS[2]] {
            let phone = chrome.open_phone(&format!("{base}/{hash}")).await;
            until(&phone, view, 15, drawn).await;
            settle(&phone).await;
            save(&phone, &out, &format!("{locale}-phone-{view}")).await;
            let _ = phone.close().await;
        }
    }
    chrome.close().await;
    println!("screenshots in {}", out.display());
}

/// Lets the page draw what its next live update brings (a script, not a test: a pause is
/// fine here).
async fn settle(page: &Page) {
    let _ = page;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
}

async fn save(page: &Page, dir: &Path, name: &str) {
    let png = screenshot(page).await;
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write a screenshot");
    println!("{name}.png");
}
