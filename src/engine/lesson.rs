//! Lessons as data: a start state, goals the cluster itself checks, hints and a
//! solution script. Goals are declarative comparisons on the cluster, not code per
//! lesson, so every lesson's solution is a regression test and no goal can be met by
//! the starting state (the test suite checks both).

use super::cluster::{Cluster, NodeShape};
use super::controllers::deployment::util::{revision, REVISION};
use super::decode;
use super::kinds::{
    Deployment, Endpoints, HorizontalPodAutoscaler, Namespace, Node, Pod, ReplicaSet,
};
use super::locate;
use super::meta::LabelQuery;
use super::script;
use serde::{Deserialize, Serialize};

/// One lesson, as written in `lessons/NN-id.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Stable id, used in URLs and progress (`desired-state`).
    pub id: String,
    /// Title shown in the lesson list.
    pub title: String,
    /// The idea it teaches.
    pub concept: String,
    /// Where the idea comes from (a chapter of "Kubernetes: Up and Running").
    pub chapter: String,
    /// Introduction, Markdown.
    pub intro: String,
    /// Steps, Markdown each.
    #[serde(default)]
    pub steps: Vec<String>,
    /// The cluster and page the lesson starts from.
    #[serde(default)]
    pub start: Start,
    /// What the learner must achieve.
    pub goals: Vec<Goal>,
    /// Hints, revealed one at a time.
    #[serde(default)]
    pub hints: Vec<String>,
    /// A script (`kubeplay run` syntax) that meets every goal.
    pub solution: String,
}

/// The starting state of a lesson.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    /// The cluster's seed.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Worker nodes (default three `node-1..3` with 4 CPU and 8Gi).
    #[serde(default)]
    pub nodes: Option<Vec<NodeStart>>,
    /// Text in the YAML editor.
    #[serde(default)]
    pub editor: String,
    /// A script run before the learner starts (objects already applied, images pushed).
    #[serde(default)]
    pub setup: String,
    /// Panels shown (`editor`, `cluster`, `desired`, `events`, `console`, `graph`).
    #[serde(default)]
    pub panels: Vec<String>,
    /// Command words the console accepts (`get`, `scale`, `node`...); empty means all.
    #[serde(default)]
    pub commands: Vec<String>,
}

fn default_seed() -> u64 {
    1
}

/// A node in a lesson's starting cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeStart {
    /// Name.
    pub name: String,
    /// CPU in millicores (default 4000).
    #[serde(default = "default_cpu")]
    pub cpu_millis: i64,
    /// Memory in MiB (default 8192).
    #[serde(default = "default_memory")]
    pub memory_mib: i64,
}

fn default_cpu() -> i64 {
    4000
}
fn default_memory() -> i64 {
    8192
}

/// A goal: what the learner sees, what they learned when it is met, and the check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Shown in the checklist.
    pub text: String,
    /// Shown when met: what was learned and why it matters.
    pub learned: String,
    /// The condition on the cluster, written as `kind: {fields}` (`deployment: {name: web}`):
    /// serde's external tagging as JSON writes it, which is how [`decode`] reads the
    /// YAML once it is a JSON value.
    pub check: Check,
}

