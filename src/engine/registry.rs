//! The simulated container registry: real public images with their tags, plus images
//! the user pushes. An image that is not here fails to pull, as it would for real.

use super::time::parse_duration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a container from an image behaves once started; for teaching, not realism of
/// the program inside.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Behavior {
    /// Exit with code 1 this many milliseconds after starting (a crashing release).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash_after_ms: Option<u64>,
    /// Become ready this long after starting (a slow start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_after_ms: Option<u64>,
    /// Never pass readiness.
    #[serde(default)]
    pub never_ready: bool,
    /// Run to completion (exit 0) at once unless the pod gives a command, like busybox's `sh`.
    #[serde(default)]
    pub exits_without_command: bool,
}

/// One pushed artifact: what a tag names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Content digest (`sha256:...`), fixed by what was pushed.
    pub digest: String,
    /// Compressed size in bytes, which sets pull time.
    pub size_bytes: u64,
    /// What the container does.
    pub behavior: Behavior,
    /// Whether a user pushed it in this session.
    #[serde(default)]
    pub pushed: bool,
}

impl Image {
    /// Simulated time to pull it onto a node: 100 MB/s plus half a second of handshakes.
    pub fn pull_ms(&self) -> u64 {
        500 + self.size_bytes / 100_000
    }
}

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Fully qualified repository (`docker.io/library/nginx`).
    pub repository: String,
    /// Tag (`latest` when none was written).
    pub tag: String,
    /// Digest pinned with `@sha256:...`, if any.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses `nginx`, `nginx:1.27`, `gcr.io/x/y:tag`, `repo@sha256:...` as container runtimes do.
    pub fn parse(reference: &str) -> Result<ImageRef, String> {
        let r = reference.trim();
        if r.is_empty() || r.contains(char::is_whitespace) {
            return Err(format!("invalid reference format: {reference:?}"));
        }
        let (name_tag, digest) = match r.split_once('@') {
            Some((n, d)) => (n, Some(d.to_string())),
            None => (r, None),
        };
        let (name, tag) = match name_tag.rsplit_once(':') {
            Some((n, t)) if !t.contains('/') => (n, t.to_string()),
            _ => (name_tag, "latest".to_string()),
        };
        if name.is_empty() || name.ends_with('/') || name.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(format!(
                "invalid reference format: repository name must be lowercase: {reference:?}"
            ));
        }
        let first = name.split('/').next().unwrap_or("");
        let has_registry = name.contains('/')
            && (first.contains('.') || first.contains(':') || first == "localhost");
        let repository = if has_registry {
            name.to_string()
        } else if name.contains('/') {
            format!("docker.io/{name}")
        } else {
            format!("docker.io/library/{name}")
        };
        Ok(ImageRef {
            repository,
            tag,
            digest,
        })
    }

    /// `docker.io/library/nginx:1.27`.
    pub fn full(&self) -> String {
        format!("{}:{}", self.repository, self.tag)
    }
}

/// The registry: repository -> tag -> image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    repos: BTreeMap<String, BTreeMap<String, Image>>,
}

/// Why a pull failed, worded as containerd reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullError(pub String);

