//! Simulated requests through a Service: kube-proxy picks a ready endpoint at random
//! (from the cluster's seed) for each new connection, as iptables mode does.

use super::cluster::{not_found, Cluster};
use super::kinds::{Endpoints, Service};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where one request went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Hit {
    /// Answered by this pod (name, IP).
    Pod {
        /// Pod name.
        name: String,
        /// Pod IP.
        ip: String,
    },
    /// Refused: the Service had no ready endpoints.
    Refused,
}

/// The result of sending requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrafficReport {
    /// Service namespace.
    pub namespace: String,
    /// Service name.
    pub service: String,
    /// Service address `10.96.x.y:port`.
    pub address: String,
    /// Each request's outcome, in order.
    pub hits: Vec<Hit>,
}

impl TrafficReport {
    /// Requests per pod, by pod name.
    pub fn per_pod(&self) -> BTreeMap<&str, usize> {
        let mut m = BTreeMap::new();
        for h in &self.hits {
            if let Hit::Pod { name, .. } = h {
                *m.entry(name.as_str()).or_default() += 1;
            }
        }
        m
    }

    /// The report as the runner and console print it.
    pub fn render(&self) -> String {
        let failed = self.hits.iter().filter(|h| **h == Hit::Refused).count();
        let mut out = format!(
            "{} requests to service/{} ({}):\n",
            self.hits.len(),
            self.service,
            self.address
        );
        for (pod, n) in self.per_pod() {
            out.push_str(&format!("  {pod}  {n}\n"));
        }
        if failed > 0 {
            out.push_str(&format!(
                "  {failed} failed: connection refused (no ready endpoints)\n"
            ));
        }
        out
    }
}

impl Cluster {
    /// Sends `n` requests to Service `ns`/`name`, each to a random ready endpoint.
    pub fn send_traffic(
        &mut self,
        ns: &str,
        name: &str,
        n: usize,
    ) -> Result<TrafficReport, String> {
        let svc = self
            .store
            .get::<Service>(ns, name)
            .cloned()
            .ok_or_else(|| not_found("Service", name))?;
        let port = svc.spec.ports.first().map_or(80, |p| p.port);
        let address = format!(
            "{}:{port}",
            svc.spec.cluster_ip.clone().unwrap_or_else(|| "None".into())
        );
        let ready: Vec<(String, String)> = self
            .store
            .get::<Endpoints>(ns, name)
            .map(|e| {
                e.subsets
                    .iter()
                    .flat_map(|s| &s.addresses)
                    .map(|a| {
                        (
                            a.target_ref
                                .as_ref()
                                .map(|r| r.name.clone())
                                .unwrap_or_else(|| a.ip.clone()),
                            a.ip.clone(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut hits = Vec::with_capacity(n);
        for _ in 0..n {
            if ready.is_empty() {
                hits.push(Hit::Refused);
            } else {
                let (name, ip) = ready[self.rng().below(ready.len() as u64) as usize].clone();
                hits.push(Hit::Pod { name, ip });
            }
        }
        let report = TrafficReport {
            namespace: ns.into(),
            service: name.into(),
            address,
            hits,
        };
        let msg = if ready.is_empty() {
            format!("{n} requests to Service {name} were refused: it has no ready endpoints, so kube-proxy has nowhere to send them.")
        } else {
            format!("{n} requests to Service {name} were spread at random over its {} ready endpoints by kube-proxy.", ready.len())
        };
        self.explain(
            "kube-proxy",
            super::explain::ObjRef::new("Service", ns, name),
            msg,
        );
        Ok(report)
    }
}

impl Cluster {
    /// Sets a simulated CPU demand on the pods of Deployment or Service `target`:
    /// `percent` of what its ready pods request now, spread evenly over whichever pods
    /// are ready later (so scaling out lowers each pod's share).
    pub fn set_load(&mut self, ns: &str, target: &str, percent: u32) -> Result<String, String> {
        use super::controllers::hpa::Load;
        use super::kinds::{Deployment, Pod};
        use super::meta::LabelSelector;
        let (what, selector) = if let Some(d) = self.store.get::<Deployment>(ns, target) {
            ("deployment", d.spec.selector.clone())
        } else if let Some(s) = self.store.get::<Service>(ns, target) {
            (
                "service",
                LabelSelector {
                    match_labels: s.spec.selector.clone(),
                    ..Default::default()
                },
            )
        } else {
            return Err(format!("Error from server (NotFound): no deployment or service named \"{target}\" in namespace \"{ns}\""));
        };
        let ready: Vec<&Pod> = self
            .store
            .list_in::<Pod>(ns)
            .filter(|p| p.is_ready() && selector.matches(&p.metadata.labels))
            .collect();
        let requested: i64 = ready
            .iter()
            .map(|p| p.request_millis("cpu").max(100))
            .sum::<i64>()
            .max(100);
        let millicores = requested * percent as i64 / 100;
        let ready_count = ready.len();
        self.state.hpa.loads.insert(
            format!("{ns}/{target}"),
            Load {
                namespace: ns.into(),
                selector,
                millicores,
            },
        );
        self.touch();
        self.explain("load", super::explain::ObjRef::new(if what == "deployment" { "Deployment" } else { "Service" }, ns, target), format!("Load on {what} {target} set to {percent}% of what its {} ready pods request ({millicores}m of CPU in total); an HPA sees the utilization change at its next 15s sync.", ready_count));
        self.react();
        Ok(format!(
            "load on {what}/{target} set to {percent}% ({millicores}m CPU in total)\n"
        ))
    }
}
