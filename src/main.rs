//! The web entry point, one wasm for the full page and for every `<k8s-playground>`
//! widget. `main` installs the panic hook and mounts the full page only when the page
//! asks for it (`<body data-kubeplay="page">`, index.html), so the same module loaded by
//! the element mounts nothing by itself. The rest is the widget API the element calls:
//! `mount_widget` and the methods of [`Widget`], thin wrappers over
//! `kubeplay::components::embed`.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use kubeplay::components::embed;

fn main() {
    console_error_panic_hook::set_once();
    let page = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .and_then(|b| b.get_attribute("data-kubeplay"));
    if page.as_deref() == Some("page") {
        leptos::mount::mount_to_body(kubeplay::components::App);
    }
}

/// One widget, held by its element.
#[wasm_bindgen]
pub struct Widget(embed::Widget);

/// Mounts a widget into `container` (a div in the element's shadow root). `params_json`
/// is a JSON list of `[name, value]` attribute pairs; `on_event(type, payloadJson)` is
/// called for every event the widget reports.
#[wasm_bindgen]
pub fn mount_widget(
    container: web_sys::HtmlElement,
    params_json: &str,
    on_event: js_sys::Function,
) -> Widget {
    let emit: embed::Emit = Rc::new(move |ty: &str, payload: serde_json::Value| {
        // A throwing listener is the host page's problem, not the widget's.
        let _ = on_event.call2(
            &JsValue::NULL,
            &JsValue::from_str(ty),
            &JsValue::from_str(&payload.to_string()),
        );
    });
    Widget(embed::mount(container, params_json, emit))
}

#[wasm_bindgen]
impl Widget {
    /// Lets the clock run (true) or stops it (false), apart from the reader's play/pause.
    pub fn set_running(&self, running: bool) {
        self.0.set_running(running);
    }

    /// Runs a console line; returns `{"ok": bool, "output": string}` as JSON.
    pub fn run(&self, line: &str) -> String {
        let (ok, output) = self.0.run(line);
        serde_json::json!({ "ok": ok, "output": output }).to_string()
    }

    /// The widget's state as JSON (`clock`, `ms`, `converged`, `running`, `pods`).
    pub fn state(&self) -> String {
        self.0.state().to_string()
    }

    /// Removes the widget: its view, signals and timers.
    pub fn unmount(&mut self) {
        self.0.unmount();
    }
}
