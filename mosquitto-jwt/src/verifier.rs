//! Pure decisions: is this token good for this clientId, and may this session use
//! this topic now. No Mosquitto types here.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use tillor_contract::claims::{MqttTokenClaims, AUDIENCE, ISSUER};
use tillor_contract::refusal::RefusalReason;
use tillor_contract::{Env, Namespace};

/// A refused connection: the reason, and the organisation it can be
/// attributed to. `org` is set only when the token's signature verified, so
/// nobody can put an attempt into another organisation's record by naming it
/// in a forged token.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    pub reason: RefusalReason,
    pub org: Option<String>,
}

impl Refused {
    fn unattributed(reason: RefusalReason) -> Refused {
        Refused { reason, org: None }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.org {
            Some(org) => write!(f, "{} (organisation {org})", self.reason),
            None => write!(f, "{}", self.reason),
        }
    }
}

/// What an authenticated JWT session may do, fixed at connect time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub client_id: String,
    pub namespace: Namespace,
    /// Unix seconds; the session may do nothing at or after this instant.
    pub expires_at: i64,
    /// The token's id, which names it in events (never the token itself).
    pub jti: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A message about to be delivered to the client.
    Read,
    /// A PUBLISH from the client.
    Write,
    Subscribe,
    Unsubscribe,
}

impl Session {
    pub fn org(&self) -> &str {
        self.namespace.org_id()
    }

    pub fn is_expired(&self, now: i64) -> bool {
        now >= self.expires_at
    }

    pub fn allows(&self, access: Access, topic: &str, now: i64) -> bool {
        if self.is_expired(now) {
            return false;
        }
        namespace_allows(&self.namespace, access, topic)
    }
}

/// Whether a namespace allows an access: the one rule for JWT sessions and
/// for static clients (whose dynamic-security role encodes the same).
pub fn namespace_allows(namespace: &Namespace, access: Access, topic: &str) -> bool {
    match access {
        Access::Read | Access::Write => namespace.is_topic_allowed(topic),
        Access::Subscribe => namespace.is_filter_allowed(topic),
        // Dropping a subscription can never widen access.
        Access::Unsubscribe => true,
    }
}

pub struct Verifier {
    keys: Vec<(Option<String>, DecodingKey)>,
    env: Env,
}

impl Verifier {
    /// Reads the ES256 keys of a JWKS document (the one tillor-local writes).
    pub fn env(&self) -> Env {
        self.env
    }

