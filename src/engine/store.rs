//! The one store of objects: a table per kind keyed by (namespace, name), resource
//! versions, and a change feed that the UI and the event log follow.
//!
//! Only the cluster core writes here; controllers read and hand back changes.

use super::kinds::*;
use super::meta::ObjectMeta;
use super::object::{Generic, Kind, Object, Resource};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, VecDeque};

/// Objects of one kind, by (namespace, name); namespace is empty for cluster-scoped kinds.
pub type Table<T> = BTreeMap<(String, String), T>;

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeOp {
    /// Created.
    Added,
    /// Updated.
    Modified,
    /// Removed from the store.
    Deleted,
}

/// One entry of the change feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Resource version after the change.
    pub resource_version: u64,
    /// What happened.
    pub op: ChangeOp,
    /// The object's kind name; borrowed for the simulated kinds, so recording a change
    /// does not allocate it.
    pub kind: Cow<'static, str>,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// How many feed entries are kept for followers that fall behind.
pub const FEED_CAPACITY: usize = 20_000;

/// The object store.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Store {
    /// Namespaces.
    #[serde(with = "as_list")]
    pub namespaces: Table<Namespace>,
    /// Nodes.
    #[serde(with = "as_list")]
    pub nodes: Table<Node>,
    /// Pods.
    #[serde(with = "as_list")]
    pub pods: Table<Pod>,
    /// ReplicaSets.
    #[serde(with = "as_list")]
    pub replicasets: Table<ReplicaSet>,
    /// Deployments.
    #[serde(with = "as_list")]
    pub deployments: Table<Deployment>,
    /// Services.
    #[serde(with = "as_list")]
    pub services: Table<Service>,
    /// Endpoints.
    #[serde(with = "as_list")]
    pub endpoints: Table<Endpoints>,
    /// Events.
    #[serde(with = "as_list")]
    pub events: Table<Event>,
    /// HorizontalPodAutoscalers.
    #[serde(with = "as_list")]
    pub hpas: Table<HorizontalPodAutoscaler>,
    /// EndpointSlices.
    #[serde(with = "as_list")]
    pub endpointslices: Table<EndpointSlice>,
    /// Kinds stored but not simulated, by (kind, namespace, name).
    #[serde(with = "others_as_list")]
    pub others: BTreeMap<(String, String, String), Generic>,
    resource_version: u64,
    #[serde(skip)]
    feed: VecDeque<Change>,
}

/// Two stores are equal when their objects and resource version are: the change feed
/// is a view for followers, not state, and is not part of snapshots.
impl PartialEq for Store {
    fn eq(&self, o: &Self) -> bool {
        self.resource_version == o.resource_version
            && self.namespaces == o.namespaces
            && self.nodes == o.nodes
            && self.pods == o.pods
            && self.replicasets == o.replicasets
            && self.deployments == o.deployments
            && self.services == o.services
            && self.endpoints == o.endpoints
            && self.events == o.events
            && self.hpas == o.hpas
            && self.endpointslices == o.endpointslices
            && self.others == o.others
    }
}

/// Access to the table of a typed kind.
pub trait HasTable: Resource {
    /// The table.
    fn table(store: &Store) -> &Table<Self>;
    /// The table, to change.
    fn table_mut(store: &mut Store) -> &mut Table<Self>;
}

macro_rules! has_table {
    ($ty:ident, $field:ident) => {
        impl HasTable for $ty {
            fn table(store: &Store) -> &Table<Self> {
                &store.$field
            }
            fn table_mut(store: &mut Store) -> &mut Table<Self> {
                &mut store.$field
            }
        }
    };
}
has_table!(Namespace, namespaces);
has_table!(Node, nodes);
has_table!(Pod, pods);
has_table!(ReplicaSet, replicasets);
has_table!(Deployment, deployments);
has_table!(Service, services);
has_table!(Endpoints, endpoints);
has_table!(Event, events);
has_table!(HorizontalPodAutoscaler, hpas);
has_table!(EndpointSlice, endpointslices);

fn key_of(meta: &super::meta::ObjectMeta) -> (String, String) {
    (meta.namespace.clone(), meta.name.clone())
}

/// Tables serialize as plain lists (JSON maps need string keys); keys come back from metadata.
mod as_list {
    use super::{key_of, Table};
    use crate::engine::object::Resource;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<T: Resource, S: Serializer>(t: &Table<T>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(t.values())
    }

    pub fn deserialize<'de, T: Resource, D: Deserializer<'de>>(d: D) -> Result<Table<T>, D::Error> {
        let items: Vec<T> = Vec::deserialize(d)?;
        Ok(items.into_iter().map(|x| (key_of(x.meta()), x)).collect())
    }
}

mod others_as_list {
    use crate::engine::object::Generic;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::collections::BTreeMap;

