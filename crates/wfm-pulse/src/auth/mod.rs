//! Who is calling: people by a console session or a JWT bearer token, systems by API keys;
//! each ends in a `Principal`.

pub mod api_key;
pub mod gate;
pub mod password;
pub mod session;
pub mod token;

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Serialize;
use wfm_store::model::{Actor, Role};

use crate::http::error::ApiError;

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Principal {
    /// `user:<subject>` or `key:<name>`; also the rate-limit and audit identity.
    pub name: String,
    pub role: Role,
}

impl Principal {
    /// 403 unless this caller's role reaches `needed`.
    pub fn require(&self, needed: Role) -> Result<(), ApiError> {
        if self.role.allows(needed) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this needs the {} role; {} has {}",
                needed.as_str(),
                self.name,
                self.role.as_str()
            )))
        }
    }

    /// The audit identity of this caller for a request with `correlation_id`.
    pub fn actor(&self, correlation_id: &str) -> Actor {
        Actor {
            name: self.name.clone(),
            correlation_id: correlation_id.to_string(),
        }
    }
}

/// The least role an endpoint needs, as a type, so that the check runs as an extractor:
/// before the body is read, a caller whose role is too low gets 403 whatever it sent.
pub trait Clearance {
    const ROLE: Role;
}

/// Marker types for [`Clearance`].
pub mod need {
    use super::{Clearance, Role};

    pub struct Viewer;
    pub struct Supervisor;
    pub struct Manager;
    pub struct Admin;
    pub struct Integration;

    impl Clearance for Viewer {
        const ROLE: Role = Role::Viewer;
    }
    impl Clearance for Supervisor {
        const ROLE: Role = Role::Supervisor;
    }
    impl Clearance for Manager {
        const ROLE: Role = Role::Manager;
    }
    impl Clearance for Admin {
        const ROLE: Role = Role::Admin;
    }
    impl Clearance for Integration {
        const ROLE: Role = Role::Integration;
    }
}

/// An authenticated caller whose role reaches `C::ROLE` (else 401 or 403).
pub struct Authorized<C>(pub Principal, pub PhantomData<C>);

impl<S: Send + Sync, C: Clearance> FromRequestParts<S> for Authorized<C> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let principal = Principal::from_request_parts(parts, state).await?;
        principal.require(C::ROLE)?;
        Ok(Authorized(principal, PhantomData))
    }
}
