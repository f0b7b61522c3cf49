//! Presets: settings shipped with Portolan for a known repository layout, which a site's
//! `portolan.yaml` builds on (`preset: kong`, or `--preset kong` for a folder that cannot
//! be edited). A preset is a `portolan.yaml` without a title; the site's own keys win, and
//! its `variables` and `labels` are added to the preset's one by one.

use portolan_yaml::{Kind, Node};

/// The presets, by name.
pub(crate) const NAMES: [&str; 1] = ["kong"];

/// The text of preset `name`.
pub(crate) fn text(name: &str) -> Option<&'static str> {
    match name {
        "kong" => Some(include_str!("../presets/kong.yaml")),
        _ => None,
    }
}

/// Keys whose maps are merged entry by entry rather than replaced.
const MERGED: [&str; 2] = ["variables", "labels"];

/// `base` (a preset) with the top-level keys of `site` over it.
pub(crate) fn overlay(mut base: Node, site: &Node) -> Node {
    let Some(entries) = site.as_map() else {
        return base;
    };
    for (k, v) in entries {
        let Some(key) = k.key_text() else { continue };
        match (base.get(key), &v.kind) {
            (Some(old), Kind::Map(new)) if MERGED.contains(&key) && old.as_map().is_some() => {
                let mut merged = old.clone();
                for (nk, nv) in new {
                    if let Some(name) = nk.key_text() {
                        merged.set(name, nv.clone());
                    }
                }
                base.set(key, merged);
            }
            _ => base.set(key, v.clone()),
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_settings() {
        for name in NAMES {
            let c = crate::config::Config::parse_with_preset(0, "title: T\n", Some(name))
                .unwrap_or_else(|e| panic!("preset {name}: {e:?}"));
            assert_eq!(c.title, "T");
            assert_eq!(c.preset.as_deref(), Some(name));
        }
    }

    #[test]
    fn the_site_wins_and_maps_merge() {
        let load = |t: &str| portolan_yaml::load(t, portolan_yaml::Limits::default()).unwrap();
        let base = load("a: 1\nlabels: {x: X, y: Y}\nlist: [1]\n");
        let site = load("a: 2\nlabels: {y: Why}\nlist: [2]\n");
        let merged = overlay(base, &site);
        let text = |n: &Node, k: &str| n.get(k).and_then(Node::key_text).map(String::from);
        assert_eq!(text(&merged, "a").as_deref(), Some("2"));
        let labels = merged.get("labels").unwrap();
        assert_eq!(text(labels, "x").as_deref(), Some("X"));
        assert_eq!(text(labels, "y").as_deref(), Some("Why"));
        let list = merged.get("list").unwrap();
        assert!(matches!(&list.kind, Kind::Seq(items) if items.len() == 1));
    }

    #[test]
    fn an_unknown_preset_is_an_error_at_its_name() {
        let text = "title: T\npreset: jekyl\n";
        let e = crate::config::Config::parse(0, text).unwrap_err().remove(0);
        assert_eq!(e.message, "no preset `jekyl`");
        let span = e.span.unwrap();
        assert_eq!(&text[span.start..span.end], "jekyl");
    }
}
