//! GDPR erasure: a person erased in one transaction (pseudonym, tombstone, crypto-shredded
//! audit fields), the erasure's record, and which 1C employees were erased.

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::model::*;
use crate::privacy::*;

#[async_trait]
pub trait Erasures: Send + Sync {
    /// Erases a person's personal data (GDPR) in one transaction: the agent keeps its id
    /// under a pseudonym (statistics stay), the 1C employee record, norm hours and
    /// timesheet go (a tombstone keeps later syncs from bringing the person back), the
    /// person's audit fields are crypto-shredded, free text naming them is scrubbed; the
    /// erasure is recorded and audited with its categories, never the data. NotFound for
    /// an unknown agent, Conflict when already erased. A failure writes nothing but a
    /// `failed` record. Returns the record, and whom it erased: the caller scrubs its memory
    /// of them.
    async fn erase_person(
        &self,
        subject: &ErasureSubject,
        source: ErasureSource,
        actor: &Actor,
    ) -> StoreResult<Erasure>;
    async fn get_privacy_deletion(&self, id: i64) -> StoreResult<PrivacyDeletion>;
    /// Which of these 1C employee UIDs belong to erased persons.
    async fn erased_zup_employees(&self, ids: &[String]) -> StoreResult<Vec<String>>;
}
