//! Records of data protection: erasing a person's personal data (GDPR "right to be
//! forgotten") and the record each erasure leaves, which names what was erased, never the data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
