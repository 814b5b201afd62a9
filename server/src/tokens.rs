//! ES256 signing of MQTT tokens. Brokers need only the public halves, which
//! are published as a JWKS document (`/.well-known/jwks.json`) that TBMQ and
//! EMQX can fetch, and written to the data directory for the local broker
//! plugin. A single instance keeps its one P-256 key in the data directory,
//! so tokens stay valid across restarts; instances on a shared database keep
//! several in it and rotate them (`key_rotation`).

use std::fs;
use std::path::Path;
use std::sync::RwLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::json;
use sha2::{Digest, Sha256};
use tillor_contract::claims::MqttTokenClaims;
use tillor_contract::Namespace;

pub const PRIVATE_KEY_FILE: &str = "jwt-signing-key.pem";
pub const JWKS_FILE: &str = "jwks.json";

/// The keys tokens are signed with and verified by. Replaced whole when the
/// shared store's keys change (a rotation), while requests go on signing.
pub struct TokenSigner {
    ring: RwLock<Ring>,
}

struct Ring {
    /// In signing order (`sign_from`, then kid); see `signing_index`.
    keys: Vec<Loaded>,
    jwks: serde_json::Value,
}

struct Loaded {
    kid: String,
    sign_from: i64,
    encoding: EncodingKey,
}

/// A token just signed, and the key that signed it.
pub struct Issued {
    pub token: String,
    pub kid: String,
}

/// A P-256 signing key as stored: PKCS#8 DER, and from when it signs (Unix
/// s; until then it is only published).
pub struct SigningKey {
    pub pkcs8: Vec<u8>,
    pub sign_from: i64,
}

impl SigningKey {
    /// A new key from the OS's randomness.
    pub fn generate(sign_from: i64) -> Result<SigningKey, String> {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .map_err(|_| "could not generate a P-256 key".to_string())?;
        Ok(SigningKey {
            pkcs8: pkcs8.as_ref().to_vec(),
            sign_from,
        })
    }

    /// The key id: a digest of the public point, so every instance names a
    /// key the same way.
    pub fn kid(&self) -> Result<String, String> {
        Ok(key_id(self.public_point()?.as_slice()))
    }

    /// Uncompressed SEC1 point: 0x04 || X (32 bytes) || Y (32 bytes).
    fn public_point(&self) -> Result<Vec<u8>, String> {
        let pair = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            &self.pkcs8,
            &SystemRandom::new(),
        )
        .map_err(|e| format!("not a PKCS#8 P-256 key: {e}"))?;
        Ok(pair.public_key().as_ref().to_vec())
    }
}

fn key_id(point: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(point)[..12])
}

/// Which key signs at `now`, of keys in signing order (by `sign_from`): the
/// last one whose time has come; before any has, the first.
pub fn signing_index(sign_from: &[i64], now: i64) -> usize {
    sign_from.iter().rposition(|&from| from <= now).unwrap_or(0)
}

impl Ring {
    fn of(keys: &[SigningKey]) -> Result<Ring, String> {
        let mut loaded = Vec::with_capacity(keys.len());
        let mut published = Vec::with_capacity(keys.len());
        for key in keys {
            let point = key.public_point()?;
            let kid = key_id(&point);
            published.push(json!({
                "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid,
                "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
                "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
            }));
            let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", key.pkcs8.clone()));
            let encoding = EncodingKey::from_ec_pem(pem.as_bytes())
                .map_err(|e| format!("the signing key cannot sign: {e}"))?;
            loaded.push(Loaded {
                kid,
                sign_from: key.sign_from,
                encoding,
            });
        }
        if loaded.is_empty() {
            return Err("no signing key".into());
        }
        loaded.sort_by(|a, b| (a.sign_from, &a.kid).cmp(&(b.sign_from, &b.kid)));
        Ok(Ring {
            keys: loaded,
            jwks: json!({ "keys": published }),
        })
    }
}

impl TokenSigner {
    /// Loads the key from `data_dir`, creating it (mode 0600) on first start,
    /// and writes the JWKS there for the local broker.
    pub fn load_or_create(data_dir: &Path) -> Result<Self, String> {
        let signer = Self::from_keys(&[Self::file_key(data_dir)?])?;
        signer.write_jwks(data_dir)?;
        Ok(signer)
    }

