//! Seeding organisations: the demo organisation (given, or generated once and kept
//! in the data directory so the printed key stays the same) and `TILLOR_SEED_ORGS`.

use std::fs;

use serde::{Deserialize, Serialize};

use crate::config::{check_api_key, check_org_id, SeedOrg};
use crate::secrets::{api_key_digest, new_api_key, random_slug, write_private, Sealer};
use crate::store::Store;

pub const DEMO_ORG_FILE: &str = "demo-org.json";

/// What the shared demo API key is sealed under.
const DEMO_SEAL_NAME: &str = "demo organisation API key";

/// What seeding reads of the configuration.
pub struct Settings {
    /// `TILLOR_DEMO_ORG_ID` and `TILLOR_DEMO_API_KEY`, if given.
    pub demo_org_id: Option<String>,
    pub demo_api_key: Option<String>,
    /// `TILLOR_SEED_ORGS`.
    pub seed_orgs: Vec<SeedOrg>,
    /// Where a generated demo organisation is kept.
    pub data_dir: std::path::PathBuf,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoOrgFile {
    org_id: String,
    api_key: String,
}

/// Returns the demo organisation, seeded together with every `TILLOR_SEED_ORGS` entry.
/// On a shared database (`sealer` given) an unnamed demo organisation is the
/// database's, so every instance prints the same one.
pub async fn seed(
    config: &Settings,
    store: &Store,
    sealer: Option<&Sealer>,
    now: &str,
) -> Result<SeedOrg, String> {
    let unnamed = config.demo_org_id.is_none() && config.demo_api_key.is_none();
    let demo = match (sealer, unnamed) {
        // Kept in the database, not in this instance's demo-org.json.
        (Some(sealer), true) => shared_demo_org(config, store, sealer).await?,
        _ => demo_org(config)?,
    };
    for org in std::iter::once(&demo).chain(&config.seed_orgs) {
        store
            .upsert_org(&org.org_id, &api_key_digest(&org.api_key), now)
            .await
            .map_err(|e| format!("cannot seed organisation {}: {e}", org.org_id))?;
    }
    Ok(demo)
}

/// The database's demo organisation; this instance's proposal if it is
/// first: the data directory's (so a `migrate-store`d instance keeps its
/// demo organisation), else a new one.
async fn shared_demo_org(
    config: &Settings,
    store: &Store,
    sealer: &Sealer,
) -> Result<SeedOrg, String> {
    let proposal = match saved_demo_org(config)? {
        Some(saved) => SeedOrg {
            org_id: saved.org_id,
            api_key: saved.api_key,
        },
        None => SeedOrg {
            org_id: format!("demo-{}", random_slug(6)),
            api_key: new_api_key(),
        },
    };
    let sealed = sealer.seal(DEMO_SEAL_NAME, proposal.api_key.as_bytes());
    let (org_id, sealed) = store
        .demo_organisation((&proposal.org_id, &sealed))
        .await
        .map_err(|e| format!("cannot read the demo organisation: {e}"))?;
    let key = sealer.open(DEMO_SEAL_NAME, &sealed)?;
    Ok(SeedOrg {
        org_id,
        api_key: String::from_utf8(key).map_err(|_| "the demo API key is not text")?,
    })
}

/// The data directory's demo organisation file, if there is one.
fn saved_demo_org(config: &Settings) -> Result<Option<DemoOrgFile>, String> {
    let path = config.data_dir.join(DEMO_ORG_FILE);
    Ok(match fs::read(&path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{} is damaged ({e}); delete it to make a new demo organisation",
                path.display()
            )
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    })
}

fn demo_org(config: &Settings) -> Result<SeedOrg, String> {
    let path = config.data_dir.join(DEMO_ORG_FILE);
    let saved = saved_demo_org(config)?;
    let org_id = config
        .demo_org_id
        .clone()
        .or_else(|| saved.as_ref().map(|s| s.org_id.clone()))
        .unwrap_or_else(|| format!("demo-{}", random_slug(6)));
    let api_key = config
        .demo_api_key
        .clone()
        .or_else(|| saved.as_ref().map(|s| s.api_key.clone()))
        .unwrap_or_else(new_api_key);
    check_org_id(&org_id)?;
    check_api_key(&api_key)?;
    if saved.as_ref().map(|s| (&s.org_id, &s.api_key)) != Some((&org_id, &api_key)) {
        let demo = DemoOrgFile {
            org_id: org_id.clone(),
            api_key: api_key.clone(),
        };
        write_private(&path, &serde_json::to_vec_pretty(&demo).expect("json"))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(SeedOrg { org_id, api_key })
}