    /// How many keys tokens may be signed with.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    pub fn from_jwks(jwks: &str, env: Env) -> Result<Self, String> {
        let doc: serde_json::Value =
            serde_json::from_str(jwks).map_err(|e| format!("JWKS is not JSON: {e}"))?;
        let mut keys = Vec::new();
        for key in doc["keys"].as_array().into_iter().flatten() {
            if key["kty"] != "EC" || key["crv"] != "P-256" {
                continue;
            }
            let (Some(x), Some(y)) = (key["x"].as_str(), key["y"].as_str()) else {
                continue;
            };
            let decoding = DecodingKey::from_ec_components(x, y)
                .map_err(|e| format!("bad EC key in JWKS: {e}"))?;
            keys.push((key["kid"].as_str().map(str::to_owned), decoding));
        }
        if keys.is_empty() {
            return Err("the JWKS holds no P-256 key".into());
        }
        Ok(Verifier { keys, env })
    }

    /// Checks the signature, issuer and audience, then (with the claims now
    /// trusted) `exp`/`nbf` against `now` (Unix seconds, no leeway), that the
    /// token is for `client_id`, and that it is for this broker's env.
    pub fn authenticate(
        &self,
        password: Option<&[u8]>,
        client_id: &str,
        now: i64,
    ) -> Result<Session, Refused> {
        use RefusalReason as R;
        let token = password
            .filter(|p| !p.is_empty())
            .ok_or(Refused::unattributed(R::NoToken))?;
        let token =
            std::str::from_utf8(token).map_err(|_| Refused::unattributed(R::MalformedToken))?;
        let header = decode_header(token).map_err(|_| Refused::unattributed(R::MalformedToken))?;
        if header.alg != Algorithm::ES256 {
            return Err(Refused::unattributed(R::MalformedToken));
        }
        let key = self
            .keys
            .iter()
            .find(|(kid, _)| header.kid.is_none() || kid.as_deref() == header.kid.as_deref())
            .map(|(_, k)| k)
            .ok_or(Refused::unattributed(R::UnknownSigningKey))?;
        // Time is checked below, against `now`, once the signature holds: an
        // expired token then says when it expired, and whose it was.
        let mut validation = Validation::new(Algorithm::ES256);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
        let claims = decode::<MqttTokenClaims>(token, key, &validation)
            .map_err(|e| {
                Refused::unattributed(match e.kind() {
                    ErrorKind::InvalidSignature => R::BadSignature,
                    ErrorKind::InvalidIssuer | ErrorKind::InvalidAudience => {
                        R::WrongIssuerOrAudience
                    }
                    _ => R::MalformedToken,
                })
            })?
            .claims;
        let org = claims.namespace().map(|ns| ns.org_id().to_owned());
        let refused = |reason| Refused {
            reason,
            org: org.clone(),
        };
        if now >= claims.exp {
            return Err(refused(R::Expired { exp: claims.exp }));
        }
        if now < claims.nbf {
            return Err(refused(R::NotYetValid { nbf: claims.nbf }));
        }
        if claims.client_id != client_id || claims.sub != client_id {
            return Err(refused(R::ClientIdMismatch {
                expected: claims.client_id,
                connecting: client_id.to_owned(),
            }));
        }
        if claims.env != self.env {
            return Err(refused(R::WrongEnv {
                token: claims.env,
                broker: self.env,
            }));
        }
        let namespace = claims
            .namespace()
            .ok_or(Refused::unattributed(R::MalformedToken))?;
        Ok(Session {
            client_id: claims.client_id,
            namespace,
            expires_at: claims.exp,
            jti: claims.jti,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use jsonwebtoken::{encode, EncodingKey, Header};
    use ring::rand::SystemRandom;
    use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};

    struct Keys {
        encoding: EncodingKey,
        jwks: String,
    }

    fn keys() -> Keys {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let point = pair.public_key().as_ref();
        let jwks = serde_json::json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": "k1",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65])}]});
        let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
        Keys {
            encoding: EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
            jwks: jwks.to_string(),
        }
    }

    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    }

    fn claims(org: &str, env: Env, client: &str, iat: i64, exp: i64) -> MqttTokenClaims {
        MqttTokenClaims::new(
            &Namespace::new(env, org).unwrap(),
            client,
            "j".into(),
            iat,
            exp,
        )
    }

    fn sign(keys: &Keys, claims: &MqttTokenClaims) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some("k1".into());
        encode(&header, claims, &keys.encoding).unwrap()
    }

    #[test]
    fn a_good_token_for_the_connecting_client_gives_its_namespace() {
        let k = keys();
        let v = Verifier::from_jwks(&k.jwks, Env::Local).unwrap();
        let t = sign(
            &k,
            &claims("acme", Env::Local, "local-x", now(), now() + 60),
        );
        let s = v
            .authenticate(Some(t.as_bytes()), "local-x", now())
            .unwrap();
        assert_eq!(s.namespace.prefix(), "tillor/local/acme/integration");
        assert!(s.allows(Access::Write, "tillor/local/acme/integration/a", now()));
        assert!(!s.allows(Access::Subscribe, "tillor/local/acme/#", now()));
        assert!(!s.allows(
            Access::Write,
            "tillor/local/acme/integration/a",
            s.expires_at
        ));
    }

    fn reason(v: &Verifier, token: &str, client: &str, now: i64) -> Refused {
        v.authenticate(Some(token.as_bytes()), client, now)
            .unwrap_err()
    }

    #[test]
    fn each_refusal_of_a_genuine_token_names_its_reason_and_its_organisation() {
        let k = keys();
        let v = Verifier::from_jwks(&k.jwks, Env::Local).unwrap();
        let n = now();
        let acme = Some("acme".to_owned());
        let expired = sign(&k, &claims("acme", Env::Local, "local-x", n - 120, n - 1));
        assert_eq!(
            reason(&v, &expired, "local-x", n),
            Refused {
                reason: RefusalReason::Expired { exp: n - 1 },
                org: acme.clone()
            }
        );
        // At exp exactly, the token is over (as the session's own check says).
        let at = sign(&k, &claims("acme", Env::Local, "local-x", n - 60, n));
        assert_eq!(
            reason(&v, &at, "local-x", n).reason,
            RefusalReason::Expired { exp: n }
        );
        let future = sign(&k, &claims("acme", Env::Local, "local-x", n + 30, n + 90));
        assert_eq!(
            reason(&v, &future, "local-x", n).reason,
            RefusalReason::NotYetValid { nbf: n + 30 }
        );
        let prod = sign(&k, &claims("acme", Env::Prod, "local-x", n, n + 60));
        assert_eq!(
            reason(&v, &prod, "local-x", n),
            Refused {
                reason: RefusalReason::WrongEnv {
                    token: Env::Prod,
                    broker: Env::Local
                },
                org: acme.clone()
            }
        );
        let good = sign(&k, &claims("acme", Env::Local, "local-x", n, n + 60));
        assert_eq!(
            reason(&v, &good, "local-y", n),
            Refused {
                reason: RefusalReason::ClientIdMismatch {
                    expected: "local-x".into(),
                    connecting: "local-y".into()
                },
                org: acme
            }
        );
        assert_eq!(
            v.authenticate(None, "local-x", n),
            Err(Refused {
                reason: RefusalReason::NoToken,
                org: None
            })
        );
    }

    #[test]
    fn a_forged_or_foreign_token_is_refused_and_attributed_to_nobody() {
        let k = keys();
        let other = keys();
        let v = Verifier::from_jwks(&k.jwks, Env::Local).unwrap();
        let n = now();
        let c = claims("acme", Env::Local, "local-x", n, n + 60);
        // Another key with the same kid: the signature does not verify. The
        // token names acme, but nothing it says can be trusted.
        assert_eq!(
            reason(&v, &sign(&other, &c), "local-x", n),
            Refused {
                reason: RefusalReason::BadSignature,
                org: None
            }
        );

        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap());
        let none = format!(
            "{}.{payload}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#)
        );
        assert_eq!(
            reason(&v, &none, "local-x", n),
            Refused {
                reason: RefusalReason::MalformedToken,
                org: None
            }
        );
        let hs = format!(
            "{}.{payload}.AAAA",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#)
        );
        assert_eq!(reason(&v, &hs, "local-x", n).org, None);
        assert_eq!(
            reason(&v, "not a token", "local-x", n).reason,
            RefusalReason::MalformedToken
        );
    }

    #[test]
    fn a_token_for_another_issuer_or_audience_is_refused_as_such() {
        let k = keys();
        let v = Verifier::from_jwks(&k.jwks, Env::Local).unwrap();
        let n = now();
        let mut c = claims("acme", Env::Local, "local-x", n, n + 60);
        c.aud = "someone-else".into();
        assert_eq!(
            reason(&v, &sign(&k, &c), "local-x", n).reason,
            RefusalReason::WrongIssuerOrAudience
        );
    }
}
