//! The revoked tokens the broker must refuse, as a file in the data
//! directory that the plugin reads at start (`plugin_opt_revocations_file`):
//! a restarted broker refuses a revoked token from its first connect. The
//! running broker hears of a new revocation by a command; the file is written
//! first, so a broker that restarts in between still has it.

use std::path::Path;

use tillor_contract::broker_event::RevokedToken;

use crate::store::Store;

pub const FILE: &str = "revoked-tokens.json";

/// Writes every revoked token that has not expired, replacing the file in
/// one step (a reader never sees half of it).
pub async fn write(store: &Store, data_dir: &Path, now: i64) -> Result<Vec<RevokedToken>, String> {
    let tokens = store
        .active_revocations(now)
        .await
        .map_err(|e| format!("cannot read the revoked tokens: {e}"))?;
    let body = serde_json::to_vec(&tokens).expect("a list of tokens always serializes");
    let path = data_dir.join(FILE);
    let tmp = data_dir.join(format!("{FILE}.tmp"));
    std::fs::write(&tmp, body)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(tokens)
}
