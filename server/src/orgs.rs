//! Seeding organisations: the demo organisation (given, or generated once and kept
//! in the data directory so the printed key stays the same) and `TILLOR_SEED_ORGS`.

use std::fs;

use serde::{Deserialize, Serialize};

use crate::config::{check_api_key, check_org_id, Config, SeedOrg};
use crate::secrets::{api_key_digest, new_api_key, random_slug, write_private};
use crate::store::Store;

pub const DEMO_ORG_FILE: &str = "demo-org.json";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoOrgFile {
    org_id: String,
    api_key: String,
}

/// Returns the demo organisation, seeded together with every `TILLOR_SEED_ORGS` entry.
pub async fn seed(config: &Config, store: &Store, now: &str) -> Result<SeedOrg, String> {
    let demo = demo_org(config)?;
    for org in std::iter::once(&demo).chain(&config.seed_orgs) {
        store
            .upsert_org(&org.org_id, &api_key_digest(&org.api_key), now)
            .await
            .map_err(|e| format!("cannot seed organisation {}: {e}", org.org_id))?;
    }
    Ok(demo)
}

fn demo_org(config: &Config) -> Result<SeedOrg, String> {
    let path = config.data_dir.join(DEMO_ORG_FILE);
    let saved: Option<DemoOrgFile> = match fs::read(&path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{} is damaged ({e}); delete it to make a new demo organisation",
                path.display()
            )
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
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
