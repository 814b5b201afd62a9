//! The only module that touches the WebSocket: `binaryType = arraybuffer`,
//! subprotocol `mqtt`; it reports open, data, close (code, reason) and errors,
//! and detaches its handlers when dropped so no event arrives after unmount.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportEvent {
    Open {
        protocol: String,
    },
    Data(Vec<u8>),
    /// The browser's error event carries no detail; the close that follows does.
    Error,
    Closed {
        code: u16,
        reason: String,
        clean: bool,
    },
}

pub struct Transport {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Transport {
    pub fn open(
        url: &str,
        on_event: impl Fn(TransportEvent) + 'static,
    ) -> Result<Transport, String> {
        let ws = WebSocket::new_with_str(url, "mqtt").map_err(|e| {
            e.as_string()
                .or_else(|| js_sys::Error::from(e).message().as_string())
                .unwrap_or_else(|| "invalid WebSocket URL".into())
        })?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let on_event = std::rc::Rc::new(on_event);
        let on_open = {
            let (f, ws) = (on_event.clone(), ws.clone());
            Closure::<dyn FnMut(_)>::new(move |_: web_sys::Event| {
                f(TransportEvent::Open {
                    protocol: ws.protocol(),
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
        Ok(Transport {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_error: on_error,
            _on_close: on_close,
        })
    }

    pub fn send(&self, bytes: &[u8]) -> Result<(), String> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.ws
            .send_with_u8_array(bytes)
            .map_err(|_| "the WebSocket is not open".into())
    }

    pub fn close(&self) {
        let _ = self.ws.close_with_code(1000);
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onerror(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close_with_code(1000);
    }
}
