//! What the first screen knows of the test client, whose code is fetched only
//! when it is opened (`crate::parts`): whether it is open, the credential it
//! uses, and what the credential cards ask of it. The client itself lives in
//! the part and takes the requests from here, in order, once it runs, so a
//! credential handed over while its code is still on the way is not lost.

use leptos::prelude::*;

use crate::components::lazy_part::PartOpen;
use crate::mqtt::params::ConnectParams;

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
    open: PartOpen,
    /// The credential in use: the client's own signal, read here by the cards.
    params: RwSignal<Option<ConnectParams>>,
    requests: RwSignal<Vec<Request>>,
}

impl TestClientLink {
    /// For one organisation; the page re-creates it when the organisation changes.
    pub fn provide(org_id: String) -> Self {
        let link = TestClientLink {
            open: PartOpen::new(super::TEST_CLIENT, org_id.clone()),
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

    /// Whether the test client is open (the card shows it, or its button).
    pub fn open_state(&self) -> PartOpen {
        self.open
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
        self.open.open();
        request_animation_frame(|| {
            if let Some(el) = document().get_element_by_id("test-client") {
                el.scroll_into_view();
            }
        });
    }

    /// A closed test client uses no token, so there is nothing to stop then.
    pub fn token_revoked(&self, jti: &str) {
        if self.open.is_open_untracked() {
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
