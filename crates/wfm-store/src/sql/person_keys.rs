//! Crypto-shredding of the audit log. The audit log is append-only, so a person's personal
//! fields never go into it in the clear: each person (WFM agent) has a random key in
//! `person_keys`, the fields are stored encrypted with it (ChaCha20-Poly1305, the agent id
//! bound in as associated data), and reading decrypts them. Erasure destroys the key: the
//! entries stay as they were, and the fields read `"[erased]"`.

use std::collections::{HashMap, HashSet};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use rand::RngCore;
use serde_json::Value;
use sqlx::{AnyConnection, Row};

use super::{codec, time};
use crate::error::{StoreError, StoreResult};

pub(crate) use crate::privacy::ERASED;

/// How a sealed field starts: `pii:v1:<agent id>:<hex of nonce and ciphertext>`.
const TOKEN: &str = "pii:v1:";
const NONCE_BYTES: usize = 12;
/// Agent ids per `IN` list.
const CHUNK: usize = 500;

/// Audited entities whose records carry a person's personal fields, and those fields; the
/// entity id is the agent id.
const PERSONAL: &[(&str, &[&str])] =
    &[("agent", &["external_id", "full_name", "personnel_number"])];

/// The personal fields of `entity`'s records, if it has any.
pub(crate) fn personal_fields(entity: &str) -> Option<&'static [&'static str]> {
    PERSONAL.iter().find(|(e, _)| *e == entity).map(|(_, f)| *f)
}

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "person key")
}

/// The keys of some persons, by agent id.
#[derive(Default)]
pub(crate) struct Keys(HashMap<i64, ChaCha20Poly1305>);

impl Keys {
    fn insert(&mut self, agent_id: i64, hex_key: &str) -> StoreResult<()> {
        let bytes = hex::decode(hex_key)
            .map_err(|_| StoreError::other(format!("the key of agent {agent_id} is unreadable")))?;
        let cipher = ChaCha20Poly1305::new_from_slice(&bytes)
            .map_err(|_| StoreError::other(format!("the key of agent {agent_id} is unreadable")))?;
        self.0.insert(agent_id, cipher);
        Ok(())
    }
}