    type Others = BTreeMap<(String, String, String), Generic>;

    pub fn serialize<S: Serializer>(t: &Others, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(t.values())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Others, D::Error> {
        let items: Vec<Generic> = Vec::deserialize(d)?;
        Ok(items
            .into_iter()
            .map(|g| {
                (
                    (
                        g.kind.clone(),
                        g.metadata.namespace.clone(),
                        g.metadata.name.clone(),
                    ),
                    g,
                )
            })
            .collect())
    }
}

impl Store {
    /// The latest resource version handed out.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// Changes after `since` (a resource version), oldest first.
    pub fn changes_since(&self, since: u64) -> impl Iterator<Item = &Change> {
        let start = self.feed.partition_point(|c| c.resource_version <= since);
        self.feed.range(start..)
    }

    fn bump(
        &mut self,
        op: ChangeOp,
        kind: Cow<'static, str>,
        namespace: String,
        name: String,
    ) -> u64 {
        self.resource_version += 1;
        if self.feed.len() == FEED_CAPACITY {
            self.feed.pop_front();
        }
        self.feed.push_back(Change {
            resource_version: self.resource_version,
            op,
            kind,
            namespace,
            name,
        });
        self.resource_version
    }

    /// The object of type `T` at `ns`/`name`.
    pub fn get<T: HasTable>(&self, ns: &str, name: &str) -> Option<&T> {
        T::table(self).get(&(ns.to_string(), name.to_string()))
    }

    /// All objects of type `T` in namespace `ns`.
    pub fn list_in<'a, T: HasTable + 'a>(
        &'a self,
        ns: &'a str,
    ) -> impl Iterator<Item = &'a T> + 'a {
        T::table(self)
            .range((ns.to_string(), String::new())..)
            .take_while(move |((n, _), _)| n == ns)
            .map(|(_, v)| v)
    }

    /// Writes `obj` (insert or replace). Returns false and changes nothing when it is
    /// identical to what is stored. Bumps `generation` when the spec changed.
    pub fn put<T: HasTable>(&mut self, mut obj: T) -> bool {
        let key = key_of(obj.meta());
        let (ns, name) = key.clone();
        let next = self.resource_version + 1;
        // One search through the table (the entry), not one to look and one to insert.
        let op = match T::table_mut(self).entry(key) {
            Entry::Occupied(mut e) => {
                let old = e.get();
                if *old == obj {
                    return false;
                }
                let gen = old
                    .meta()
                    .generation
                    .map(|g| if old.same_spec(&obj) { g } else { g + 1 });
                obj.meta_mut().generation = gen;
                obj.meta_mut().resource_version = next.to_string();
                e.insert(obj);
                ChangeOp::Modified
            }
            Entry::Vacant(e) => {
                obj.meta_mut().resource_version = next.to_string();
                e.insert(obj);
                ChangeOp::Added
            }
        };
        self.bump(op, Cow::Borrowed(T::KIND.info().kind), ns, name);
        true
    }

    /// Changes the stored object of type `T` at `ns`/`name` in place. `f` makes the
    /// change and says whether it changed anything; if it did, the resource version
    /// moves as for [`Store::put`]. Returns whether the object changed.
    ///
    /// For writers that know what they change (a pod's status, a binding): the object
    /// is neither copied nor compared whole, which [`Store::put`] must do. Generation is
    /// left alone, so this is not for spec changes of kinds that track generation.
    pub fn modify<T: HasTable>(
        &mut self,
        ns: &str,
        name: &str,
        f: impl FnOnce(&mut T) -> bool,
    ) -> bool {
        let next = self.resource_version + 1;
        let key = (ns.to_string(), name.to_string());
        let Some(obj) = T::table_mut(self).get_mut(&key) else {
            return false;
        };
        if !f(obj) {
            return false;
        }
        obj.meta_mut().resource_version = next.to_string();
        self.bump(
            ChangeOp::Modified,
            Cow::Borrowed(T::KIND.info().kind),
            key.0,
            key.1,
        );
        true
    }

    /// Removes the object of type `T` at `ns`/`name`.
    pub fn remove<T: HasTable>(&mut self, ns: &str, name: &str) -> Option<T> {
        let key = (ns.to_string(), name.to_string());
        let removed = T::table_mut(self).remove(&key)?;
        self.bump(
            ChangeOp::Deleted,
            Cow::Borrowed(T::KIND.info().kind),
            key.0,
            key.1,
        );
        Some(removed)
    }

