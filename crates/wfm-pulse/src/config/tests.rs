//! Settings resolved from defaults, a file and the environment; the JWT secret.

use super::*;
use std::collections::HashMap;
use std::time::Duration;

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

#[test]
fn defaults_then_file_then_environment() {
    let c = Config::resolve(None, &env(&[])).unwrap();
    assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(c.database_url, "sqlite://data/wfm-pulse.db");
    assert_eq!(c.rate_limit.write, 20.0);

    let file = "bind = \"0.0.0.0:9000\"\ndata_dir = \"/var/lib/wfm\"\nrate_limit_write = 5\nlog = \"debug\"";
    let c = Config::resolve(Some(file), &env(&[])).unwrap();
    assert_eq!(c.bind.to_string(), "0.0.0.0:9000");
    assert_eq!(c.database_url, "sqlite:///var/lib/wfm/wfm-pulse.db");
    assert_eq!(c.rate_limit.write, 5.0);

    let c = Config::resolve(
        Some(file),
        &env(&[
            ("WFM_BIND", "127.0.0.1:7000"),
            ("WFM_RATE_LIMIT_WRITE", "7.5"),
        ]),
    )
    .unwrap();
    assert_eq!(c.bind.to_string(), "127.0.0.1:7000");
    assert_eq!(c.rate_limit.write, 7.5);
    assert_eq!(
        c.log.as_deref(),
        Some("debug"),
        "the file still applies where env is silent"
    );
}

#[test]
fn audit_retention_defaults_to_seven_years_and_is_checked() {
    let c = Config::resolve(None, &env(&[])).unwrap();
    assert_eq!(c.audit_retention_days, 2557);
    let c = Config::resolve(Some("audit_retention_days = 30"), &env(&[])).unwrap();
    assert_eq!(c.audit_retention_days, 30);
    let c = Config::resolve(None, &env(&[("WFM_AUDIT_RETENTION_DAYS", "3650")])).unwrap();
    assert_eq!(c.audit_retention_days, 3650);
    for bad in ["0", "-5", "1.5", "40000"] {
        let e = Config::resolve(None, &env(&[("WFM_AUDIT_RETENTION_DAYS", bad)])).unwrap_err();
        assert!(e.contains("audit_retention_days"), "{bad}: {e}");
    }
    let e = Config::resolve(None, &env(&[("WFM_AUDIT_RETENTION_DAYS", "long")])).unwrap_err();
    assert!(e.contains("WFM_AUDIT_RETENTION_DAYS"), "{e}");
}

#[test]
fn connection_limits_are_layered_too() {
    let c = Config::resolve(None, &env(&[])).unwrap();
    assert_eq!(c.connections, ConnLimits::default());
    let file = "header_timeout_seconds = 5\nmax_connections = 100";
    let c = Config::resolve(Some(file), &env(&[("WFM_MAX_CONNECTIONS", "200")])).unwrap();
    assert_eq!(c.connections.header_timeout, Duration::from_secs(5));
    assert_eq!(c.connections.max_connections, 200);
    let e = Config::resolve(None, &env(&[("WFM_BODY_TIMEOUT_SECONDS", "0")])).unwrap_err();
    assert!(e.contains("body_timeout_seconds"), "{e}");
}

#[test]
fn bad_settings_are_named() {
    let e = Config::resolve(Some("bnid = \"x\""), &env(&[])).unwrap_err();
    assert!(e.contains("bnid"), "{e}");
    let e = Config::resolve(None, &env(&[("WFM_RATE_LIMIT_READ", "fast")])).unwrap_err();
    assert!(e.contains("WFM_RATE_LIMIT_READ"), "{e}");
    let e = Config::resolve(None, &env(&[("WFM_JWT_SECRET", "short")])).unwrap_err();
    assert!(e.contains("32"), "{e}");
    let e = Config::resolve(None, &env(&[("WFM_BIND", "nowhere")])).unwrap_err();
    assert!(e.contains("bind"), "{e}");
}

#[test]
fn secrets_never_show() {
    let secret = "s3cret-s3cret-s3cret-s3cret-s3cret!";
    let c = Config::resolve(
        None,
        &env(&[
            ("WFM_JWT_SECRET", secret),
            ("WFM_DATABASE_URL", "postgres://wfm:pa55word@db:5432/wfm"),
        ]),
    )
    .unwrap();
    assert!(!format!("{c:?}").contains(secret));
    assert!(!format!("{c:?}").contains("pa55word"));
    assert_eq!(c.database_url_masked(), "postgres://wfm:***@db:5432/wfm");
    assert_eq!(
        mask_password("postgres://postgres@127.0.0.1/test"),
        "postgres://postgres@127.0.0.1/test"
    );
}

#[test]
fn a_generated_secret_is_kept_for_the_next_start() {
    let dir = std::env::temp_dir().join(format!("wfm-secret-{}", uuid::Uuid::new_v4()));
    let config = Config::resolve(None, &env(&[("WFM_DATA_DIR", dir.to_str().unwrap())])).unwrap();
    let (first, source) = jwt_secret_or_generate(&config).unwrap();
    assert!(matches!(source, SecretSource::Generated(_)));
    let (again, source) = jwt_secret_or_generate(&config).unwrap();
    assert_eq!(first, again);
    assert!(matches!(source, SecretSource::File(_)));
    let (read, _) = jwt_secret(&config).unwrap();
    assert_eq!(first, read);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|f| f.unwrap().file_name())
        .collect();
    assert_eq!(files, ["jwt-secret"], "no draft is left behind");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn servers_starting_together_agree_on_one_generated_secret() {
    let dir = std::env::temp_dir().join(format!("wfm-secret-{}", uuid::Uuid::new_v4()));
    let config = Config::resolve(None, &env(&[("WFM_DATA_DIR", dir.to_str().unwrap())])).unwrap();
    let secrets: Vec<Vec<u8>> = std::thread::scope(|s| {
        let starts: Vec<_> = (0..8)
            .map(|_| s.spawn(|| jwt_secret_or_generate(&config).unwrap().0))
            .collect();
        starts.into_iter().map(|t| t.join().unwrap()).collect()
    });
    assert!(secrets.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(jwt_secret(&config).unwrap().0, secrets[0]);
    std::fs::remove_dir_all(dir).unwrap();
}
