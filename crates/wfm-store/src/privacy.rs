//! Records of data protection: erasing a person's personal data (GDPR "right to be
//! forgotten") and the record each erasure leaves, which names what was erased, never the data;
//! and whom an erasure erased, handed back once so that memory can be scrubbed too.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a personal value reads once its person's data was erased: in the store, the audit
/// log and the copies held in memory.
pub const ERASED: &str = "[erased]";

/// Whose personal data to erase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasureSubject {
    /// A WFM agent, by id (with the 1C employee linked to it, if any).
    Agent(i64),
    /// A 1C ZUP employee, by 1C's UID (with the agent linked to it, if any): the deletion
    /// notice of a personnel sync. An employee WFM never stored is only tombstoned, so that
    /// no later sync brings them in.
    ZupEmployee(String),
}

/// Where an erasure was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErasureSource {
    /// `POST /api/v1/privacy/deletions`.
    Api,
    /// A deletion notice in a 1C ZUP personnel answer (`deletionRequested`).
    Zup,
}

impl ErasureSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ErasureSource::Api => "api",
            ErasureSource::Zup => "zup",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [ErasureSource::Api, ErasureSource::Zup]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Where an erasure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeletionState {
    /// Everything erased, in one transaction.
    Completed,
    /// The erasure failed and wrote nothing; ask again.
    Failed,
}

impl DeletionState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeletionState::Completed => "completed",
            DeletionState::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [DeletionState::Completed, DeletionState::Failed]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The data categories an erasure can remove, as its record names them.
pub mod category {
    /// Full name, last, first and middle names.
    pub const NAMES: &str = "names";
    /// The personnel number (1C's tabN).
    pub const PERSONNEL_NUMBER: &str = "personnel_number";
    /// The contact-center and single-sign-on logins (the agent's login, 1C's `Login`).
    pub const LOGINS: &str = "logins";
    /// 1C's identifiers of the person: the employee UID, `SN`, `Db_ID`.
    pub const IDENTIFIERS: &str = "identifiers";
    /// Employment data from 1C: work area, position, department, dates, rate, weekly norm,
    /// vacation balances, norm hours and timesheet days.
    pub const EMPLOYMENT: &str = "employment";
    /// The person's fields in the audit log (crypto-shredded: their key is destroyed).
    pub const AUDIT_FIELDS: &str = "audit_fields";
    /// Free text naming the person: sync job reports and errors, integration log errors,
    /// event ids carrying the login.
    pub const FREE_TEXT: &str = "free_text";
}

/// The record of one erasure: who asked, when, which categories; never the data itself.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PrivacyDeletion {
    pub id: i64,
    /// The agent whose data was erased; it keeps its id (so statistics stay), under the
    /// pseudonym. None for a 1C employee WFM never stored.
    pub agent_id: Option<i64>,
    /// What the agent is called now (login and name): `erased-<random hex>`.
    pub pseudonym: Option<String>,
    pub source: ErasureSource,
    pub state: DeletionState,
    /// The categories erased (see `category`).
    pub categories: Vec<String>,
    /// Who asked: `user:<subject>`, `key:<name>`, or `system` for a 1C notice.
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Why a failed erasure failed (never personal data).
    pub error: Option<String>,
    pub correlation_id: String,
}

/// An erasure done: its record, and whom it erased.
#[derive(Debug, Clone, PartialEq)]
pub struct Erasure {
    pub deletion: PrivacyDeletion,
    pub person: ErasedPerson,
}

/// What identified an erased person, handed back by the erasure so that a process can scrub
/// the copies it holds in memory (rejection samples, reports) as the erasure scrubbed the
/// store. Never stored, never serialized; `Debug` shows no identifier, so it cannot reach a
/// log by accident.
#[derive(Clone, Default, PartialEq)]
pub struct ErasedPerson {
    /// The agent, if WFM stored one (it keeps its id).
    pub agent_id: Option<i64>,
    /// 1C's UID of the employee, if any.
    pub uid: Option<String>,
    /// The logins the contact center and 1C knew them by: event ids carry them.
    pub logins: Vec<String>,
    /// Every value that identified them: UID, logins, personnel numbers, full names, SN, Db_ID.
    pub identifiers: Vec<String>,
    /// What the agent is called now; event ids carry it instead of the login.
    pub pseudonym: Option<String>,
}

impl std::fmt::Debug for ErasedPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ErasedPerson")
            .field("agent_id", &self.agent_id)
            .field("identifiers", &self.identifiers.len())
            .field("pseudonym", &self.pseudonym)
            .finish_non_exhaustive()
    }
}

impl ErasedPerson {
    fn scrub(&self) -> crate::sql::scrub::Person {
        crate::sql::scrub::Person {
            agent_id: self.agent_id,
            uid: self.uid.clone(),
            identifiers: self.identifiers.clone(),
        }
    }

    /// `text` with every identifier replaced by `[erased]` (as the erasure scrubs job errors);
    /// None when it names none.
    pub fn scrub_text(&self, text: &str) -> Option<String> {
        crate::sql::scrub::text(text, &self.scrub())
    }

    /// An event id with the login replaced by the pseudonym (as the erasure rewrote the event
    /// log), then any other identifier by `[erased]`; None when it carries none.
    pub fn scrub_event_id(&self, id: &str) -> Option<String> {
        let pseudonym = self
            .pseudonym
            .as_deref()
            .unwrap_or(crate::sql::scrub::ERASED);
        let renamed = self
            .logins
            .iter()
            .find_map(|login| crate::sql::scrub::event_id(id, login, pseudonym));
        let text = renamed.as_deref().unwrap_or(id);
        self.scrub_text(text).or(renamed)
    }
}
