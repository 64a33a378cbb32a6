//! The playground page, built with Leptos over the engine's view models.
use leptos::prelude::*;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    view! { <main data-testid="app">"kubeplay"</main> }
}
