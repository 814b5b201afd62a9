//! The halfway rules, each against a broker that fails at one step and a
//! real store (SQLite, or PostgreSQL when `scripts/test` runs one), with no
//! HTTP. "Killed" means the request's future is dropped mid-step, as a
//! process kill would leave it; the next `Provisioning` on the same store is
//! the restarted instance.

use std::sync::Arc;
use std::time::Duration;

use tillor_contract::api::BrokerStatus;
use tillor_contract::{Env, Namespace};

use super::fake_broker::{FakeBroker, Fault, Step};
use super::*;
use crate::store::test_store;

const ORG: &str = "acme";

struct Stack {
    broker: Arc<FakeBroker>,
    store: Store,
    _dir: tempfile::TempDir,
    data: tempfile::TempDir,
}

impl Stack {
    async fn new() -> Stack {
        let (store, dir) = test_store().await;
        store.upsert_org(ORG, "digest", "t").await.unwrap();
        Stack {
            broker: Arc::default(),
            store,
            _dir: dir,
            data: tempfile::tempdir().unwrap(),
        }
    }

    /// An instance on this store and broker, with these quotas.
    fn instance_with(&self, max_static: i64, max_jwts: i64) -> Provisioning {
        let signer = Arc::new(TokenSigner::load_or_create(self.data.path()).unwrap());
        Provisioning::new(
            self.store.clone(),
            Some(self.broker.clone()),
            None,
            signer,
            Hashing::new(Some(64)),
            Settings {
                env: Env::Local,
                data_dir: self.data.path().to_owned(),
                max_static_credentials: max_static,
                max_jwts_per_minute: max_jwts,
                broker_timeout: Duration::from_millis(300),
            },
        )
    }

    fn instance(&self) -> Provisioning {
        self.instance_with(100, 100)
    }

    async fn stored(&self) -> Vec<String> {
        let mut names = self.store.known_static_user_names(0).await.unwrap();
        names.sort();
        names
    }
}

fn ns() -> Namespace {
    Namespace::new(Env::Local, ORG).unwrap()
}

/// Runs `f` until the broker hangs in it, then drops it: a kill mid-step.
async fn killed<T>(f: impl std::future::Future<Output = T>) {
    assert!(
        tokio::time::timeout(Duration::from_millis(150), f)
            .await
            .is_err(),
        "the step was to hang, and it answered"
    );
}

#[tokio::test]
async fn a_create_killed_after_the_broker_leaves_no_credential_once_reconciled() {
    let stack = Stack::new().await;
    stack.broker.fail(Step::Create, Fault::HangAfter);
    let p = stack.instance();
    killed(p.create_static(ORG, &ns(), None)).await;
    assert_eq!(stack.broker.clients().len(), 1, "the broker took it");
    assert!(stack.store.list_static(ORG).await.unwrap().is_empty());
    // Meanwhile another instance on a shared store reconciles: the intent
    // tells it the client is a create in progress. Alone on SQLite nothing
    // else can be creating, so the client is an orphan and goes.
    stack.broker.heal();
    let other = stack.instance();
    other.reconcile().await.unwrap();
    assert_eq!(
        stack.broker.clients().len(),
        usize::from(stack.store.is_shared())
    );
}

#[tokio::test]
async fn a_create_the_broker_refuses_stores_nothing_and_drops_its_intent() {
    let stack = Stack::new().await;
    stack.broker.fail(Step::Create, Fault::Refuse);
    let p = stack.instance();
    let err = p.create_static(ORG, &ns(), None).await.err().unwrap();
    assert!(
        matches!(err, Error::Broker(BrokerError::Refused { .. })),
        "{err}"
    );
    assert!(stack.stored().await.is_empty(), "no intent, no row");
}