/// A declarative condition on the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// A Deployment's status and template.
    Deployment {
        /// Name.
        name: String,
        /// Namespace (default `default`).
        #[serde(default)]
        namespace: Option<String>,
        /// `spec.replicas` equals this.
        #[serde(default)]
        replicas: Option<i32>,
        /// Available replicas equal this.
        #[serde(default)]
        available: Option<i32>,
        /// Every container of the template and every available pod run this image.
        #[serde(default)]
        image: Option<String>,
        /// The strategy type (`Recreate`, `RollingUpdate`).
        #[serde(default)]
        strategy: Option<String>,
        /// A Progressing condition reason (`ProgressDeadlineExceeded`).
        #[serde(default)]
        progressing_reason: Option<String>,
        /// Ready pods are at least this many.
        #[serde(default)]
        min_ready: Option<i32>,
        /// The current revision is this one.
        #[serde(default)]
        revision: Option<i64>,
    },
    /// Pods matching a selector.
    Pods {
        /// Label selector (`app=web`).
        selector: String,
        /// Namespace (default `default`).
        #[serde(default)]
        namespace: Option<String>,
        /// Active (not terminating) pods equal this.
        #[serde(default)]
        count: Option<usize>,
        /// Ready pods equal this.
        #[serde(default)]
        ready: Option<usize>,
        /// Some pod shows this STATUS (`ImagePullBackOff`, `Pending`).
        #[serde(default)]
        some_status: Option<String>,
        /// No active pod is on this node.
        #[serde(default)]
        not_on_node: Option<String>,
    },
    /// A revision in a Deployment's rollout history.
    Revision {
        /// Deployment name.
        deployment: String,
        /// Revision number.
        revision: i64,
        /// Its template's image.
        image: String,
        /// Whether it must be the current revision.
        #[serde(default)]
        current: bool,
    },
    /// A Service's ready endpoints.
    Endpoints {
        /// Service name.
        service: String,
        /// Namespace (default `default`).
        #[serde(default)]
        namespace: Option<String>,
        /// Ready addresses equal this.
        ready: usize,
    },
    /// Something happened, according to the causes log.
    Happened {
        /// Who acted (`kubectl`, `replicaset-controller`, `kube-proxy`...).
        actor: String,
        /// Kind acted on.
        kind: String,
        /// Text the cause's message contains.
        contains: String,
        /// Namespace of the object (any when unset).
        #[serde(default)]
        namespace: Option<String>,
    },
    /// An Event was recorded.
    Event {
        /// Reason (`SuccessfulDelete`, `FailedScheduling`).
        reason: String,
        /// Kind of the involved object.
        kind: String,
        /// Text the message contains.
        #[serde(default)]
        contains: Option<String>,
        /// At least this many such events (default 1).
        #[serde(default)]
        at_least: Option<usize>,
    },
    /// A node's state.
    Node {
        /// Name.
        name: String,
        /// Ready condition.
        #[serde(default)]
        ready: Option<bool>,
        /// Cordoned.
        #[serde(default)]
        unschedulable: Option<bool>,
    },
    /// Whether a namespace exists.
    Namespace {
        /// Name.
        name: String,
        /// Exists (and is not terminating) or not.
        exists: bool,
    },
    /// An HPA's state.
    Autoscaler {
        /// Name.
        name: String,
        /// Its target's replicas reached at least this.
        #[serde(default)]
        min_current: Option<i32>,
        /// Its target's replicas are at most this.
        #[serde(default)]
        max_current: Option<i32>,
    },
}

impl Lesson {
    /// Parses a lesson file, naming the line, column and field path of any mistake
    /// (`line 9, column 7: goals[0].check: unknown variant ...`).
    ///
    /// The YAML is read into a JSON value and decoded by [`decode`], as manifests are,
    /// so the runner, the page's embedded lessons and a widget's goal share one decoder
    /// of the lesson types: a second, typed YAML decoder cost the page about 100 KiB.
    pub fn parse(text: &str) -> Result<Lesson, String> {
        // serde_yaml_ng's syntax errors say their line and column themselves.
        let value: serde_json::Value = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
        let lesson: Lesson = decode::decode(&value, &mut Vec::new()).map_err(|e| {
            let path = locate::format_path(&e.path);
            let at = locate::locate(text, 0, &path)
                .map(|l| format!("line {}, column {}: ", l.line, l.column))
                .unwrap_or_default();
            if path.is_empty() {
                format!("{at}{e}")
            } else {
                format!("{at}{path}: {e}")
            }
        })?;
        lesson.checked()
    }

    /// Parses a lesson the page embeds: [`Lesson::parse`]'s lesson, or `None` where it
    /// fails (a test checks that every embedded lesson parses).
    pub fn parse_embedded(text: &str) -> Option<Lesson> {
        Lesson::parse(text).ok()
    }

    /// The checks beyond the types: at least one goal, and scripts that parse.
    fn checked(self) -> Result<Lesson, String> {
        if self.goals.is_empty() {
            return Err("goals: a lesson needs at least one goal".into());
        }
        script::parse(&self.solution).map_err(|e| format!("solution: {e}"))?;
        script::parse(&self.start.setup).map_err(|e| format!("start.setup: {e}"))?;
        Ok(self)
    }

    /// The cluster the lesson starts from: nodes, then the setup script.
    pub fn start_cluster(&self) -> Result<Cluster, String> {
        let mut c = Cluster::new(self.start.seed);
        if let Some(nodes) = &self.start.nodes {
            for n in 1..=3 {
                let name = format!("node-{n}");
                if !nodes.iter().any(|x| x.name == name) {
                    remove_node(&mut c, &name);
                }
            }
            for n in nodes {
                let shape = NodeShape {
                    cpu_millis: n.cpu_millis,
                    memory_bytes: n.memory_mib << 20,
                    pods: 110,
                };
                if c.store.get::<Node>("", &n.name).is_some() {
                    remove_node(&mut c, &n.name);
                }
                c.add_node(&n.name, shape)?;
            }
        }
        let (_, ok) = script::run_script(&mut c, &self.start.setup, &|p| {
            Err(format!("error: the path \"{p}\" does not exist"))
        })
        .map_err(|(_, e)| format!("start.setup: {e}"))?;
        if !ok {
            return Err("start.setup: a command failed".into());
        }
        Ok(c)
    }

