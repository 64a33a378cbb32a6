//! The timeline under the cluster: drag back to any moment (a user action or one
//! controller action), step one action back or forward, return to now. Acting while a
//! past moment is shown branches there; the old future is kept until discarded.

use leptos::prelude::*;

use super::history::{By, History};
use super::Ui;

/// At most this many user actions are marked on the track.
const MAX_MARKS: usize = 200;

/// What the timeline draws, computed from the history.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineView {
    /// Moments on the timeline; the slider's last position (`count`) is now.
    pub count: usize,
    /// The slider's position.
    pub position: usize,
    /// Whether a past moment is shown.
    pub in_past: bool,
    /// `01:23` of the moment shown (or of now).
    pub at: String,
    /// Who acted at the moment shown (`replicaset-controller`, `you`), empty for now.
    pub by: String,
    /// What happened then, in words.
    pub label: String,
    /// User actions along the track: (percent from the left, what was done).
    pub marks: Vec<(f64, String)>,
    /// The other branch, in words, if there is one.
    pub other: Option<String>,
}

/// The timeline's view model.
pub fn timeline_view(h: &History) -> TimelineView {
    let moments = h.moments();
    let count = moments.len();
    let position = h.viewing().unwrap_or(count);
    let (at, by, label) = match h.viewing().and_then(|i| moments.get(i)) {
        Some(m) => (
            m.at.to_string(),
            match &m.by {
                By::User => "you".to_string(),
                By::Controller(name) => name.to_string(),
            },
            m.label.clone(),
        ),
        None => (
            h.live().now().to_string(),
            String::new(),
            "now: the cluster as it is".to_string(),
        ),
    };
    let span = count.max(1) as f64;
    let marks = moments
        .iter()
        .enumerate()
        .filter(|(_, m)| m.by == By::User)
        .take(MAX_MARKS)
        .map(|(i, m)| (i as f64 * 100.0 / span, format!("{} {}", m.at, m.label)))
        .collect();
    let other = h.other_branch().map(|o| {
        format!(
            "You changed the past at {}: this is a new branch. The old future ({} moment{}, up to {}) is kept.",
            o.parted_at,
            o.moments_after,
            if o.moments_after == 1 { "" } else { "s" },
            o.ends_at
        )
    });
    TimelineView {
        count,
        position,
        in_past: h.viewing().is_some(),
        at,
        by,
        label,
        marks,
        other,
    }
}

/// The timeline strip.
#[component]
pub fn Timeline() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let tl = Memo::new(move |_| ui.sim.timeline(timeline_view));
    let go = move |i: usize| {
        ui.playing.set(false);
        ui.sim.travel(|h| h.view(i));
    };
    let back = move |_| {
        let (pos, _) = tl.with_untracked(|t| (t.position, t.count));
        go(pos.saturating_sub(1));
    };
    let forward = move |_| {
        let (pos, count) = tl.with_untracked(|t| (t.position, t.count));
        go((pos + 1).min(count));
    };
    let now = move |_| ui.sim.travel(|h| h.to_present());
    view! {
        <div class="timeline" role="group" aria-label="Timeline" data-testid="timeline"
            class:in-past=move || tl.with(|t| t.in_past)>
            <button
                class="icon-btn"
                data-testid="tl-back"
                title="One action back"
                aria-label="One action back"
                disabled=move || tl.with(|t| t.position == 0)
                on:click=back
            >
                "◀"
            </button>
            <div class="tl-track">
                <div class="tl-marks" aria-hidden="true">
                    {move || {
                        tl.with(|t| {
                            t.marks
                                .iter()
                                .map(|(pct, title)| {
                                    view! {
                                        <span
                                            class="tl-mark"
                                            style:left=format!("{pct:.2}%")
                                            title=title.clone()
                                        ></span>
                                    }
                                })
                                .collect_view()
                        })
                    }}
                </div>
                <input
                    type="range"
                    class="tl-range"
                    data-testid="tl-range"
                    min="0"
                    max=move || tl.with(|t| t.count.to_string())
                    prop:value=move || tl.with(|t| t.position.to_string())
                    aria-label="Moment on the timeline"
                    aria-valuetext=move || tl.with(|t| format!("{} {}", t.at, t.label))
                    on:input=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                            go(i);
                        }
                    }
                />
            </div>
            <button
                class="icon-btn"
                data-testid="tl-forward"
                title="One action forward"
                aria-label="One action forward"
                disabled=move || tl.with(|t| !t.in_past)
                on:click=forward
            >
                "▶"
            </button>
            <button
                data-testid="tl-now"
                title="Back to the present"
                disabled=move || tl.with(|t| !t.in_past)
                on:click=now
            >
                "Now"
            </button>
            <p class="tl-label" data-testid="tl-label" aria-live="polite">
                <span class="tl-at">{move || tl.with(|t| t.at.clone())}</span>
                <Show when=move || tl.with(|t| !t.by.is_empty())>
                    <span class="tl-by">{move || tl.with(|t| t.by.clone())}</span>
                </Show>
                <span class="tl-what">{move || tl.with(|t| t.label.clone())}</span>
            </p>
        </div>
        <Show when=move || tl.with(|t| t.in_past)>
            <p class="tl-note" data-testid="tl-past" role="status">
                {move || {
                    tl.with(|t| {
                        format!(
                            "Showing the cluster at {}, moment {} of {}. Play, apply or run a command here to start a new branch from this moment.",
                            t.at,
                            t.position + 1,
                            t.count
                        )
                    })
                }}
            </p>
        </Show>
        <Show when=move || tl.with(|t| t.other.is_some())>
            <p class="tl-note tl-branch" data-testid="tl-branch" role="status">
                <span>{move || tl.with(|t| t.other.clone().unwrap_or_default())}</span>
                <button data-testid="tl-switch" on:click=move |_| ui.sim.travel(|h| h.switch_branch())>
                    "Switch to it"
                </button>
                <button data-testid="tl-discard" on:click=move |_| ui.sim.travel(|h| h.discard_other())>
                    "Discard it"
                </button>
            </p>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::state::Action;
    use crate::components::view::STARTER_YAML;

    #[test]
    fn the_view_names_the_moment_shown_and_marks_user_actions() {
        let mut h = History::new(3);
        h.act(Action::Apply {
            text: STARTER_YAML.into(),
        });
        for _ in 0..40 {
            h.act(Action::Advance { ms: 100, times: 1 });
        }
        let now = timeline_view(&h);
        assert!(!now.in_past);
        assert_eq!(now.position, now.count);
        assert_eq!(now.marks.len(), 1);
        assert_eq!(now.at, "00:04");
        let first_rs = h
            .moments()
            .iter()
            .position(|m| m.by == By::Controller("replicaset-controller"))
            .unwrap();
        h.view(first_rs);
        let then = timeline_view(&h);
        assert!(then.in_past);
        assert_eq!(then.position, first_rs);
        assert_eq!(then.by, "replicaset-controller");
        assert!(then.label.contains("creates"), "{}", then.label);
        assert!(then.other.is_none());
        h.act(Action::Run {
            line: "kubectl get pods".into(),
        });
        let branched = timeline_view(&h);
        assert!(!branched.in_past);
        assert!(
            branched.other.as_deref().unwrap().contains("old future"),
            "{:?}",
            branched.other
        );
    }
}
