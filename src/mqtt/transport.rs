//! The only module that touches the WebSocket: `binaryType = arraybuffer`,
//! subprotocol `mqtt`; it reports open, data, close (code, reason) and errors,
//! and detaches its handlers when dropped so no event arrives after unmount.
//!
//! The socket lives in a dedicated worker (`socket_worker.js`) when the page
//! allows one. Measured in scripts/bench: with the socket on the page, a
//! flood of small messages kept Chromium's main thread busy dispatching one
//! event per MQTT packet (the console's own code was under a tenth of it), and
//! a 10 ms timer ran up to 160 ms late. From the worker the page gets one
//! batch per frame. A host page whose CSP forbids `blob:` workers gets the
//! socket on the page, as before.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket, Worker};

const WORKER_SOURCE: &str = include_str!("socket_worker.js");

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportEvent {
    Open {
        protocol: String,
        /// Where the socket runs: support staff ask when a page behaves oddly.
        in_worker: bool,
    },
    /// Part of the byte stream: one WebSocket frame, or several concatenated.
    Data(Vec<u8>),
    /// The browser's error event carries no detail; the close that follows does.
    Error,
    Closed {
        code: u16,
        reason: String,
        clean: bool,
    },
}

pub struct Transport(Rc<RefCell<Backend>>);

enum Backend {
    Worker(WorkerSocket),
    Page(PageSocket),
    /// The worker was refused and the page socket could not open either.
    Gone,
}

thread_local! {
    /// Set once a worker was refused (Chromium reports a CSP refusal only
    /// later, as the worker's error event): later connections go straight
    /// to the page socket.
    static WORKERS_REFUSED: Cell<bool> = const { Cell::new(false) };
}

impl Transport {
    pub fn open(
        url: &str,
        on_event: impl Fn(TransportEvent) + 'static,
    ) -> Result<Transport, String> {
        let on_event: Rc<dyn Fn(TransportEvent)> = Rc::new(on_event);
        check_url(url)?;
        if WORKERS_REFUSED.with(Cell::get) {
            return PageSocket::open(url, on_event)
                .map(|p| Transport(Rc::new(RefCell::new(Backend::Page(p)))));
        }
        let shared = Rc::new(RefCell::new(Backend::Gone));
        let fall_back = {
            let (weak, url, on_event) = (Rc::downgrade(&shared), url.to_owned(), on_event.clone());
            move || {
                WORKERS_REFUSED.with(|r| r.set(true));
                let (weak, url, on_event) = (weak.clone(), url.clone(), on_event.clone());
                // Not from inside the worker's own error handler: replacing the
                // backend drops that handler.
                wasm_bindgen_futures::spawn_local(async move {
                    let Some(shared) = weak.upgrade() else { return };
                    let backend = match PageSocket::open(&url, on_event.clone()) {
                        Ok(p) => Backend::Page(p),
                        Err(reason) => {
                            on_event(TransportEvent::Closed {
                                code: 1006,
                                reason,
                                clean: false,
                            });
                            Backend::Gone
                        }
                    };
                    *shared.borrow_mut() = backend;
                });
            }
        };
        match WorkerSocket::open(url, on_event.clone(), fall_back) {
            Some(w) => *shared.borrow_mut() = Backend::Worker(w),
            None => {
                WORKERS_REFUSED.with(|r| r.set(true));
                *shared.borrow_mut() = Backend::Page(PageSocket::open(url, on_event)?);
            }
        }
        Ok(Transport(shared))
    }

    pub fn send(&self, bytes: &[u8]) -> Result<(), String> {
        if bytes.is_empty() {
            return Ok(());
        }
        match &*self.0.borrow() {
            Backend::Worker(w) => w.send(bytes),
            Backend::Page(p) => p.send(bytes),
            Backend::Gone => Err("the WebSocket is not open".into()),
        }
    }

    pub fn close(&self) {
        match &*self.0.borrow() {
            Backend::Worker(w) => w.close(),
            Backend::Page(p) => p.close(),
            Backend::Gone => {}
        }
    }
}

/// A thrown JS value as text, or `otherwise` when it carries none.
fn js_message(e: JsValue, otherwise: &str) -> String {
    e.as_string()
        .or_else(|| js_sys::Error::from(e).message().as_string())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| otherwise.to_owned())
}

/// What `new WebSocket(url)` would refuse for its syntax, refused here at once:
/// in the worker that refusal would only arrive later, as a close. The scheme,
/// mixed content and fragments are `url::check_broker_url`'s to decide, before
/// the client ever gets here.
fn check_url(url: &str) -> Result<(), String> {
    web_sys::Url::new(url)
        .map(drop)
        .map_err(|e| js_message(e, "invalid WebSocket URL"))
}

thread_local! {
    /// One object URL for the worker's script, kept for the page's lifetime.
    static WORKER_URL: Option<String> = {
        let parts = js_sys::Array::of1(&JsValue::from_str(WORKER_SOURCE));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
            .ok()
            .and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok())
    };
}

fn post(
    worker: &Worker,
    fields: &[(&str, &JsValue)],
    transfer: Option<&JsValue>,
) -> Result<(), JsValue> {
    let message = js_sys::Object::new();
    for (k, v) in fields {
        js_sys::Reflect::set(&message, &JsValue::from_str(k), v)?;
    }
    match transfer {
        Some(t) => worker.post_message_with_transfer(&message, &js_sys::Array::of1(t)),
        None => worker.post_message(&message),
    }
}