    /// Writes a stored-only object.
    pub fn put_other(&mut self, mut obj: Generic) -> bool {
        let key = (
            obj.kind.clone(),
            obj.metadata.namespace.clone(),
            obj.metadata.name.clone(),
        );
        let op = match self.others.get(&key) {
            Some(old) if *old == obj => return false,
            Some(_) => ChangeOp::Modified,
            None => ChangeOp::Added,
        };
        let rv = self.bump(op, Cow::Owned(key.0.clone()), key.1.clone(), key.2.clone());
        obj.metadata.resource_version = rv.to_string();
        self.others.insert(key, obj);
        true
    }

    /// Writes any object.
    pub fn put_object(&mut self, obj: Object) -> bool {
        match obj {
            Object::Namespace(x) => self.put(x),
            Object::Node(x) => self.put(x),
            Object::Pod(x) => self.put(x),
            Object::ReplicaSet(x) => self.put(x),
            Object::Deployment(x) => self.put(x),
            Object::Service(x) => self.put(x),
            Object::Endpoints(x) => self.put(x),
            Object::Event(x) => self.put(x),
            Object::HorizontalPodAutoscaler(x) => self.put(x),
            Object::EndpointSlice(x) => self.put(x),
            Object::Other(x) => self.put_other(x),
        }
    }

    /// Reads any object by kind name (`Pod`, `ConfigMap`), namespace and name.
    pub fn get_object(&self, kind: &str, ns: &str, name: &str) -> Option<Object> {
        let k = (ns.to_string(), name.to_string());
        match Kind::from_name(kind) {
            Some(Kind::Namespace) => self.namespaces.get(&k).cloned().map(Object::Namespace),
            Some(Kind::Node) => self.nodes.get(&k).cloned().map(Object::Node),
            Some(Kind::Pod) => self.pods.get(&k).cloned().map(Object::Pod),
            Some(Kind::ReplicaSet) => self.replicasets.get(&k).cloned().map(Object::ReplicaSet),
            Some(Kind::Deployment) => self.deployments.get(&k).cloned().map(Object::Deployment),
            Some(Kind::Service) => self.services.get(&k).cloned().map(Object::Service),
            Some(Kind::Endpoints) => self.endpoints.get(&k).cloned().map(Object::Endpoints),
            Some(Kind::Event) => self.events.get(&k).cloned().map(Object::Event),
            Some(Kind::HorizontalPodAutoscaler) => self
                .hpas
                .get(&k)
                .cloned()
                .map(Object::HorizontalPodAutoscaler),
            Some(Kind::EndpointSlice) => self
                .endpointslices
                .get(&k)
                .cloned()
                .map(Object::EndpointSlice),
            None => self
                .others
                .get(&(kind.to_string(), k.0, k.1))
                .cloned()
                .map(Object::Other),
        }
    }

    /// Removes any object by kind name.
    pub fn remove_object(&mut self, kind: &str, ns: &str, name: &str) -> Option<Object> {
        Some(match Kind::from_name(kind) {
            Some(Kind::Namespace) => Object::Namespace(self.remove(ns, name)?),
            Some(Kind::Node) => Object::Node(self.remove(ns, name)?),
            Some(Kind::Pod) => Object::Pod(self.remove(ns, name)?),
            Some(Kind::ReplicaSet) => Object::ReplicaSet(self.remove(ns, name)?),
            Some(Kind::Deployment) => Object::Deployment(self.remove(ns, name)?),
            Some(Kind::Service) => Object::Service(self.remove(ns, name)?),
            Some(Kind::Endpoints) => Object::Endpoints(self.remove(ns, name)?),
            Some(Kind::Event) => Object::Event(self.remove(ns, name)?),
            Some(Kind::HorizontalPodAutoscaler) => {
                Object::HorizontalPodAutoscaler(self.remove(ns, name)?)
            }
            Some(Kind::EndpointSlice) => Object::EndpointSlice(self.remove(ns, name)?),
            None => {
                let obj =
                    self.others
                        .remove(&(kind.to_string(), ns.to_string(), name.to_string()))?;
                self.bump(
                    ChangeOp::Deleted,
                    Cow::Owned(kind.to_string()),
                    ns.to_string(),
                    name.to_string(),
                );
                Object::Other(obj)
            }
        })
    }

    /// Every object of the kind called `kind`, in namespace order then name order.
    pub fn list_kind(&self, kind: &str) -> Vec<Object> {
        fn all<T: HasTable>(s: &Store, f: fn(T) -> Object) -> Vec<Object> {
            T::table(s).values().cloned().map(f).collect()
        }
        match Kind::from_name(kind) {
            Some(Kind::Namespace) => all(self, Object::Namespace),
            Some(Kind::Node) => all(self, Object::Node),
            Some(Kind::Pod) => all(self, Object::Pod),
            Some(Kind::ReplicaSet) => all(self, Object::ReplicaSet),
            Some(Kind::Deployment) => all(self, Object::Deployment),
            Some(Kind::Service) => all(self, Object::Service),
            Some(Kind::Endpoints) => all(self, Object::Endpoints),
            Some(Kind::Event) => all(self, Object::Event),
            Some(Kind::HorizontalPodAutoscaler) => all(self, Object::HorizontalPodAutoscaler),
            Some(Kind::EndpointSlice) => all(self, Object::EndpointSlice),
            None => self
                .others
                .iter()
                .filter(|((k, _, _), _)| k == kind)
                .map(|(_, v)| Object::Other(v.clone()))
                .collect(),
        }
    }

