//! A landing page's URL, known before any page renders: `metadata.permalink` when it has
//! one, else its path in the landing pages' folder.

use crate::out_path;
use crate::page_url::PermalinkError;
use crate::structure::Structure;

/// The URL key of landing page `rel` with text `text`. A file that is not YAML gets the
/// URL of its path; rendering it reports why.
pub(crate) fn url(structure: &Structure, rel: &str, text: &str) -> Result<String, PermalinkError> {
    let limits = portolan_yaml::Limits {
        depth: portolan_dialect::limits::MAX_YAML_DEPTH,
        ..portolan_yaml::Limits::default()
    };
    let permalink = portolan_yaml::load(text, limits).ok().and_then(|doc| {
        let p = doc.get("metadata")?.get("permalink")?;
        let written = p.key_text()?.to_string();
        Some((written, p.span.clone()))
    });
    match permalink {
        Some((written, span)) => {
            out_path::permalink_key(&written).map_err(|bad| PermalinkError::new(span, bad))
        }
        None => Ok(structure.landing_url(rel)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_landing_page_is_at_its_path_or_its_permalink() {
        let s = Structure {
            landing_pages: Some("_landing_pages".into()),
            ..Structure::default()
        };
        let at = |rel: &str, text: &str| url(&s, rel, text).ok();
        assert_eq!(
            at("_landing_pages/gateway.yaml", "metadata: {title: G}\n").as_deref(),
            Some("gateway/")
        );
        assert_eq!(
            at(
                "_landing_pages/koh.yaml",
                "metadata:\n  permalink: /insomnia/koh/\n"
            )
            .as_deref(),
            Some("insomnia/koh/")
        );
        assert_eq!(
            at(
                "_landing_pages/x.yaml",
                "metadata:\n  permalink: /../../x/\n"
            ),
            None
        );
        assert_eq!(
            at("_landing_pages/broken.yaml", "metadata: [\n").as_deref(),
            Some("broken/")
        );
    }
}
