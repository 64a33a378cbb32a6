//! Faults a teacher injects by hand: a node's kubelet dies or comes back.

use super::cluster::Cluster;
use super::explain::ObjRef;
use super::kinds::Node;
use super::registry::Behavior;

impl Cluster {
    /// Stops the node's kubelet: no more heartbeats or pod updates from it. The node
    /// lifecycle controller notices after the grace period.
    pub fn fail_node(&mut self, name: &str) -> Result<String, String> {
        if self.store.get::<Node>("", name).is_none() {
            return Err(super::cluster::not_found("Node", name));
        }
        if self.state.kubelet.down_since.contains_key(name) {
            return Err(format!("node {name} has already failed"));
        }
        let now = self.now();
        self.state.kubelet.down_since.insert(name.to_string(), now);
        self.touch();
        self.explain("chaos", ObjRef::new("Node", "", name), format!("Node {name} failed: its kubelet stopped, so it sends no heartbeats and its pods get no updates. The control plane notices after 40s."));
        self.react();
        Ok(format!("node/{name} failed\n"))
    }

    /// Restarts the node's kubelet: heartbeats resume and it finishes pending deletions.
    pub fn recover_node(&mut self, name: &str) -> Result<String, String> {
        if self.store.get::<Node>("", name).is_none() {
            return Err(super::cluster::not_found("Node", name));
        }
        if self.state.kubelet.down_since.remove(name).is_none() {
            return Err(format!("node {name} has not failed"));
        }
        self.touch();
        self.explain(
            "chaos",
            ObjRef::new("Node", "", name),
            format!("Node {name} recovered: its kubelet reports again."),
        );
        self.react();
        Ok(format!("node/{name} recovered\n"))
    }

    /// Pushes an image to the registry (tags are immutable); kubelets see it at once.
    pub fn push_image(&mut self, reference: &str, behavior: Behavior) -> Result<String, String> {
        let msg = self.registry.push(reference, behavior)?;
        self.touch();
        Ok(msg)
    }
}
