//! The password hashing pool: Argon2id is deliberately slow (and takes
//! 19 MiB a hash), so hashes run off the async workers, at most as many at
//! once as the pool allows, and a caller beyond that is turned away
//! (`Error::Busy`) rather than queued without bound.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::Error;
use crate::secrets::hash_password;

/// At most `permits` hashes at once.
#[derive(Clone)]
pub struct Hashing(Arc<Semaphore>);

impl Hashing {
    /// `threads` places; unset: one per core.
    pub fn new(threads: Option<u32>) -> Hashing {
        let threads = threads.map(|t| t as usize).unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        Hashing(Arc::new(Semaphore::new(threads)))
    }

    /// The password's hash, or `Busy` when every place is taken. The place
    /// is held until the hash is done, even if the caller has gone.
    pub async fn hash(&self, password: &str) -> Result<String, Error> {
        let place = self
            .0
            .clone()
            .try_acquire_owned()
            .map_err(|_| Error::Busy)?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || {
            let hash = hash_password(&password);
            drop(place);
            hash
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|e| Error::Internal(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_pool_turns_callers_away_when_full_and_takes_them_when_free() {
        let pool = Hashing::new(Some(1));
        let place = pool.0.clone().try_acquire_owned().unwrap();
        assert!(matches!(pool.hash("pw").await, Err(Error::Busy)));
        drop(place);
        assert!(crate::secrets::verify_password(
            "pw",
            &pool.hash("pw").await.unwrap()
        ));
    }
}
