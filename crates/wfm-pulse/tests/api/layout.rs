//! The source tree keeps its layers: no import cycle between wfm-pulse's top-level modules
//! (a folder may use itself freely), `http` is a leaf that knows nothing of the application,
//! and only the surfaces (`api`, `web`, `metrics`) and the launch seam (`app`, `sim`'s demo
//! beside it) take the whole `AppState`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module -> the top-level modules its files name as `crate::x`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let top = Path::new(first).file_stem().unwrap().to_str().unwrap();
        if !modules.contains(top) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let named = graph.entry(top.to_string()).or_default();
        for m in named_modules(&text) {
            if m != top && modules.contains(&m) {
                named.insert(m);
            }
        }
    }
    graph
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// The modules named after `crate::`, including each name of `crate::{a, b::c}`.
fn named_modules(text: &str) -> Vec<String> {
    let word = |s: &str| {
        s.chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect::<String>()
    };
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            // Only the first segment of each path in the group names a module.
            let mut depth = 0;
            for part in group.split(',') {
                if depth == 0 {
                    out.push(word(part.trim()));
                }
                depth += part.matches('{').count();
                depth -= part.matches('}').count().min(depth);
            }
        } else {
            out.push(word(rest));
        }
    }
    out
}

/// Strongly connected sets of more than one module (Tarjan's algorithm).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            for w in self.graph.get(v).into_iter().flatten() {
                if !self.index.contains_key(w.as_str()) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w.as_str()]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w.as_str()) {
                    let low = self.low[v].min(self.index[w.as_str()]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let at = self.stack.iter().rposition(|s| *s == v).unwrap();
                let set: Vec<String> = self.stack.drain(at..).map(String::from).collect();
                if set.len() > 1 {
                    self.found.push(set);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found
}

#[test]
fn the_finder_sees_a_cycle() {
    let graph = BTreeMap::from([
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
        ("d".to_string(), BTreeSet::from(["a".to_string()])),
    ]);
    assert_eq!(cycles(&graph).len(), 1);
    assert_eq!(
        named_modules("use crate::{live::Live, http::{error::ApiError, page}};"),
        ["live", "http"]
    );
}

#[test]
fn no_top_level_module_imports_one_that_imports_it_back() {
    let found = cycles(&imports());
    assert!(found.is_empty(), "import cycles: {found:?}");
}

#[test]
fn http_is_a_leaf_and_only_surfaces_take_the_whole_state() {
    let graph = imports();
    assert_eq!(
        graph["http"],
        BTreeSet::new(),
        "http imports {:?}",
        graph["http"]
    );
    let takers: BTreeSet<&str> = graph
        .iter()
        .filter(|(_, named)| named.contains("state"))
        .map(|(m, _)| m.as_str())
        .collect();
    assert_eq!(
        takers,
        BTreeSet::from(["api", "app", "metrics", "sim", "web"]),
        "modules that take AppState"
    );
}