    /// The key file of `data_dir`, made on first use; it signs from the start.
    pub fn file_key(data_dir: &Path) -> Result<SigningKey, String> {
        let key_path = data_dir.join(PRIVATE_KEY_FILE);
        if !key_path.exists() {
            let key = SigningKey::generate(0)?;
            let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", key.pkcs8.clone()));
            crate::secrets::write_private(&key_path, pem.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", key_path.display()))?;
        }
        let pem_text = fs::read_to_string(&key_path)
            .map_err(|e| format!("cannot read {}: {e}", key_path.display()))?;
        let der =
            pem::parse(&pem_text).map_err(|e| format!("{} is not PEM: {e}", key_path.display()))?;
        Ok(SigningKey {
            pkcs8: der.contents().to_vec(),
            sign_from: 0,
        })
    }

    /// Publishes all of `keys` (tokens signed by any of them verify) and
    /// signs with the one whose time it is.
    pub fn from_keys(keys: &[SigningKey]) -> Result<Self, String> {
        Ok(TokenSigner {
            ring: RwLock::new(Ring::of(keys)?),
        })
    }

    /// Makes `keys` the keys, as `from_keys`; a bad set leaves the old one.
    pub fn replace(&self, keys: &[SigningKey]) -> Result<(), String> {
        let ring = Ring::of(keys)?;
        *self
            .ring
            .write()
            .map_err(|_| "the signing keys are poisoned")? = ring;
        Ok(())
    }

    /// The published keys (kid, sign_from), in signing order.
    pub fn kids(&self) -> Vec<(String, i64)> {
        self.ring
            .read()
            .map(|r| {
                r.keys
                    .iter()
                    .map(|k| (k.kid.clone(), k.sign_from))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn jwks(&self) -> serde_json::Value {
        self.ring
            .read()
            .map(|r| r.jwks.clone())
            .unwrap_or_else(|_| json!({ "keys": [] }))
    }

    /// Writes the JWKS for the local broker's plugin, replacing the file in
    /// one step (the plugin may read it at any moment).
    pub fn write_jwks(&self, data_dir: &Path) -> Result<(), String> {
        let path = data_dir.join(JWKS_FILE);
        let tmp = data_dir.join(format!("{JWKS_FILE}.tmp"));
        fs::write(&tmp, serde_json::to_vec_pretty(&self.jwks()).expect("json"))
            .and_then(|()| fs::rename(&tmp, &path))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// Signs a token for `client_id` in `ns`, valid from `now` for `ttl_secs`,
    /// with the key whose time it is.
    pub fn issue(
        &self,
        ns: &Namespace,
        client_id: &str,
        jti: String,
        now: i64,
        ttl_secs: u32,
    ) -> Result<Issued, String> {
        let claims = MqttTokenClaims::new(ns, client_id, jti, now, now + i64::from(ttl_secs));
        let ring = self
            .ring
            .read()
            .map_err(|_| "the signing keys are poisoned")?;
        let from: Vec<i64> = ring.keys.iter().map(|k| k.sign_from).collect();
        let key = &ring.keys[signing_index(&from, now)];
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(key.kid.clone());
        let token =
            jsonwebtoken::encode(&header, &claims, &key.encoding).map_err(|e| e.to_string())?;
        Ok(Issued {
            token,
            kid: key.kid.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{decode, DecodingKey, Validation};
    use tillor_contract::Env;

    #[test]
    fn a_token_verifies_with_the_published_key_and_binds_org_env_and_client() {
        let dir = tempfile::tempdir().unwrap();
        let signer = TokenSigner::load_or_create(dir.path()).unwrap();
        let ns = Namespace::new(Env::Local, "acme").unwrap();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let issued = signer.issue(&ns, "local-x", "j1".into(), now, 60).unwrap();
        let token = issued.token;

        let jwks = signer.jwks();
        let jwk = &jwks["keys"][0];
        assert_eq!(jwk["kid"], issued.kid.as_str());
        let key =
            DecodingKey::from_ec_components(jwk["x"].as_str().unwrap(), jwk["y"].as_str().unwrap())
                .unwrap();
        let mut v = Validation::new(Algorithm::ES256);
        v.set_audience(&["tillor-mqtt"]);
        let claims = decode::<MqttTokenClaims>(&token, &key, &v).unwrap().claims;
        assert_eq!(claims.client_id, "local-x");
        assert_eq!(claims.sub, "local-x");
        assert_eq!(claims.org_id, "acme");
        assert_eq!(claims.env, Env::Local);
        assert_eq!(claims.exp - claims.nbf, 60);
    }

    #[test]
    fn the_key_survives_a_reload_and_is_private_to_the_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let a = TokenSigner::load_or_create(dir.path()).unwrap();
        let b = TokenSigner::load_or_create(dir.path()).unwrap();
        assert_eq!(a.jwks(), b.jwks());
        let mode = fs::metadata(dir.path().join(PRIVATE_KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0);
    }

    #[test]
    fn the_newest_key_whose_time_has_come_signs() {
        // Keys in signing order; a rotated-in key is published before it signs.
        assert_eq!(signing_index(&[0], 5), 0);
        assert_eq!(signing_index(&[100, 400], 399), 0);
        assert_eq!(signing_index(&[100, 400], 400), 1);
        assert_eq!(signing_index(&[100, 400, 700], 1000), 2);
        // None has come yet (clocks apart at first start): the first signs.
        assert_eq!(signing_index(&[100, 400], 50), 0);
    }

    #[test]
    fn a_published_key_signs_only_from_its_time_and_both_stay_verifiable() {
        let old = SigningKey::generate(100).unwrap();
        let new = SigningKey::generate(400).unwrap();
        let (old_kid, new_kid) = (old.kid().unwrap(), new.kid().unwrap());
        let signer = TokenSigner::from_keys(&[new, old]).unwrap();
        let ns = Namespace::new(Env::Local, "acme").unwrap();
        let before = signer.issue(&ns, "local-x", "a".into(), 399, 60).unwrap();
        let after = signer.issue(&ns, "local-x", "b".into(), 400, 60).unwrap();
        assert_eq!((before.kid, after.kid), (old_kid.clone(), new_kid.clone()));
        assert_eq!(
            signer.kids(),
            vec![(old_kid.clone(), 100), (new_kid.clone(), 400)]
        );
        let jwks = signer.jwks();
        let published: Vec<&str> = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap())
            .collect();
        assert!(published.contains(&old_kid.as_str()) && published.contains(&new_kid.as_str()));
    }
}
