//! Erasure at run time (GDPR): the store erases the person in one transaction, then every
//! copy this process holds in memory goes too, so that no view names them until a restart:
//! the rejection samples, the last consistency report, the engine and its snapshot. Both
//! ways in (the privacy API and 1C's deletion notice in a personnel sync) erase through
//! `Jobs::erase`, which holds all three. Each copy's scrubbing is a method of its type
//! (`RejectionSample::scrubbed`, `ConsistencyReport::scrubbed`).

use wfm_store::StoreResult;
use wfm_store::model::Actor;
use wfm_store::privacy::{Erasure, ErasureSource, ErasureSubject, PrivacyDeletion};

use super::Jobs;

impl Jobs {
    /// Erases a person's personal data in the store, then from this process's memory.
    /// Returns the erasure's record.
    pub async fn erase(
        &self,
        subject: &ErasureSubject,
        source: ErasureSource,
        actor: &Actor,
    ) -> StoreResult<PrivacyDeletion> {
        let Erasure { deletion, person } = self.store.erase_person(subject, source, actor).await?;
        self.live.forget(&person).await;
        self.forget(&person);
        Ok(deletion)
    }
}