    /// Kind name and metadata of every object, without cloning, simulated kinds first.
    pub fn metas(&self) -> impl Iterator<Item = (&str, &ObjectMeta)> + '_ {
        fn of<'a, T: HasTable + 'a>(
            s: &'a Store,
        ) -> impl Iterator<Item = (&'a str, &'a ObjectMeta)> + 'a {
            T::table(s)
                .values()
                .map(|o| (T::KIND.info().kind, o.meta()))
        }
        of::<Namespace>(self)
            .chain(of::<Node>(self))
            .chain(of::<Pod>(self))
            .chain(of::<ReplicaSet>(self))
            .chain(of::<Deployment>(self))
            .chain(of::<Service>(self))
            .chain(of::<Endpoints>(self))
            .chain(of::<Event>(self))
            .chain(of::<HorizontalPodAutoscaler>(self))
            .chain(of::<EndpointSlice>(self))
            .chain(self.others.values().map(|g| (g.kind.as_str(), &g.metadata)))
    }

    /// Every object in the store, simulated kinds first.
    pub fn all_objects(&self) -> Vec<Object> {
        let mut out = Vec::new();
        for k in Kind::ALL {
            out.extend(self.list_kind(k.info().kind));
        }
        out.extend(self.others.values().cloned().map(Object::Other));
        out
    }

    /// Finds an object by uid (used by garbage collection and owner lookups).
    pub fn find_uid(&self, uid: &str) -> Option<Object> {
        let (kind, m) = self.metas().find(|(_, m)| m.uid == uid)?;
        self.get_object(kind, &m.namespace, &m.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::meta::ObjectMeta;

    fn rs(name: &str, replicas: i32) -> ReplicaSet {
        ReplicaSet {
            metadata: ObjectMeta {
                name: name.into(),
                namespace: "default".into(),
                generation: Some(1),
                ..Default::default()
            },
            spec: ReplicaSetSpec {
                replicas: Some(replicas),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn generation_bumps_on_spec_change_only() {
        let mut s = Store::default();
        assert!(s.put(rs("web", 3)));
        let mut stored = s.get::<ReplicaSet>("default", "web").unwrap().clone();
        assert!(!s.put(stored.clone()), "an identical write is not a change");
        stored.status.replicas = 3;
        assert!(s.put(stored.clone()));
        assert_eq!(
            s.get::<ReplicaSet>("default", "web")
                .unwrap()
                .metadata
                .generation,
            Some(1)
        );
        let mut stored = s.get::<ReplicaSet>("default", "web").unwrap().clone();
        stored.spec.replicas = Some(5);
        s.put(stored);
        let now = s.get::<ReplicaSet>("default", "web").unwrap();
        assert_eq!(now.metadata.generation, Some(2));
        assert_eq!(now.metadata.resource_version, "3");
    }

    #[test]
    fn modify_writes_in_place_like_put() {
        let mut s = Store::default();
        s.put(rs("web", 3));
        assert!(!s.modify::<ReplicaSet>("default", "web", |_| false));
        assert!(!s.modify::<ReplicaSet>("default", "gone", |_| true));
        assert_eq!(s.resource_version(), 1);
        assert!(s.modify::<ReplicaSet>("default", "web", |r| {
            r.status.replicas = 3;
            true
        }));
        let now = s.get::<ReplicaSet>("default", "web").unwrap();
        assert_eq!(now.status.replicas, 3);
        assert_eq!(now.metadata.resource_version, "2");
        assert_eq!(now.metadata.generation, Some(1));
        let ops: Vec<_> = s.changes_since(1).map(|c| (c.op, c.name.clone())).collect();
        assert_eq!(ops, vec![(ChangeOp::Modified, "web".into())]);
    }

    #[test]
    fn feed_reports_changes_in_order() {
        let mut s = Store::default();
        s.put(rs("a", 1));
        s.put(rs("b", 1));
        s.remove::<ReplicaSet>("default", "a");
        let ops: Vec<_> = s.changes_since(1).map(|c| (c.op, c.name.clone())).collect();
        assert_eq!(
            ops,
            vec![
                (ChangeOp::Added, "b".into()),
                (ChangeOp::Deleted, "a".into())
            ]
        );
    }
}
