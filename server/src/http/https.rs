//! Serving the app over HTTPS (TILLOR_TLS), so the console's `wss://` is never
//! mixed content. axum::serve speaks plain TCP only; here rustls terminates
//! TLS and hyper's HTTP/1 connection serves the same router. The certificate
//! is looked up per handshake, so a renewed one applies to the next
//! connection without a restart.

use std::path::Path;
use std::sync::{Arc, RwLock};

use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio_rustls::rustls::crypto::ring::sign::any_supported_type;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::{ClientHello, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

use crate::tls::{TlsError, TlsFiles};

/// The server certificate in use, replaced on renewal.
#[derive(Debug)]
pub struct Certificate(RwLock<Arc<CertifiedKey>>);

impl Certificate {
    pub fn load(files: &TlsFiles) -> Result<Arc<Certificate>, TlsError> {
        Ok(Arc::new(Certificate(RwLock::new(certified(files)?))))
    }

    /// Reads the files again (after a renewal).
    pub fn reload(&self, files: &TlsFiles) -> Result<(), TlsError> {
        let new = certified(files)?;
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = new;
        Ok(())
    }
}

impl ResolvesServerCert for Certificate {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.read().unwrap_or_else(|p| p.into_inner()).clone())
    }
}

fn certified(files: &TlsFiles) -> Result<Arc<CertifiedKey>, TlsError> {
    fn pem_error(path: &Path) -> impl Fn(rustls::pki_types::pem::Error) -> TlsError + '_ {
        move |e| TlsError::Io {
            path: path.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
        }
    }
    let cert_path = files.server_cert();
    let key_path = files.server_key();
    let chain = CertificateDer::pem_file_iter(&cert_path)
        .map_err(pem_error(&cert_path))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(pem_error(&cert_path))?;
    let key = PrivateKeyDer::from_pem_file(&key_path).map_err(pem_error(&key_path))?;
    let signing = any_supported_type(&key)?;
    Ok(Arc::new(CertifiedKey::new(chain, signing)))
}

pub fn acceptor(cert: Arc<Certificate>) -> TlsAcceptor {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports TLS 1.2 and 1.3")
        .with_no_client_auth()
        .with_cert_resolver(cert);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    TlsAcceptor::from(Arc::new(config))
}

/// Accepts connections until `stop` resolves; each is served on its own task.
/// A failed handshake (an untrusting client, a port scanner) ends only that
/// connection.
pub async fn serve(
    listener: tokio::net::TcpListener,
    acceptor: TlsAcceptor,
    app: Router,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    tokio::pin!(stop);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => accepted?,
            () = &mut stop => return Ok(()),
        };
        // The peer's address reaches the handlers (`guessing`), as with
        // axum::serve's connect info.
        let app = app
            .clone()
            .layer(axum::Extension(axum::extract::ConnectInfo(peer)));
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let tls = match acceptor.accept(tcp).await {
                Ok(tls) => tls,
                Err(e) => {
                    tracing::debug!(%peer, %e, "TLS handshake failed");
                    return;
                }
            };
            let service = TowerToHyperService::new(app);
            let served = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .with_upgrades()
                .await;
            if let Err(e) = served {
                tracing::debug!(%peer, %e, "HTTPS connection ended with an error");
            }
        });
    }
}