struct WorkerSocket {
    worker: Worker,
    open: Rc<Cell<bool>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl WorkerSocket {
    /// `fall_back` runs when the worker fails before it said anything (its
    /// script was refused, e.g. by the host page's CSP).
    fn open(
        url: &str,
        on_event: Rc<dyn Fn(TransportEvent)>,
        fall_back: impl Fn() + 'static,
    ) -> Option<WorkerSocket> {
        let script = WORKER_URL.with(Clone::clone)?;
        let worker = Worker::new(&script).ok()?;
        let open = Rc::new(Cell::new(false));
        let heard = Rc::new(Cell::new(false));
        let on_message = {
            let (f, open, heard) = (on_event.clone(), open.clone(), heard.clone());
            Closure::<dyn FnMut(_)>::new(move |e: MessageEvent| {
                heard.set(true);
                let data = e.data();
                let field = |k: &str| {
                    js_sys::Reflect::get(&data, &JsValue::from_str(k)).unwrap_or_default()
                };
                match field("t").as_string().as_deref() {
                    Some("data") => f(TransportEvent::Data(
                        js_sys::Uint8Array::new(&field("bytes")).to_vec(),
                    )),
                    Some("open") => {
                        open.set(true);
                        f(TransportEvent::Open {
                            protocol: field("protocol").as_string().unwrap_or_default(),
                            in_worker: true,
                        })
                    }
                    Some("error") => f(TransportEvent::Error),
                    Some("closed") => {
                        open.set(false);
                        f(TransportEvent::Closed {
                            code: field("code").as_f64().unwrap_or(1006.0) as u16,
                            reason: field("reason").as_string().unwrap_or_default(),
                            clean: field("clean").as_bool().unwrap_or(false),
                        })
                    }
                    _ => {}
                }
            })
        };
        // The worker itself failed: before it said anything, its script was
        // refused (use the page instead); later, it is the abnormal close it
        // amounts to.
        let on_error = {
            let (f, open) = (on_event, open.clone());
            Closure::<dyn FnMut(_)>::new(move |e: web_sys::Event| {
                e.prevent_default();
                if !heard.replace(true) {
                    fall_back();
                    return;
                }
                open.set(false);
                f(TransportEvent::Closed {
                    code: 1006,
                    reason: "the WebSocket worker failed".into(),
                    clean: false,
                })
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        post(
            &worker,
            &[
                ("t", &"open".into()),
                ("url", &url.into()),
                ("protocol", &"mqtt".into()),
            ],
            None,
        )
        .ok()?;
        Some(WorkerSocket {
            worker,
            open,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    fn send(&self, bytes: &[u8]) -> Result<(), String> {
        if !self.open.get() {
            return Err("the WebSocket is not open".into());
        }
        let buffer = js_sys::Uint8Array::from(bytes).buffer();
        post(
            &self.worker,
            &[("t", &"send".into()), ("bytes", &buffer)],
            Some(&buffer),
        )
        .map_err(|e| js_message(e, "the WebSocket worker refused the message"))
    }

    fn close(&self) {
        let _ = post(
            &self.worker,
            &[("t", &"close".into()), ("code", &JsValue::from_f64(1000.0))],
            None,
        );
    }
}

impl Drop for WorkerSocket {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        // The worker closes the socket and then ends itself.
        self.close();
    }
}

/// The socket on the page: for hosts whose CSP allows no worker.
struct PageSocket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl PageSocket {
    fn open(url: &str, on_event: Rc<dyn Fn(TransportEvent)>) -> Result<PageSocket, String> {
        let ws = WebSocket::new_with_str(url, "mqtt")
            .map_err(|e| js_message(e, "invalid WebSocket URL"))?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let on_open = {
            let (f, ws) = (on_event.clone(), ws.clone());
            Closure::<dyn FnMut(_)>::new(move |_: web_sys::Event| {
                f(TransportEvent::Open {
                    protocol: ws.protocol(),
                    in_worker: false,
                })
            })
        };
        let on_message = {
            let f = on_event.clone();
            Closure::<dyn FnMut(_)>::new(move |e: MessageEvent| {
                if let Ok(buf) = e.data().dyn_into::<js_sys::ArrayBuffer>() {
                    f(TransportEvent::Data(js_sys::Uint8Array::new(&buf).to_vec()));
                }
            })
        };
        let on_error = {
            let f = on_event.clone();
            Closure::<dyn FnMut(_)>::new(move |_: web_sys::Event| f(TransportEvent::Error))
        };
        let on_close = {
            let f = on_event;
            Closure::<dyn FnMut(_)>::new(move |e: CloseEvent| {
                f(TransportEvent::Closed {
                    code: e.code(),
                    reason: e.reason(),
                    clean: e.was_clean(),
                })
            })
        };
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(PageSocket {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_error: on_error,
            _on_close: on_close,
        })
    }

    fn send(&self, bytes: &[u8]) -> Result<(), String> {
        self.ws
            .send_with_u8_array(bytes)
            .map_err(|_| "the WebSocket is not open".into())
    }

    fn close(&self) {
        let _ = self.ws.close_with_code(1000);
    }
}

impl Drop for PageSocket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onerror(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close_with_code(1000);
    }
}