async fn load(conn: &mut AnyConnection, agents: &[i64], keys: &mut Keys) -> StoreResult<()> {
    for chunk in agents.chunks(CHUNK) {
        let sql = format!(
            "SELECT agent_id, key_hex FROM person_keys WHERE agent_id IN ({})",
            codec::list(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await.map_err(err)? {
            let id: i64 = row.try_get("agent_id").map_err(err)?;
            let key: String = row.try_get("key_hex").map_err(err)?;
            keys.insert(id, &key)?;
        }
    }
    Ok(())
}

/// The stored keys of `agents` (those erased have none).
pub(crate) async fn existing(conn: &mut AnyConnection, agents: &[i64]) -> StoreResult<Keys> {
    let mut keys = Keys::default();
    load(conn, agents, &mut keys).await?;
    Ok(keys)
}

/// The keys of `agents`, made for those who have none yet (inside the caller's write).
pub(crate) async fn for_agents(conn: &mut AnyConnection, agents: &[i64]) -> StoreResult<Keys> {
    let mut wanted: Vec<i64> = agents.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut keys = existing(conn, &wanted).await?;
    let missing: Vec<i64> = wanted
        .into_iter()
        .filter(|id| !keys.0.contains_key(id))
        .collect();
    if missing.is_empty() {
        return Ok(keys);
    }
    let now = time::now_ms();
    for chunk in missing.chunks(CHUNK / 3) {
        let sql = format!(
            "INSERT INTO person_keys (agent_id, key_hex, created_at) VALUES {} \
             ON CONFLICT (agent_id) DO NOTHING",
            codec::values(chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            query = query.bind(*id).bind(hex::encode(key)).bind(now);
        }
        query.execute(&mut *conn).await.map_err(err)?;
    }
    // Read back: a concurrent writer may have made a key first.
    load(conn, &missing, &mut keys).await?;
    Ok(keys)
}

fn associated(agent_id: i64) -> String {
    format!("agent:{agent_id}")
}

/// Encrypts `fields` of the record `value` (a JSON object) with the agent's key; null and
/// absent fields stay as they are.
pub(crate) fn seal(
    value: &mut Value,
    fields: &[&str],
    agent_id: i64,
    keys: &Keys,
) -> StoreResult<()> {
    let Some(object) = value.as_object_mut() else {
        return Ok(());
    };
    let cipher = keys
        .0
        .get(&agent_id)
        .ok_or_else(|| StoreError::other(format!("no key for agent {agent_id}")))?;
    let aad = associated(agent_id);
    for field in fields {
        let Some(v) = object.get_mut(*field) else {
            continue;
        };
        if v.is_null() {
            continue;
        }
        let plain = serde_json::to_vec(v).map_err(StoreError::caused)?;
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let nonce_ref =
            Nonce::try_from(&nonce[..]).map_err(|_| StoreError::other("bad nonce length"))?;
        let sealed = cipher
            .encrypt(
                &nonce_ref,
                Payload {
                    msg: &plain,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| StoreError::other("a personal field could not be encrypted"))?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        *v = Value::String(format!("{TOKEN}{agent_id}:{}", hex::encode(bytes)));
    }
    Ok(())
}

/// The agent id and bytes of a sealed field.
fn token(text: &str) -> Option<(i64, Vec<u8>)> {
    let rest = text.strip_prefix(TOKEN)?;
    let (id, hex_part) = rest.split_once(':')?;
    Some((id.parse().ok()?, hex::decode(hex_part).ok()?))
}

/// The agents whose keys the sealed fields in `value` need.
pub(crate) fn sealed_agents(value: &Value, out: &mut HashSet<i64>) {
    match value {
        Value::String(s) => {
            if let Some((id, _)) = token(s) {
                out.insert(id);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| sealed_agents(v, out)),
        Value::Object(map) => map.values().for_each(|v| sealed_agents(v, out)),
        _ => {}
    }
}

fn decrypt(keys: &Keys, agent_id: i64, bytes: &[u8]) -> Option<Value> {
    let cipher = keys.0.get(&agent_id)?;
    if bytes.len() < NONCE_BYTES {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
    let nonce = Nonce::try_from(nonce).ok()?;
    let aad = associated(agent_id);
    let plain = cipher
        .decrypt(
            &nonce,
            Payload {
                msg: sealed,
                aad: aad.as_bytes(),
            },
        )
        .ok()?;
    serde_json::from_slice(&plain).ok()
}

/// Decrypts every sealed field in `value`; those whose key is gone read `"[erased]"`.
pub(crate) fn open(value: &mut Value, keys: &Keys) {
    match value {
        Value::String(s) => {
            if let Some((id, bytes)) = token(s) {
                *value = decrypt(keys, id, &bytes).unwrap_or_else(|| Value::String(ERASED.into()));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| open(v, keys)),
        Value::Object(map) => map.values_mut().for_each(|v| open(v, keys)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys_of(pairs: &[(i64, [u8; 32])]) -> Keys {
        let mut keys = Keys::default();
        for (id, key) in pairs {
            keys.insert(*id, &hex::encode(key)).unwrap();
        }
        keys
    }

    #[test]
    fn sealed_fields_open_with_the_key_and_read_erased_without_it() {
        let keys = keys_of(&[(7, [1; 32]), (8, [2; 32])]);
        let original = json!({"id": 7, "external_id": "qz-login", "full_name": "Qzxjvkpw Y",
                              "personnel_number": null, "active": true});
        let mut v = original.clone();
        seal(
            &mut v,
            &["external_id", "full_name", "personnel_number"],
            7,
            &keys,
        )
        .unwrap();
        let text = v.to_string();
        assert!(
            !text.contains("qz-login") && !text.contains("Qzxjvkpw"),
            "{text}"
        );
        assert_eq!(v["personnel_number"], Value::Null);
        assert_eq!(v["active"], true);
        let mut agents = HashSet::new();
        sealed_agents(&v, &mut agents);
        assert_eq!(agents, HashSet::from([7]));

        let mut read = v.clone();
        open(&mut read, &keys);
        assert_eq!(read, original);

        // Another person's key does not open it (the agent id is bound in), nor no key.
        let mut moved = v.clone();
        let forged = v["full_name"].as_str().unwrap().replacen(":7:", ":8:", 1);
        moved["full_name"] = json!(forged);
        open(&mut moved, &keys);
        assert_eq!(moved["full_name"], ERASED);
        let mut shredded = v;
        open(&mut shredded, &keys_of(&[(8, [2; 32])]));
        assert_eq!(shredded["external_id"], ERASED);
        assert_eq!(shredded["full_name"], ERASED);
        assert_eq!(shredded["id"], 7);
    }

    #[test]
    fn only_agents_have_personal_fields() {
        assert!(personal_fields("agent").unwrap().contains(&"full_name"));
        assert!(personal_fields("group").is_none());
    }
}