#[tokio::test]
async fn a_create_whose_broker_does_not_answer_keeps_its_intent_for_reconciliation() {
    let stack = Stack::new().await;
    stack.broker.fail(Step::Create, Fault::HangAfter);
    let p = stack.instance();
    // Bounded by provisioning's own timeout (300 ms here), whatever the broker.
    let namespace = ns();
    let answer = tokio::time::timeout(
        Duration::from_secs(5),
        p.create_static(ORG, &namespace, None),
    );
    let err = answer
        .await
        .expect("a silent broker is waited for a bounded time")
        .err()
        .unwrap();
    assert!(
        matches!(err, Error::Broker(BrokerError::Unavailable(_))),
        "{err}"
    );
    let on_broker: Vec<String> = stack.broker.clients().into_iter().collect();
    assert_eq!(
        stack.stored().await,
        on_broker,
        "the intent names the client"
    );
    assert!(stack.store.list_static(ORG).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_create_the_store_cannot_finish_takes_its_broker_client_back() {
    let stack = Stack::new().await;
    stack.store.refuse("INSERT", "static_credentials").await;
    let p = stack.instance();
    assert!(matches!(
        p.create_static(ORG, &ns(), None).await,
        Err(Error::Store(_))
    ));
    assert!(stack.broker.clients().is_empty());
}

#[tokio::test]
async fn a_created_credential_is_on_the_broker_with_the_password_given_once() {
    let stack = Stack::new().await;
    let p = stack.instance();
    let issued = p.create_static(ORG, &ns(), Some("gateway")).await.unwrap();
    assert_eq!(
        stack.broker.password(&issued.row.user_name).as_deref(),
        Some(issued.password.as_str())
    );
    let rows = stack.store.list_static(ORG).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(crate::secrets::verify_password(
        &issued.password,
        &rows[0].password_hash
    ));
    assert_eq!(p.status(&issued.row.user_name), Some(BrokerStatus::Active));
}

/// One stored credential, on the broker too.
async fn one(p: &Provisioning) -> crate::store::StaticRow {
    p.create_static(ORG, &ns(), None).await.unwrap().row
}

#[tokio::test]
async fn a_delete_the_store_cannot_mark_changes_nothing_at_the_broker() {
    let stack = Stack::new().await;
    let p = stack.instance();
    let row = one(&p).await;
    stack.store.refuse("UPDATE", "static_credentials").await;
    assert!(matches!(
        p.delete_static(ORG, &row.id).await,
        Err(Error::Store(_))
    ));
    assert!(stack.broker.clients().contains(&row.user_name));
    assert_eq!(p.status(&row.user_name), Some(BrokerStatus::Active));
}

#[tokio::test]
async fn a_delete_the_broker_does_not_answer_is_unfinished_and_the_sweep_finishes_it() {
    let stack = Stack::new().await;
    let p = stack.instance();
    let row = one(&p).await;
    stack.broker.fail(Step::Delete, Fault::HangBefore);
    assert!(matches!(
        p.delete_static(ORG, &row.id).await,
        Err(Error::DeleteUnfinished(_))
    ));
    assert!(stack.broker.clients().contains(&row.user_name));
    // The sweep leaves a delete younger than its bound to its request...
    stack.broker.heal();
    p.finish_deletes(0).await.unwrap();
    assert_eq!(stack.store.list_static(ORG).await.unwrap().len(), 1);
    // ...and finishes an older one, at both halves.
    p.finish_deletes(i64::MAX).await.unwrap();
    assert!(stack.broker.clients().is_empty());
    assert!(stack.stored().await.is_empty());
}

#[tokio::test]
async fn a_delete_killed_at_the_broker_is_finished_by_the_restarted_instance() {
    let stack = Stack::new().await;
    let p = stack.instance();
    let row = one(&p).await;
    stack.broker.fail(Step::Delete, Fault::HangAfter);
    killed(p.delete_static(ORG, &row.id)).await;
    stack.broker.heal();
    let restarted = stack.instance();
    restarted.reconcile().await.unwrap();
    assert!(stack.stored().await.is_empty());
    assert_eq!(
        restarted.status(&row.user_name),
        Some(BrokerStatus::Active),
        "a finished delete is not reported as missing"
    );
}

#[tokio::test]
async fn a_delete_the_store_cannot_finish_lists_the_credential_as_missing() {
    let stack = Stack::new().await;
    let p = stack.instance();
    let row = one(&p).await;
    stack.store.refuse("DELETE", "static_credentials").await;
    assert!(matches!(
        p.delete_static(ORG, &row.id).await,
        Err(Error::DeleteUnfinished(_))
    ));
    assert!(stack.broker.clients().is_empty());
    assert_eq!(p.status(&row.user_name), Some(BrokerStatus::Missing));
    // Once the store answers again, deleting again finishes it.
    stack.store.allow("DELETE", "static_credentials").await;
    p.delete_static(ORG, &row.id).await.unwrap();
    assert!(stack.stored().await.is_empty());
}

#[tokio::test]
async fn a_rotation_the_broker_does_not_confirm_is_stored_as_unconfirmed() {
    let stack = Stack::new().await;
    let p = stack.instance();
    let row = one(&p).await;
    stack.broker.fail(Step::SetPassword, Fault::HangAfter);
    assert!(matches!(
        p.rotate_static(ORG, &row.id).await,
        Err(Error::RotationUnconfirmed(_))
    ));
    let stored = stack
        .store
        .find_static(ORG, &row.id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.rotation_unconfirmed);
    // The broker may hold the new password: the store has its hash.
    let on_broker = stack.broker.password(&row.user_name).unwrap();
    assert!(crate::secrets::verify_password(
        &on_broker,
        &stored.password_hash
    ));
    // The next rotation settles it.
    stack.broker.heal();
    let rotated = p.rotate_static(ORG, &row.id).await.unwrap();
    assert!(!rotated.row.rotation_unconfirmed);
    let stored = stack
        .store
        .find_static(ORG, &row.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.rotation_unconfirmed);
}

#[tokio::test]
async fn reconciliation_removes_orphans_and_reports_what_the_broker_lacks() {
    let stack = Stack::new().await;
    let p = stack.instance();
    let kept = one(&p).await;
    let lost = one(&p).await;
    // Lost by the broker (a broker that forgot its state).
    stack.broker.delete_static(&lost.user_name).await.unwrap();
    stack.broker.add("acme-orphan00");
    let restarted = stack.instance();
    restarted.reconcile().await.unwrap();
    let mut on_broker: Vec<String> = stack.broker.clients().into_iter().collect();
    on_broker.sort();
    assert_eq!(on_broker, std::slice::from_ref(&kept.user_name));
    assert_eq!(
        restarted.status(&kept.user_name),
        Some(BrokerStatus::Active)
    );
    assert_eq!(
        restarted.status(&lost.user_name),
        Some(BrokerStatus::Missing)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_creates_at_the_limit_get_exactly_the_allowed_number() {
    let stack = Stack::new().await;
    let p = Arc::new(stack.instance_with(10, 100));
    let results = futures_all((0..50).map(|_| {
        let p = p.clone();
        async move { p.create_static(ORG, &ns(), None).await.map(drop) }
    }))
    .await;
    let created = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(Error::QuotaExceeded { limit: 10, .. })))
        .count();
    assert_eq!((created, refused), (10, 40), "{:?}", errors(&results));
    assert_eq!(stack.store.list_static(ORG).await.unwrap().len(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_tokens_at_the_limit_get_exactly_the_allowed_number() {
    let stack = Stack::new().await;
    let p = Arc::new(stack.instance_with(100, 10));
    let now = crate::clock::now_s();
    let results = futures_all((0..50).map(|_| {
        let p = p.clone();
        async move { p.issue_jwt(ORG, &ns(), None, 3600, now).await.map(drop) }
    }))
    .await;
    let issued = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(Error::QuotaExceeded { limit: 10, .. })))
        .count();
    assert_eq!((issued, refused), (10, 40), "{:?}", errors(&results));
}

#[tokio::test]
async fn a_revocation_is_stored_and_in_the_file_even_when_the_broker_is_not_told() {
    let stack = Stack::new().await;
    let p = stack.instance();
    let now = crate::clock::now_s();
    p.issue_jwt(ORG, &ns(), Some("local-gw".into()), 3600, now)
        .await
        .unwrap();
    stack.broker.fail(Step::Revoke, Fault::Unreachable);
    let jtis = p.revoke_client(ORG, "local-gw", now).await.unwrap();
    assert_eq!(jtis.len(), 1);
    let file = std::fs::read_to_string(stack.data.path().join(crate::revocations::FILE)).unwrap();
    assert!(file.contains(&jtis[0]), "{file}");
    assert!(stack.broker.revoked().is_empty());
    // Again, with the broker answering: nothing new to revoke for it.
    stack.broker.heal();
    p.revoke_jwt(ORG, &jtis[0], now).await.unwrap();
    assert!(matches!(
        p.revoke_jwt(ORG, "no-such-jti", now).await,
        Err(Error::TokenNotFound)
    ));
}

/// Runs the futures at once, on the test's threads, and collects their results.
async fn futures_all<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

fn errors(results: &[Result<(), Error>]) -> Vec<String> {
    results
        .iter()
        .filter_map(|r| r.as_ref().err().map(ToString::to_string))
        .collect()
}
