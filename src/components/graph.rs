//! The Graph tab: the cluster's objects and how they relate, drawn as SVG from
//! [`graph_view`](super::graph_view).