    /// Whether the console may run `line` in this lesson.
    pub fn allows(&self, line: &str) -> bool {
        command_allowed(&self.start.commands, line)
    }
}

/// Whether `line` uses one of the command words in `commands` (the kubectl verb, or the
/// directive: `get`, `scale`, `node`...); an empty list allows everything.
pub fn command_allowed(commands: &[String], line: &str) -> bool {
    if commands.is_empty() {
        return true;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let verb = match words.as_slice() {
        ["kubectl" | "k", v, ..] => *v,
        [v, ..] => *v,
        [] => return true,
    };
    commands.iter().any(|c| c == verb)
}

fn remove_node(c: &mut Cluster, name: &str) {
    let _ = c.delete("Node", "", name, Some(0));
}

fn ns(n: &Option<String>) -> String {
    n.clone().unwrap_or_else(|| "default".into())
}

impl Check {
    /// Whether the cluster meets this condition now.
    pub fn met(&self, c: &Cluster) -> bool {
        let store = &c.store;
        match self {
            Check::Deployment {
                name,
                namespace,
                replicas,
                available,
                image,
                strategy,
                progressing_reason,
                min_ready,
                revision: rev,
            } => {
                let Some(d) = store.get::<Deployment>(&ns(namespace), name) else {
                    return false;
                };
                let template_image = d
                    .spec
                    .template
                    .spec
                    .containers
                    .iter()
                    .all(|ct| image.as_ref().is_none_or(|i| &ct.image == i));
                let pods_image = image.as_ref().is_none_or(|i| {
                    store
                        .list_in::<Pod>(&d.metadata.namespace)
                        .filter(|p| {
                            p.is_ready()
                                && !p.metadata.is_deleting()
                                && d.spec.selector.matches(&p.metadata.labels)
                        })
                        .all(|p| p.spec.containers.iter().all(|ct| &ct.image == i))
                });
                replicas.is_none_or(|r| d.replicas() == r)
                    && available.is_none_or(|a| {
                        d.status.available_replicas == a && d.status.updated_replicas == a
                    })
                    && min_ready.is_none_or(|r| d.status.ready_replicas >= r)
                    && template_image
                    && pods_image
                    && strategy.as_ref().is_none_or(|s| {
                        d.spec.strategy.type_.as_deref().unwrap_or("RollingUpdate") == s
                    })
                    && rev.is_none_or(|r| {
                        d.metadata
                            .annotations
                            .get(REVISION)
                            .is_some_and(|v| *v == r.to_string())
                    })
                    && progressing_reason.as_ref().is_none_or(|r| {
                        d.status
                            .conditions
                            .iter()
                            .any(|c| c.type_ == "Progressing" && c.reason.as_deref() == Some(r))
                    })
            }
            Check::Pods {
                selector,
                namespace,
                count,
                ready,
                some_status,
                not_on_node,
            } => {
                let Ok(q) = LabelQuery::parse(selector) else {
                    return false;
                };
                let namespace = ns(namespace);
                let pods: Vec<&Pod> = store
                    .list_in::<Pod>(&namespace)
                    .filter(|p| q.matches(&p.metadata.labels))
                    .collect();
                let active: Vec<&&Pod> = pods.iter().filter(|p| p.is_active()).collect();
                count.is_none_or(|n| active.len() == n)
                    && ready.is_none_or(|n| active.iter().filter(|p| p.is_ready()).count() == n)
                    && some_status.as_ref().is_none_or(|s| {
                        pods.iter()
                            .any(|p| &super::kubectl::print::pod_status(p) == s)
                    })
                    && not_on_node.as_ref().is_none_or(|n| {
                        !active.iter().any(|p| p.spec.node_name.as_ref() == Some(n))
                    })
            }
            Check::Revision {
                deployment,
                revision: want,
                image,
                current,
            } => {
                let Some(d) = store.get::<Deployment>("default", deployment) else {
                    return false;
                };
                let rs = store.list_in::<ReplicaSet>("default").find(|rs| {
                    rs.metadata
                        .controller_ref()
                        .is_some_and(|o| o.uid == d.metadata.uid)
                        && revision(rs) == *want
                });
                rs.is_some_and(|rs| {
                    rs.spec
                        .template
                        .spec
                        .containers
                        .iter()
                        .any(|c| &c.image == image)
                }) && (!current
                    || d.metadata
                        .annotations
                        .get(REVISION)
                        .is_some_and(|r| *r == want.to_string()))
            }
            Check::Endpoints {
                service,
                namespace,
                ready,
            } => store
                .get::<Endpoints>(&ns(namespace), service)
                .is_some_and(|e| {
                    e.subsets.iter().map(|s| s.addresses.len()).sum::<usize>() == *ready
                }),
            Check::Happened {
                actor,
                kind,
                contains,
                namespace,
            } => c.causes().any(|cause| {
                cause.actor == *actor
                    && cause.object.kind == *kind
                    && cause.message.contains(contains.as_str())
                    && namespace
                        .as_ref()
                        .is_none_or(|n| &cause.object.namespace == n)
            }),
            Check::Event {
                reason,
                kind,
                contains,
                at_least,
            } => {
                store
                    .events
                    .values()
                    .filter(|e| {
                        e.reason == *reason
                            && e.involved_object.kind == *kind
                            && contains
                                .as_ref()
                                .is_none_or(|t| e.message.contains(t.as_str()))
                    })
                    .count()
                    >= at_least.unwrap_or(1)
            }
            Check::Node {
                name,
                ready,
                unschedulable,
            } => store.get::<Node>("", name).is_some_and(|n| {
                ready.is_none_or(|r| n.is_ready() == r)
                    && unschedulable.is_none_or(|u| n.spec.unschedulable == u)
            }),
            Check::Namespace { name, exists } => {
                store
                    .get::<Namespace>("", name)
                    .is_some_and(|n| !n.metadata.is_deleting())
                    == *exists
            }
            Check::Autoscaler {
                name,
                min_current,
                max_current,
            } => {
                let Some(h) = store.get::<HorizontalPodAutoscaler>("default", name) else {
                    return false;
                };
                let Some(d) = store.get::<Deployment>("default", &h.spec.scale_target_ref.name)
                else {
                    return false;
                };
                min_current.is_none_or(|m| d.replicas() >= m)
                    && max_current.is_none_or(|m| d.replicas() <= m)
            }
        }
    }
}

/// The result of checking a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The transcript of the script.
    pub transcript: String,
    /// Each goal's text and whether it is met.
    pub goals: Vec<(String, bool)>,
}

