//! Pure decisions: is this token good for this clientId, and may this session use
//! this topic now. No Mosquitto types here.

use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use tillor_contract::claims::{MqttTokenClaims, AUDIENCE, ISSUER};
use tillor_contract::{Env, Namespace};

/// Why a connection is refused; logged by the broker, never shown the token.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    NoPassword,
    BadToken(String),
    UnknownKey,
    ClientIdMismatch { token: String, connecting: String },
    WrongEnv { token: Env, broker: Env },
    BadOrganisation,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NoPassword => f.write_str("no token in the password"),
            Refusal::BadToken(e) => write!(f, "token rejected: {e}"),
            Refusal::UnknownKey => f.write_str("token signed with an unknown key"),
            Refusal::ClientIdMismatch { token, connecting } => write!(
                f,
                "token is for clientId {token:?}, connection uses {connecting:?}"
            ),
            Refusal::WrongEnv { token, broker } => {
                write!(f, "token is for env {token}, this broker serves {broker}")
            }
            Refusal::BadOrganisation => f.write_str("token names an invalid organisation"),
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
    pub fn is_expired(&self, now: i64) -> bool {
        now >= self.expires_at
    }

    pub fn allows(&self, access: Access, topic: &str, now: i64) -> bool {
        if self.is_expired(now) {
            return false;
        }
        match access {
            Access::Read | Access::Write => self.namespace.is_topic_allowed(topic),
            Access::Subscribe => self.namespace.is_filter_allowed(topic),
            // Dropping a subscription can never widen access.
            Access::Unsubscribe => true,
        }
    }
}

pub struct Verifier {
    keys: Vec<(Option<String>, DecodingKey)>,
    env: Env,
}

impl Verifier {
    /// Reads the ES256 keys of a JWKS document (the one tillor-local writes).
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

    /// Checks signature, `exp`/`nbf` (no leeway), issuer, audience, that the token
    /// is for `client_id`, and that it is for this broker's env.
    pub fn authenticate(
        &self,
        password: Option<&[u8]>,
        client_id: &str,
    ) -> Result<Session, Refusal> {
        let token = password
            .filter(|p| !p.is_empty())
            .ok_or(Refusal::NoPassword)?;
        let token =
            std::str::from_utf8(token).map_err(|_| Refusal::BadToken("not UTF-8".into()))?;
        let header = decode_header(token).map_err(|e| Refusal::BadToken(e.to_string()))?;
        if header.alg != Algorithm::ES256 {
            return Err(Refusal::BadToken(format!(
                "algorithm {:?} is not accepted",
                header.alg
            )));
        }
        let key = self
            .keys
            .iter()
            .find(|(kid, _)| header.kid.is_none() || kid.as_deref() == header.kid.as_deref())
            .map(|(_, k)| k)
            .ok_or(Refusal::UnknownKey)?;
        let mut validation = Validation::new(Algorithm::ES256);
        validation.leeway = 0;
        validation.validate_nbf = true;
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
        let claims = decode::<MqttTokenClaims>(token, key, &validation)
            .map_err(|e| Refusal::BadToken(e.to_string()))?
            .claims;
        if claims.client_id != client_id || claims.sub != client_id {
            return Err(Refusal::ClientIdMismatch {
                token: claims.client_id,
                connecting: client_id.to_owned(),
            });
        }
        if claims.env != self.env {
            return Err(Refusal::WrongEnv {
                token: claims.env,
                broker: self.env,
            });
        }
        let namespace = claims.namespace().ok_or(Refusal::BadOrganisation)?;
        Ok(Session {
            client_id: claims.client_id,
            namespace,
            expires_at: claims.exp,
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
        let s = v.authenticate(Some(t.as_bytes()), "local-x").unwrap();
        assert_eq!(s.namespace.prefix(), "tillor/local/acme/integration");
        assert!(s.allows(Access::Write, "tillor/local/acme/integration/a", now()));
        assert!(!s.allows(Access::Subscribe, "tillor/local/acme/#", now()));
        assert!(!s.allows(
            Access::Write,
            "tillor/local/acme/integration/a",
            s.expires_at
        ));
    }

    #[test]
    fn expired_future_foreign_env_and_other_client_tokens_are_refused() {
        let k = keys();
        let v = Verifier::from_jwks(&k.jwks, Env::Local).unwrap();
        let n = now();
        let cases = [
            claims("acme", Env::Local, "local-x", n - 120, n - 1),
            claims("acme", Env::Local, "local-x", n + 30, n + 90),
            claims("acme", Env::Prod, "local-x", n, n + 60),
        ];
        for c in &cases {
            assert!(
                v.authenticate(Some(sign(&k, c).as_bytes()), "local-x")
                    .is_err(),
                "{c:?}"
            );
        }
        let good = sign(&k, &claims("acme", Env::Local, "local-x", n, n + 60));
        assert!(matches!(
            v.authenticate(Some(good.as_bytes()), "local-y"),
            Err(Refusal::ClientIdMismatch { .. })
        ));
        assert_eq!(v.authenticate(None, "local-x"), Err(Refusal::NoPassword));
    }

    #[test]
    fn a_token_from_another_key_or_with_alg_none_is_refused() {
        let k = keys();
        let other = keys();
        let v = Verifier::from_jwks(&k.jwks, Env::Local).unwrap();
        let n = now();
        let c = claims("acme", Env::Local, "local-x", n, n + 60);
        assert!(v
            .authenticate(Some(sign(&other, &c).as_bytes()), "local-x")
            .is_err());

        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap());
        let none = format!(
            "{}.{payload}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#)
        );
        assert!(v.authenticate(Some(none.as_bytes()), "local-x").is_err());
        let hs = format!(
            "{}.{payload}.AAAA",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#)
        );
        assert!(v.authenticate(Some(hs.as_bytes()), "local-x").is_err());
    }
}
