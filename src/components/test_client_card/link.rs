//! What the first screen knows of the test client, whose code is fetched only
//! when it is opened (`crate::parts`): whether it is open, the credential it
//! uses, and what the credential cards ask of it. The client itself lives in
//! the part and takes the requests from here, in order, once it runs, so a
//! credential handed over while its code is still on the way is not lost.

use leptos::prelude::*;

use crate::mqtt::params::ConnectParams;
use crate::parts::Part;
use crate::settings;

#[derive(Clone, Debug)]
pub enum Request {
    /// Use this credential ("Gebruiken in testclient"), replacing any other.
    Use(ConnectParams),
    /// The API revoked this token (by jti): stop using it.
    TokenRevoked(String),
}

#[derive(Clone, Copy)]
pub struct TestClientLink {
    org_id: StoredValue<String>,
    open: RwSignal<bool>,
    /// The credential in use: the client's own signal, read here by the cards.
    params: RwSignal<Option<ConnectParams>>,
    requests: RwSignal<Vec<Request>>,
}

impl TestClientLink {
    /// For one organisation; the page re-creates it when the organisation changes.
    pub fn provide(org_id: String) -> Self {
        let link = TestClientLink {
            open: RwSignal::new(settings::part_open(&org_id, Part::TestClient)),
            org_id: StoredValue::new(org_id),
            params: RwSignal::new(None),
            requests: RwSignal::new(Vec::new()),
        };
        provide_context(link);
        link
    }

    pub fn org_id(&self) -> String {
        self.org_id.get_value()
    }

    pub fn is_open(&self) -> ReadSignal<bool> {
        self.open.read_only()
    }

    /// Opens the test client, also after the next reload.
    pub fn open(&self) {
        if !self.open.get_untracked() {
            settings::remember_part_open(&self.org_id.get_value(), Part::TestClient);
            self.open.set(true);
        }
    }

    pub fn params(&self) -> ReadSignal<Option<ConnectParams>> {
        self.params.read_only()
    }

    /// The signal the client keeps its credential in (the client writes it).
    pub(super) fn params_signal(&self) -> RwSignal<Option<ConnectParams>> {
        self.params
    }

    /// Hands a credential to the test client, opens it and scrolls to it.
    pub fn hand_over(&self, params: ConnectParams) {
        self.requests.update(|r| r.push(Request::Use(params)));
        self.open();
        request_animation_frame(|| {
            if let Some(el) = document().get_element_by_id("test-client") {
                el.scroll_into_view();
            }
        });
    }

    /// A closed test client uses no token, so there is nothing to stop then.
    pub fn token_revoked(&self, jti: &str) {
        if self.open.get_untracked() {
            let jti = jti.to_owned();
            self.requests.update(|r| r.push(Request::TokenRevoked(jti)));
        }
    }

    /// Tracks the requests and takes those not yet handled.
    pub(super) fn take_requests(&self) -> Vec<Request> {
        self.requests.track();
        self.requests
            .try_update_untracked(std::mem::take)
            .unwrap_or_default()
    }
}

pub fn use_test_client_link() -> Option<TestClientLink> {
    use_context::<TestClientLink>()
}
