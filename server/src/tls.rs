//! TLS for the local stack (TILLOR_TLS): a private CA and a server certificate
//! in `<data dir>/tls`, made on first start and renewed before expiry.
//!
//! Why a private CA rather than a self-signed server certificate: it is what
//! integrations meet in production with a private broker (the product's docs:
//! "a private CA can be supplied"), one file (`ca.pem`) is what a client
//! trusts, and the server certificate can be renewed without anyone trusting
//! anything new. Private keys are written 0600.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

pub const CA_CERT: &str = "ca.pem";
const CA_KEY: &str = "ca-key.pem";
pub const SERVER_CERT: &str = "server.pem";
pub const SERVER_KEY: &str = "server-key.pem";
/// The hosts and expiry of the server certificate, so a restart can tell
/// whether it still fits without parsing X.509.
const SERVER_INFO: &str = "server.json";

const CA_VALIDITY: Duration = Duration::days(3650);
const SERVER_VALIDITY: Duration = Duration::days(90);
/// A server certificate with less than this left is renewed.
pub const RENEW_BEFORE: Duration = Duration::days(30);

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot write or read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot make a certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("{host:?} in TILLOR_TLS_HOSTS is not a host name or IP address")]
    BadHost { host: String },
    #[error("cannot use the certificate for HTTPS: {0}")]
    Rustls(#[from] tokio_rustls::rustls::Error),
}

/// Where the files are.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub dir: PathBuf,
}

impl TlsFiles {
    pub fn ca_cert(&self) -> PathBuf {
        self.dir.join(CA_CERT)
    }
    pub fn server_cert(&self) -> PathBuf {
        self.dir.join(SERVER_CERT)
    }
    pub fn server_key(&self) -> PathBuf {
        self.dir.join(SERVER_KEY)
    }
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct ServerInfo {
    hosts: Vec<String>,
    /// Unix seconds.
    not_after: i64,
}

/// What `ensure` did to the server certificate.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Kept,
    Made,
}

/// Makes the CA on first use, and a server certificate for `hosts` when there
/// is none, it names other hosts, or it expires within `RENEW_BEFORE`.
pub fn ensure(dir: &Path, hosts: &[String], now: OffsetDateTime) -> Result<Outcome, TlsError> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let sans = hosts
        .iter()
        .map(|h| san(h))
        .collect::<Result<Vec<_>, _>>()?;
    let ca_key_path = dir.join(CA_KEY);
    let ca_key = if ca_key_path.exists() {
        KeyPair::from_pem(&read(&ca_key_path)?)?
    } else {
        let key = KeyPair::generate()?;
        let mut params = ca_params();
        params.not_before = now - Duration::hours(1);
        params.not_after = now + CA_VALIDITY;
        let cert = params.self_signed(&key)?;
        write(&dir.join(CA_CERT), &cert.pem(), false)?;
        write(&ca_key_path, &key.serialize_pem(), true)?;
        key
    };
    let info_path = dir.join(SERVER_INFO);
    let current: Option<ServerInfo> = std::fs::read(&info_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let fits = current.as_ref().is_some_and(|i| {
        i.hosts == hosts && i.not_after - (now + RENEW_BEFORE).unix_timestamp() > 0
    });
    if fits && dir.join(SERVER_CERT).exists() && dir.join(SERVER_KEY).exists() {
        return Ok(Outcome::Kept);
    }
    // The issuer of a certificate is the CA's name and key: the same fixed
    // parameters and the stored key sign exactly as the CA certificate says.
    let issuer = Issuer::new(ca_params(), ca_key);
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::default();
    params.subject_alt_names = sans;
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        hosts.first().cloned().unwrap_or_default(),
    );
    params.distinguished_name = dn;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.not_before = now - Duration::hours(1);
    params.not_after = now + SERVER_VALIDITY;
    let cert = params.signed_by(&key, &issuer)?;
    write(&dir.join(SERVER_CERT), &cert.pem(), false)?;
    write(&dir.join(SERVER_KEY), &key.serialize_pem(), true)?;
    let info = ServerInfo {
        hosts: hosts.to_vec(),
        not_after: params.not_after.unix_timestamp(),
    };
    let json = serde_json::to_vec(&info).expect("plain data serialises");
    std::fs::write(&info_path, json).map_err(|e| io(&info_path, e))?;
    Ok(Outcome::Made)
}

/// The CA's fixed parameters: its name, and that it may sign certificates.
fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "Tillor local CA");
    dn.push(DnType::OrganizationName, "Tillor (local stack)");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

/// An IP address, or a DNS name (RFC 1123 labels: letters, digits and
/// hyphens, not at either end); anything else no client could ever match.
fn san(host: &str) -> Result<SanType, TlsError> {
    if let Ok(ip) = host.parse() {
        return Ok(SanType::IpAddress(ip));
    }
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let bad = || TlsError::BadHost { host: host.into() };
    if host.len() > 253 || !host.split('.').all(label_ok) {
        return Err(bad());
    }
    host.to_owned()
        .try_into()
        .map(SanType::DnsName)
        .map_err(|_| bad())
}

fn read(path: &Path) -> Result<String, TlsError> {
    std::fs::read_to_string(path).map_err(|e| io(path, e))
}

fn write(path: &Path, text: &str, private: bool) -> Result<(), TlsError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mode = if private { 0o600 } else { 0o644 };
    // Written to a new file and renamed: a reader never sees half a key, and
    // a private key is never readable by others, not even for a moment.
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        .map_err(|e| io(&tmp, e))?;
    f.write_all(text.as_bytes()).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

fn io(path: &Path, source: std::io::Error) -> TlsError {
    TlsError::Io {
        path: path.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn hosts() -> Vec<String> {
        vec!["localhost".into(), "127.0.0.1".into()]
    }

    #[test]
    fn the_first_start_makes_a_ca_and_a_server_certificate_with_private_keys_0600() {
        let dir = tempfile::tempdir().unwrap();
        let now = OffsetDateTime::now_utc();
        assert_eq!(ensure(dir.path(), &hosts(), now).unwrap(), Outcome::Made);
        for key in [CA_KEY, SERVER_KEY] {
            let mode = std::fs::metadata(dir.path().join(key))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{key}");
        }
        assert!(read(&dir.path().join(CA_CERT))
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE"));
        // A second start keeps both.
        let ca = read(&dir.path().join(CA_CERT)).unwrap();
        assert_eq!(ensure(dir.path(), &hosts(), now).unwrap(), Outcome::Kept);
        assert_eq!(read(&dir.path().join(CA_CERT)).unwrap(), ca);
    }

    #[test]
    fn the_server_certificate_is_renewed_before_expiry_and_for_new_hosts_under_the_same_ca() {
        let dir = tempfile::tempdir().unwrap();
        let now = OffsetDateTime::now_utc();
        ensure(dir.path(), &hosts(), now).unwrap();
        let ca = read(&dir.path().join(CA_CERT)).unwrap();
        let later = now + SERVER_VALIDITY - RENEW_BEFORE + Duration::hours(1);
        assert_eq!(ensure(dir.path(), &hosts(), later).unwrap(), Outcome::Made);
        let more = vec!["mqtt.local".to_string()];
        assert_eq!(ensure(dir.path(), &more, later).unwrap(), Outcome::Made);
        assert_eq!(read(&dir.path().join(CA_CERT)).unwrap(), ca, "the CA stays");
    }

    #[test]
    fn a_host_that_is_no_name_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let err = ensure(dir.path(), &["bad host!".into()], OffsetDateTime::now_utc());
        assert!(matches!(err, Err(TlsError::BadHost { host }) if host == "bad host!"));
    }
}
