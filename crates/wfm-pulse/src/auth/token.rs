//! JWT bearer tokens: HS256 with the service's secret, and optionally RS256 from an identity
//! provider whose public key is configured. Anything else (`alg: none` included) is refused.

use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header,
};
use serde::{Deserialize, Serialize};
use wfm_store::model::Role;

use super::Principal;

/// The claims wfm-pulse reads: subject, role, expiry.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub exp: i64,
    pub iat: i64,
}

/// The keys tokens are checked against.
pub struct TokenKeys {
    hs256: (EncodingKey, DecodingKey),
    rs256: Option<DecodingKey>,
}

impl TokenKeys {
    /// From the HS256 secret and, optionally, an RS256 public key in PEM.
    pub fn new(secret: &[u8], rs256_public_pem: Option<&[u8]>) -> Result<Self, String> {
        let rs256 = rs256_public_pem
            .map(DecodingKey::from_rsa_pem)
            .transpose()
            .map_err(|e| format!("the RS256 public key is not a valid PEM RSA key: {e}"))?;
        Ok(Self {
            hs256: (
                EncodingKey::from_secret(secret),
                DecodingKey::from_secret(secret),
            ),
            rs256,
        })
    }

    /// Issues an HS256 token for `subject` with `role`, valid `ttl_secs` from `now` (Unix s).
    pub fn issue(&self, subject: &str, role: Role, now: i64, ttl_secs: i64) -> String {
        let claims = Claims {
            sub: subject.to_string(),
            role,
            iat: now,
            exp: now + ttl_secs,
        };
        // Encoding HS256 with a valid key cannot fail for these claims.
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.hs256.0)
            .unwrap_or_default()
    }

    /// Checks a token's signature, algorithm and expiry; the reason is safe to show.
    pub fn verify(&self, token: &str) -> Result<Principal, String> {
        let header = decode_header(token).map_err(|_| "the token is malformed".to_string())?;
        let key = match header.alg {
            Algorithm::HS256 => &self.hs256.1,
            Algorithm::RS256 => self
                .rs256
                .as_ref()
                .ok_or("RS256 tokens are not accepted: no public key is configured")?,
            other => return Err(format!("tokens signed with {other:?} are not accepted")),
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = decode::<Claims>(token, key, &validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                "the token has expired".to_string()
            }
            jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                "the token's signature does not verify".to_string()
            }
            _ => format!("the token is invalid: {e}"),
        })?;
        Ok(Principal {
            name: format!("user:{}", data.claims.sub),
            role: data.claims.role,
        })
    }
}

/// A token made with the local JWT secret, for commands run beside the server.
pub fn local_token(
    c: &crate::config::Config,
    subject: &str,
    role: Role,
    ttl: i64,
) -> Result<String, String> {
    let (secret, _) = crate::config::jwt_secret(c)?;
    let now = chrono::Utc::now().timestamp();
    Ok(TokenKeys::new(&secret, None)?.issue(subject, role, now, ttl))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(b"0123456789abcdef0123456789abcdef", None).unwrap()
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[test]
    fn issued_tokens_verify_with_their_role() {
        let t = keys().issue("alice", Role::Manager, now(), 60);
        let p = keys().verify(&t).unwrap();
        assert_eq!(p.name, "user:alice");
        assert_eq!(p.role, Role::Manager);
    }

    /// A key pair made for this test only (tests/fixtures), as an identity provider would sign.
    #[test]
    fn rs256_tokens_verify_only_with_the_configured_public_key() {
        let private = include_bytes!("../../tests/fixtures/rs256-test-private.pem");
        let public = include_bytes!("../../tests/fixtures/rs256-test-public.pem");
        let claims = Claims {
            sub: "sso-user".into(),
            role: Role::Supervisor,
            iat: now(),
            exp: now() + 60,
        };
        let key = EncodingKey::from_rsa_pem(private).unwrap();
        let token = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).unwrap();

        let with_key = TokenKeys::new(b"0123456789abcdef0123456789abcdef", Some(public)).unwrap();
        let p = with_key.verify(&token).unwrap();
        assert_eq!(
            (p.name.as_str(), p.role),
            ("user:sso-user", Role::Supervisor)
        );
        assert!(keys().verify(&token).unwrap_err().contains("no public key"));
        assert!(TokenKeys::new(b"x", Some(b"not a key")).is_err());
    }

    #[test]
    fn expired_tampered_foreign_and_unsigned_tokens_fail() {
        let k = keys();
        let expired = k.issue("bob", Role::Admin, now() - 3600, 60);
        assert_eq!(k.verify(&expired).unwrap_err(), "the token has expired");

        let good = k.issue("bob", Role::Viewer, now(), 60);
        let mut parts: Vec<String> = good.split('.').map(String::from).collect();
        // Swap in a payload claiming admin, keep the viewer's signature.
        let forged = k.issue("bob", Role::Admin, now(), 60);
        parts[1] = forged.split('.').nth(1).unwrap().to_string();
        assert!(k.verify(&parts.join(".")).is_err());

        let other = TokenKeys::new(b"another-secret-another-secret-xx", None).unwrap();
        assert!(
            k.verify(&other.issue("eve", Role::Admin, now(), 60))
                .is_err()
        );

        // {"alg":"none","typ":"JWT"} . {"sub":"eve","role":"admin","exp":9999999999,"iat":0} .
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJldmUiLCJyb2xlIjoiYWRtaW4iLCJleHAiOjk5OTk5OTk5OTksImlhdCI6MH0.";
        assert!(k.verify(none).is_err());
        assert!(k.verify("not a token").is_err());
    }
}