impl Report {
    /// Whether every goal is met.
    pub fn passed(&self) -> bool {
        self.goals.iter().all(|(_, m)| *m)
    }
}

/// Runs the lesson's start, then `solution` (a script), then lets the cluster settle,
/// and checks every goal. Goals met at any step along the way count: a learner sees
/// them tick as they happen.
pub fn check(lesson: &Lesson, solution: &str) -> Result<Report, String> {
    let mut c = lesson.start_cluster()?;
    let steps = script::parse(solution).map_err(|e| format!("solution: {e}"))?;
    let mut met = vec![false; lesson.goals.len()];
    let mut transcript = String::new();
    let mark = |c: &Cluster, met: &mut Vec<bool>| {
        for (i, g) in lesson.goals.iter().enumerate() {
            met[i] |= g.check.met(c);
        }
    };
    let no_files = |p: &str| Err(format!("error: the path \"{p}\" does not exist"));
    for step in &steps {
        transcript.push_str(&format!("$ {}\n", step.command));
        let out =
            script::run_step(&mut c, step, &no_files).map_err(|e| format!("solution: {e}"))?;
        transcript.push_str(&out.text);
        mark(&c, &mut met);
    }
    c.settle();
    mark(&c, &mut met);
    Ok(Report {
        transcript,
        goals: lesson
            .goals
            .iter()
            .map(|g| g.text.clone())
            .zip(met)
            .collect(),
    })
}

/// Which goals the starting state already meets (a well-made lesson has none).
pub fn met_at_start(lesson: &Lesson) -> Result<Vec<String>, String> {
    let mut c = lesson.start_cluster()?;
    c.settle();
    Ok(lesson
        .goals
        .iter()
        .filter(|g| g.check.met(&c))
        .map(|g| g.text.clone())
        .collect())
}

/// The ordered file names of `lessons/index.yaml` (`lessons: [01-desired-state.yaml, ...]`).
pub fn parse_index(text: &str) -> Result<Vec<String>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Index {
        lessons: Vec<String>,
    }
    serde_yaml_ng::from_str::<Index>(text)
        .map(|i| i.lessons)
        .map_err(|e| e.to_string())
}
