//! The stored static credentials the broker lacks: found by reconciliation,
//! or left by a delete whose broker half was done and whose store half was
//! not. Their passwords cannot be given to the broker again (only hashes are
//! stored), so they are shown as missing until deleted.

use std::collections::HashSet;
use std::sync::RwLock;

use tillor_contract::api::BrokerStatus;

#[derive(Default)]
pub struct Missing(RwLock<HashSet<String>>);

impl Missing {
    /// What the last reconciliation found.
    pub fn replace(&self, missing: HashSet<String>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = missing;
    }

    /// The broker no longer holds a credential the store still lists.
    pub fn note(&self, user_name: &str) {
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(user_name.to_owned());
    }

    /// The credential is gone from the broker and the store alike.
    pub fn forget(&self, user_name: &str) {
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(user_name);
    }

    pub fn status(&self, user_name: &str) -> BrokerStatus {
        if self
            .0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(user_name)
        {
            BrokerStatus::Missing
        } else {
            BrokerStatus::Active
        }
    }
}
