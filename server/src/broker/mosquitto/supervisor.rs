//! Mosquitto's configuration, first-run setup and process supervision.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use crate::events::EventSink;

use super::settings::{Settings, ADMIN_PASSWORD_FILE, ADMIN_USER, CONFIG_FILE, DYNSEC_FILE};

/// Runs before every start of Mosquitto: writes the files it reads at start
/// from the shared store (revoked tokens, signing keys), which another
/// instance may have changed since.
pub type BeforeStart = std::sync::Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> + Send + Sync,
>;

/// Keeps Mosquitto running: restarts it when it exits or is asked to (a
/// renewed certificate), stops it when dropped.
pub struct Supervisor {
    task: JoinHandle<()>,
    restart: std::sync::Arc<tokio::sync::Notify>,
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        // Aborting drops the Child, and kill_on_drop ends Mosquitto.
        self.task.abort();
    }
}

impl Supervisor {
    /// `events` hears of every exit: the sessions end with the process.
    pub async fn start(
        settings: &Settings,
        events: EventSink,
        before_start: BeforeStart,
    ) -> Result<Supervisor, String> {
        prepare(settings).await?;
        for (what, addr) in settings.listeners() {
            if let Err(e) = wait_until_free(addr).await {
                return Err(format!(
                    "cannot use {addr} for the {what} listener: {e}. Another broker holds it? \
                     Debian's mosquitto service starts one on 1883 (stop it: systemctl stop mosquitto), \
                     or choose other addresses with TILLOR_MQTT_ADDR / TILLOR_MQTT_WS_ADDR \
                     (with TLS also TILLOR_MQTTS_ADDR / TILLOR_MQTT_WSS_ADDR)."
                ));
            }
        }
        let mut child = spawn(settings)?;
        wait_until_listening(&mut child, settings.tcp_addr).await?;
        let settings = settings.clone();
        let restart = std::sync::Arc::new(tokio::sync::Notify::new());
        let asked = restart.clone();
        let task = tokio::spawn(async move {
            loop {
                let status = tokio::select! {
                    status = child.wait() => status,
                    () = asked.notified() => {
                        tracing::info!("restarting mosquitto: its certificate was renewed");
                        let _ = child.kill().await;
                        child.wait().await
                    }
                };
                tracing::error!(?status, "mosquitto exited; restarting it in 1 s");
                events.broker_stopped(crate::clock::now_ms()).await;
                tokio::time::sleep(Duration::from_secs(1)).await;
                before_start().await;
                child = loop {
                    match spawn(&settings) {
                        Ok(c) => break c,
                        Err(e) => {
                            tracing::error!(%e, "cannot restart mosquitto; trying again in 5 s");
                            tokio::time::sleep(Duration::from_secs(5)).await;
                        }
                    }
                };
            }
        });
        Ok(Supervisor { task, restart })
    }

    /// Stops Mosquitto so that it starts again, reading its files anew.
    pub fn restart(&self) {
        self.restart.notify_one();
    }
}

/// A broker of ours that is still shutting down (a restart) frees its port
/// within moments; anything holding it longer is someone else's.
async fn wait_until_free(addr: SocketAddr) -> std::io::Result<()> {
    let mut last = None;
    for _ in 0..50 {
        match TcpListener::bind(addr) {
            Ok(_) => return Ok(()),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(last.expect("at least one attempt"))
}

async fn prepare(s: &Settings) -> Result<(), String> {
    for (what, path) in [
        ("the JWT plugin", &s.jwt_plugin),
        ("the dynamic-security plugin", &s.dynsec_plugin),
        ("mosquitto", &s.mosquitto_bin),
    ] {
        if !path.exists() {
            return Err(format!(
                "{what} is not at {}: run scripts/run (it builds and installs what is missing)",
                path.display()
            ));
        }
    }
    std::fs::create_dir_all(&s.dir)
        .map_err(|e| format!("cannot create {}: {e}", s.dir.display()))?;
    let password_path = s.dir.join(ADMIN_PASSWORD_FILE);
    let dynsec_path = s.dir.join(DYNSEC_FILE);
    if !dynsec_path.exists() {
        let password = crate::secrets::new_password();
        crate::secrets::write_private(&password_path, password.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", password_path.display()))?;
        init_dynsec(s, &dynsec_path, &password).await?;
    }
    let config = s.dir.join(CONFIG_FILE);
    std::fs::write(&config, s.config_text())
        .map_err(|e| format!("cannot write {}: {e}", config.display()))
}

/// The documented way to make dynamic security's first file; the admin password
/// goes in on stdin so it never appears in a process list.
async fn init_dynsec(s: &Settings, file: &Path, password: &str) -> Result<(), String> {
    let mut child = Command::new(&s.mosquitto_ctrl_bin)
        .args(["dynsec", "init"])
        .arg(file)
        .arg(ADMIN_USER)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", s.mosquitto_ctrl_bin.display()))?;
    if let Some(mut stdin) = child.stdin.take() {
        use tokio::io::AsyncWriteExt;
        stdin
            .write_all(format!("{password}\n{password}\n").as_bytes())
            .await
            .map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().await.map_err(|e| e.to_string())?;
    if !out.status.success() || !file.exists() {
        return Err(format!(
            "mosquitto_ctrl dynsec init failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    restrict(file)
}

fn restrict(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("cannot restrict {}: {e}", path.display()))
}

fn spawn(s: &Settings) -> Result<Child, String> {
    let mut cmd = Command::new(&s.mosquitto_bin);
    cmd.arg("-c")
        .arg(s.dir.join(CONFIG_FILE))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // SAFETY: prctl is async-signal-safe. If tillor-local dies without cleaning
    // up, the kernel stops Mosquitto too, so no orphan holds the ports.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", s.mosquitto_bin.display()))?;
    if let Some(stderr) = child.stderr.take() {
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::info!(target: "mosquitto", "{line}");
            }
        });
    }
    Ok(child)
}

async fn wait_until_listening(child: &mut Child, addr: SocketAddr) -> Result<(), String> {
    for _ in 0..100 {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "mosquitto exited at start ({status}); its log lines above say why"
            ));
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("mosquitto did not listen on {addr} within 10 s"))
}