fn digest_of(text: &str) -> String {
    // Four rounds of FNV-1a-64 with different offsets give 64 stable hex digits.
    let mut out = String::from("sha256:");
    for round in 0u64..4 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ round.wrapping_mul(0x9E37_79B9);
        for b in text.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// Built-in catalog: (repository as users write it, tags, size in MB, behaviour).
const CATALOG: &[(&str, &[&str], u64)] = &[
    (
        "nginx",
        &[
            "1.10.0", "1.14.2", "1.15", "1.16.1", "1.19", "1.21", "1.23", "1.24", "1.25", "1.25.5",
            "1.26", "1.26.3", "1.27", "1.27.4", "1.28", "1.29", "stable", "alpine", "latest",
        ],
        70,
    ),
    ("httpd", &["2.4", "2.4.62", "alpine", "latest"], 58),
    ("redis", &["5", "6.2", "7.2", "7.4", "alpine", "latest"], 45),
    ("mysql", &["5.7", "8.0", "8.4", "latest"], 170),
    ("mongo", &["3.4.1", "6.0", "7.0", "latest"], 250),
    ("postgres", &["15", "16", "17", "latest"], 150),
    ("perl", &["5.40", "latest"], 330),
    ("alpine", &["3.19", "3.20", "3.21", "latest"], 4),
    ("bash", &["5", "latest"], 6),
    ("memcached", &["1.6", "latest"], 30),
    (
        "gcr.io/kuar-demo/kuard-amd64",
        &["blue", "green", "purple", "1", "2", "3"],
        9,
    ),
    ("registry.k8s.io/hpa-example", &["latest"], 180),
    ("k8s.gcr.io/hpa-example", &["latest"], 180),
    ("registry.k8s.io/nginx-slim", &["0.24", "0.27"], 40),
    ("registry.k8s.io/kubernetes-zookeeper", &["1.0-3.4.10"], 110),
    ("registry.k8s.io/guestbook", &["v3"], 20),
    ("registry.k8s.io/goproxy", &["0.1"], 3),
    ("registry.k8s.io/pause", &["3.9", "3.10"], 1),
    ("k8s.gcr.io/liveness", &["latest"], 2),
    ("k8s.gcr.io/fluentd-elasticsearch", &["1.20"], 90),
    ("quay.io/fluentd_elasticsearch/fluentd", &["v2.5.2"], 90),
    ("fluent/fluentd", &["v0.14.10"], 40),
    ("gcr.io/google-samples/xtrabackup", &["1.0"], 120),
    ("gcr.io/google-samples/node-hello", &["1.0"], 250),
    ("gcr.io/google-samples/hello-go-gke", &["1.0"], 5),
    ("gcr.io/google-samples/hello-app", &["1.0", "2.0"], 5),
    ("gcr.io/google-samples/gb-frontend", &["v5"], 140),
    ("gcr.io/google-samples/cassandra", &["v14"], 110),
    ("gcr.io/google_samples/gb-redisslave", &["v1"], 40),
    (
        "us-docker.pkg.dev/google-samples/containers/gke/hello-app",
        &["1.0", "2.0"],
        5,
    ),
    (
        "us-docker.pkg.dev/google-samples/containers/gke/hello-app-redis",
        &["1.0"],
        5,
    ),
    ("vllm/vllm-openai", &["v0.11.0"], 9000),
];

const BUSYBOX_TAGS: &[&str] = &["1.36", "1.37", "1.38.0", "latest"];
const BOUTIQUE: &[&str] = &[
    "adservice",
    "cartservice",
    "checkoutservice",
    "currencyservice",
    "emailservice",
    "frontend",
    "loadgenerator",
    "paymentservice",
    "productcatalogservice",
    "recommendationservice",
    "shippingservice",
];

impl Default for Registry {
    fn default() -> Self {
        let mut reg = Registry {
            repos: BTreeMap::new(),
        };
        let mut add = |name: &str, tag: &str, mb: u64, behavior: Behavior| {
            let r =
                ImageRef::parse(&format!("{name}:{tag}")).expect("catalog references are valid");
            let image = Image {
                digest: digest_of(&r.full()),
                size_bytes: mb * 1_000_000 + (r.full().len() as u64) * 7919,
                behavior,
                pushed: false,
            };
            reg.repos
                .entry(r.repository)
                .or_default()
                .insert(tag.to_string(), image);
        };
        for (name, tags, mb) in CATALOG {
            for tag in *tags {
                add(name, tag, *mb, Behavior::default());
            }
        }
        let exits = Behavior {
            exits_without_command: true,
            ..Default::default()
        };
        for tag in BUSYBOX_TAGS {
            add("busybox", tag, 2, exits.clone());
            add("registry.k8s.io/busybox", tag, 2, exits.clone());
        }
        for svc in BOUTIQUE {
            add(
                &format!("us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/{svc}"),
                "v0.10.6",
                60,
                Behavior::default(),
            );
        }
        reg
    }
}

impl Registry {
    /// Resolves a reference to the image it names, or the pull error a runtime reports.
    pub fn resolve(&self, reference: &str) -> Result<&Image, PullError> {
        let r = ImageRef::parse(reference).map_err(PullError)?;
        let not_found = || {
            PullError(format!(
                "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found",
                full = r.full()
            ))
        };
        let tags = self.repos.get(&r.repository).ok_or_else(|| {
            PullError(format!(
                "rpc error: code = Unknown desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed",
                full = r.full()
            ))
        })?;
        match &r.digest {
            Some(d) => tags
                .values()
                .find(|i| &i.digest == d)
                .or_else(|| tags.get(&r.tag).filter(|_| true))
                .ok_or_else(not_found),
            None => tags.get(&r.tag).ok_or_else(not_found),
        }
    }

    /// Pushes a new image. Tags are immutable here: pushing an existing tag is refused.
    pub fn push(&mut self, reference: &str, behavior: Behavior) -> Result<String, String> {
        let r = ImageRef::parse(reference)?;
        if r.digest.is_some() {
            return Err("cannot push by digest: push a tag".into());
        }
        if self
            .repos
            .get(&r.repository)
            .is_some_and(|t| t.contains_key(&r.tag))
        {
            return Err(format!(
                "tag {}:{} already exists and names one artifact; push a new tag instead",
                r.repository, r.tag
            ));
        }
        let mut seed = r.full();
        seed.push_str(&format!("{behavior:?}"));
        let image = Image {
            digest: digest_of(&seed),
            size_bytes: 20_000_000,
            behavior,
            pushed: true,
        };
        let digest = image.digest.clone();
        self.repos
            .entry(r.repository.clone())
            .or_default()
            .insert(r.tag.clone(), image);
        Ok(format!("{}: digest: {digest} size: 20000000", r.full()))
    }

    /// All images as `(repository, tag, image)`, sorted.
    pub fn images(&self) -> impl Iterator<Item = (&str, &str, &Image)> {
        self.repos.iter().flat_map(|(repo, tags)| {
            tags.iter()
                .map(move |(t, i)| (repo.as_str(), t.as_str(), i))
        })
    }
}

/// Parses the flags of `image push REF [--crash-after D] [--ready-after D] [--never-ready]`.
pub fn parse_behavior(flags: &[&str]) -> Result<Behavior, String> {
    let mut b = Behavior::default();
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        let (name, inline): (&str, Option<&str>) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (flag, None),
        };
        let mut value = || {
            inline
                .or_else(|| it.next().copied())
                .ok_or_else(|| format!("flag needs an argument: {name}"))
        };
        match name {
            "--crash-after" => b.crash_after_ms = Some(parse_duration(value()?)?),
            "--ready-after" => b.ready_after_ms = Some(parse_duration(value()?)?),
            "--never-ready" => b.never_ready = true,
            other => return Err(format!("unknown flag: {other}")),
        }
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalize_like_a_runtime() {
        let cases = [
            ("nginx", "docker.io/library/nginx", "latest"),
            ("nginx:1.27", "docker.io/library/nginx", "1.27"),
            ("bitnami/redis:7", "docker.io/bitnami/redis", "7"),
            (
                "gcr.io/kuar-demo/kuard-amd64:blue",
                "gcr.io/kuar-demo/kuard-amd64",
                "blue",
            ),
            ("localhost:5000/app", "localhost:5000/app", "latest"),
        ];
        for (text, repo, tag) in cases {
            let r = ImageRef::parse(text).unwrap();
            assert_eq!(
                (r.repository.as_str(), r.tag.as_str()),
                (repo, tag),
                "{text}"
            );
        }
        assert!(ImageRef::parse("NGINX").is_err());
    }

    #[test]
    fn missing_tags_fail_like_containerd() {
        let reg = Registry::default();
        assert!(reg.resolve("nginx:1.27").is_ok());
        let err = reg.resolve("nginx:1.99").unwrap_err().0;
        assert!(
            err.contains("docker.io/library/nginx:1.99: not found"),
            "{err}"
        );
        assert!(reg
            .resolve("nginxx:1.27")
            .unwrap_err()
            .0
            .contains("pull access denied"));
    }

    #[test]
    fn tags_are_immutable() {
        let mut reg = Registry::default();
        let b = parse_behavior(&["--crash-after", "5s"]).unwrap();
        assert!(reg.push("myapp:v2", b.clone()).is_ok());
        assert_eq!(
            reg.resolve("myapp:v2").unwrap().behavior.crash_after_ms,
            Some(5000)
        );
        assert!(reg.push("myapp:v2", Behavior::default()).is_err());
        assert!(reg.push("nginx:1.27", Behavior::default()).is_err());
    }
}
