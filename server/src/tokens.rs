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

impl TokenSigner {
    /// Loads the key from `data_dir`, creating it (mode 0600) on first start.
    pub fn load_or_create(data_dir: &Path) -> Result<Self, String> {
        let key_path = data_dir.join(PRIVATE_KEY_FILE);
        let rng = SystemRandom::new();
        if !key_path.exists() {
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .map_err(|_| "could not generate a P-256 key".to_string())?;
            let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
            crate::secrets::write_private(&key_path, pem.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", key_path.display()))?;
        }
        let pem_text = fs::read_to_string(&key_path)
            .map_err(|e| format!("cannot read {}: {e}", key_path.display()))?;
        let der =
            pem::parse(&pem_text).map_err(|e| format!("{} is not PEM: {e}", key_path.display()))?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der.contents(), &rng)
            .map_err(|e| format!("{} is not a PKCS#8 P-256 key: {e}", key_path.display()))?;
        // Uncompressed SEC1 point: 0x04 || X (32 bytes) || Y (32 bytes).
        let point = pair.public_key().as_ref();
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(point)[..12]);
        let jwks = json!({ "keys": [{
            "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid,
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        }]});
        let encoding = EncodingKey::from_ec_pem(pem_text.as_bytes())
            .map_err(|e| format!("{} cannot sign: {e}", key_path.display()))?;
        let jwks_path = data_dir.join(JWKS_FILE);
        fs::write(&jwks_path, serde_json::to_vec_pretty(&jwks).expect("json"))
            .map_err(|e| format!("cannot write {}: {e}", jwks_path.display()))?;
        Ok(TokenSigner {
            encoding,
            kid,
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
