//! ES256 signing of MQTT tokens. The P-256 key is made once and kept in the data
//! directory, so tokens stay valid across restarts; brokers need only the public
//! half, which is published as a JWKS document (`/.well-known/jwks.json`) that TBMQ
//! and EMQX can fetch, and written beside the key for the local broker plugin.

use std::fs;
use std::path::Path;

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

pub struct TokenSigner {
    encoding: EncodingKey,
    kid: String,
    jwks: serde_json::Value,
}

/// A P-256 signing key as stored: PKCS#8 DER.
pub struct SigningKey {
    pub pkcs8: Vec<u8>,
}

impl SigningKey {
    /// A new key from the OS's randomness.
    pub fn generate() -> Result<SigningKey, String> {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .map_err(|_| "could not generate a P-256 key".to_string())?;
        Ok(SigningKey {
            pkcs8: pkcs8.as_ref().to_vec(),
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

impl TokenSigner {
    /// Loads the key from `data_dir`, creating it (mode 0600) on first start.
    pub fn load_or_create(data_dir: &Path) -> Result<Self, String> {
        let key = Self::file_key(data_dir)?;
        Self::from_keys(&[key], data_dir)
    }

    /// The key file of `data_dir`, made on first use.
    pub fn file_key(data_dir: &Path) -> Result<SigningKey, String> {
        let key_path = data_dir.join(PRIVATE_KEY_FILE);
        if !key_path.exists() {
            let key = SigningKey::generate()?;
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
        })
    }

    /// Signs with the first of `keys`; the JWKS (served, and written to
    /// `data_dir` for the local broker) lists them all, so tokens signed by
    /// any of them verify.
    pub fn from_keys(keys: &[SigningKey], data_dir: &Path) -> Result<Self, String> {
        let first = keys.first().ok_or("no signing key")?;
        let mut published = Vec::with_capacity(keys.len());
        for key in keys {
            let point = key.public_point()?;
            published.push(json!({
                "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": key_id(&point),
                "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
                "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
            }));
        }
        let jwks = json!({ "keys": published });
        let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", first.pkcs8.clone()));
        let encoding = EncodingKey::from_ec_pem(pem.as_bytes())
            .map_err(|e| format!("the signing key cannot sign: {e}"))?;
        let jwks_path = data_dir.join(JWKS_FILE);
        fs::write(&jwks_path, serde_json::to_vec_pretty(&jwks).expect("json"))
            .map_err(|e| format!("cannot write {}: {e}", jwks_path.display()))?;
        Ok(TokenSigner {
            encoding,
            kid: first.kid()?,
            jwks,
        })
    }

    pub fn jwks(&self) -> &serde_json::Value {
        &self.jwks
    }

    /// Signs a token for `client_id` in `ns`, valid from `now` for `ttl_secs`.
    pub fn issue(
        &self,
        ns: &Namespace,
        client_id: &str,
        jti: String,
        now: i64,
        ttl_secs: u32,
    ) -> Result<String, String> {
        let claims = MqttTokenClaims::new(ns, client_id, jti, now, now + i64::from(ttl_secs));
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding).map_err(|e| e.to_string())
    }
}

/// The signer of an instance on a shared database: the keys in the store,
/// sealed with `sealer`, so every instance signs with the same key and
/// publishes the same JWKS. The first instance puts in the data directory's
/// key if it has one (tokens issued before a `migrate-store` stay valid),
/// else a new one; instances starting at once may each add theirs, and then
/// all agree on the oldest to sign with.
pub async fn shared_signer(
    store: &crate::store::Store,
    sealer: &crate::secrets::Sealer,
    data_dir: &Path,
    now: i64,
) -> Result<TokenSigner, String> {
    let read = || async {
        store
            .signing_keys()
            .await
            .map_err(|e| format!("cannot read the signing keys: {e}"))
    };
    let mut sealed = read().await?;
    if sealed.is_empty() {
        let key = if data_dir.join(PRIVATE_KEY_FILE).exists() {
            TokenSigner::file_key(data_dir)?
        } else {
            SigningKey::generate()?
        };
        let kid = key.kid()?;
        store
            .insert_signing_key(&kid, &sealer.seal(&sealed_name(&kid), &key.pkcs8), now)
            .await
            .map_err(|e| format!("cannot store the signing key: {e}"))?;
        sealed = read().await?;
    }
    let keys = sealed
        .iter()
        .map(|(kid, bytes)| {
            sealer
                .open(&sealed_name(kid), bytes)
                .map(|pkcs8| SigningKey { pkcs8 })
        })
        .collect::<Result<Vec<_>, _>>()?;
    TokenSigner::from_keys(&keys, data_dir)
}

/// What a signing key is sealed under (the sealer's associated data).
fn sealed_name(kid: &str) -> String {
    format!("JWT signing key {kid}")
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
        let token = signer.issue(&ns, "local-x", "j1".into(), now, 60).unwrap();

        let jwk = &signer.jwks()["keys"][0];
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
}
