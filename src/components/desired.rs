//! Desired versus actual: for each workload, what was asked for beside what exists, the
//! revisions with their images, the conditions, and the difference in words from the
//! engine's causes. It says plainly when the two match.

use leptos::prelude::*;

use super::view::WorkloadView;
use super::Ui;

/// The desired-versus-actual panel.
#[component]
pub fn DesiredPanel() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let keys = move || {
        ui.workloads
            .with(|w| w.iter().map(|w| w.uid.clone()).collect::<Vec<_>>())
    };
    view! {
        <section class="panel desired-panel" part="desired" aria-labelledby="desired-title" data-testid="desired">
            <header class="panel-head">
                <h2 id="desired-title">"Desired vs actual"</h2>
            </header>
            <div class="desired-body">
                <Show
                    when=move || ui.workloads.with(|w| !w.is_empty())
                    fallback=|| {
                        view! {
                            <p class="empty">
                                "No workloads yet. Write a Deployment in the editor and Apply: its desired state appears here beside what the cluster actually runs."
                            </p>
                        }
                    }
                >
                    <For each=keys key=|k| k.clone() let:uid>
                        <Workload uid=uid />
                    </For>
                </Show>
            </div>
        </section>
    }
}

/// One number of the comparison, marked when it differs from the desired count.
fn count(label: &'static str, n: i32, desired: i32, help: &'static str) -> impl IntoView {
    let off = n != desired;
    view! {
        <div class="count" class:off=off title=help>
            <span class="n">{n}</span>
            <span class="l">{label}</span>
        </div>
    }
}

#[component]
fn Workload(uid: String) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let w = Memo::new(move |_| {
        ui.workloads
            .with(|all| all.iter().find(|w| w.uid == uid).cloned())
    });
    move || w.get().map(|w| card(ui, w))
}

fn card(ui: Ui, w: WorkloadView) -> impl IntoView {
    let (ns, name) = (w.namespace.clone(), w.name.clone());
    let kind = if w.strategy == "ReplicaSet" {
        "ReplicaSet"
    } else {
        "Deployment"
    };
    let short = if kind == "ReplicaSet" { "rs" } else { "deploy" };
    let title = if ns == "default" {
        format!("{short}/{name}")
    } else {
        format!("{short}/{name} -n {ns}")
    };
    let total: i32 = w
        .revisions
        .iter()
        .map(|r| r.replicas.max(r.desired))
        .sum::<i32>()
        .max(1);
    let converged_text = format!(
        "Actual matches desired: {} of {} pods ready and available, running {}.",
        w.ready, w.desired, w.image
    );
    view! {
        <article
            class=format!("workload {}", w.health.css())
            style:--hue=w.hue.to_string()
            data-testid="workload"
            data-name=w.name.clone()
            data-health=w.health.word()
        >
            <header class="wl-head">
                <span class="swatch" aria-hidden="true"></span>
                <button class="wl-name link" on:click=move |_| ui.inspect(kind, &ns, &name) title="Inspect">
                    {title}
                </button>
                <span class="spacer"></span>
                <span class=format!("pill {}", w.health.css())>
                    <span class="dot" aria-hidden="true"></span>
                    {w.health.word()}
                </span>
            </header>
            <div class="compare">
                <div class="side desired-side">
                    <span class="side-label">"Desired"</span>
                    <div class="count big">
                        <span class="n">{w.desired}</span>
                        <span class="l">"replicas"</span>
                    </div>
                    <span class="image mono" title="Image in the pod template">{w.image.clone()}</span>
                </div>
                <div class="side actual-side">
                    <span class="side-label">"Actual"</span>
                    <div class="counts">
                        {count("current", w.current, w.desired, "Pods of every revision (status.replicas)")}
                        {count("ready", w.ready, w.desired, "Pods passing readiness (status.readyReplicas)")}
                        {count("up-to-date", w.updated, w.desired, "Pods on the newest template (status.updatedReplicas)")}
                        {count("available", w.available, w.desired, "Ready for minReadySeconds (status.availableReplicas)")}
                    </div>
                </div>
            </div>
            {(!w.revisions.is_empty())
                .then(|| {
                    view! {
                        <div class="revbar" aria-hidden="true">
                            {w
                                .revisions
                                .iter()
                                .rev()
                                .filter(|r| r.replicas > 0)
                                .map(|r| {
                                    let pct = f64::from(r.replicas) * 100.0 / f64::from(total);
                                    view! {
                                        <span
                                            class=format!("rev-seg shade-{}", r.shade)
                                            class:current=r.current
                                            style:width=format!("{pct:.1}%")
                                        ></span>
                                    }
                                })
                                .collect_view()}
                        </div>
                        <ul class="revs" aria-label="Revisions">
                            {w
                                .revisions
                                .iter()
                                .map(|r| {
                                    view! {
                                        <li class:current=r.current>
                                            <span class=format!("rev-swatch shade-{}", r.shade) aria-hidden="true"></span>
                                            <span class="rev-no">{format!("rev {}", r.revision)}</span>
                                            <span class="mono rev-image">{r.image.clone()}</span>
                                            <span class="rev-count">
                                                {format!("{}/{} ready", r.ready, r.desired)}
                                            </span>
                                            {r.current.then(|| view! { <span class="tag">"new"</span> })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            <div class="why" data-testid="workload-why">
                {if w.differences.is_empty() {
                    view! { <p class="match">{converged_text}</p> }.into_any()
                } else {
                    view! {
                        <ul class="diffs">
                            {w.differences.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}
                        </ul>
                        {(!w.rollout.is_empty())
                            .then(|| {
                                view! {
                                    <p class="rollout" title="kubectl rollout status">
                                        <span class="muted">"rollout status: "</span>
                                        <span class="mono">{w.rollout.clone()}</span>
                                    </p>
                                }
                            })}
                    }
                        .into_any()
                }}
                {(!w.causes.is_empty())
                    .then(|| {
                        view! {
                            <ol class="causes" aria-label="Latest controller actions">
                                {w
                                    .causes
                                    .iter()
                                    .map(|c| {
                                        view! {
                                            <li>
                                                <span class="at mono">{c.at.clone()}</span>
                                                <span class="actor">{c.actor.clone()}</span>
                                                <span class="cause-msg">{c.message.clone()}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        }
                    })}
            </div>
            <div class="wl-foot">
                <ul class="conds" aria-label="Conditions">
                    {w
                        .conditions
                        .iter()
                        .map(|c| {
                            view! {
                                <li class:bad=!c.ok title=c.message.clone()>
                                    <span class="glyph" aria-hidden="true">{if c.ok { "✓" } else { "✖" }}</span>
                                    {format!("{} {}", c.type_, c.status)}
                                    <span class="muted">{format!(" {}", c.reason)}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <p class="strategy muted small">{w.strategy.clone()}</p>
            </div>
        </article>
    }
}
