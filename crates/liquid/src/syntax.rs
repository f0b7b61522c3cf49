//! What the parser asks of a host: which names are its tags (and how each takes its body)
//! and which are its filters. [`PlainLiquid`] is Liquid alone.

/// How a host's block tag takes its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMode {
    /// Rendered as Liquid, written as it is: text or markdown.
    Text,
    /// Data (YAML, say) after Liquid: every `{{ }}` that gives text is rendered as Liquid
    /// again, as Jekyll sites do with data values that hold `{{ site.x }}`.
    Data,
}

/// The shape of a host's tag: whether it has a body (`{% name %}...{% endname %}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagShape {
    /// `None` for a tag without a body.
    pub body: Option<BodyMode>,
}

/// What the parser asks of a host.
pub trait Syntax {
    /// The shape of the host's tag `name`; `None` when it has none of that name.
    fn tag(&self, name: &str) -> Option<TagShape>;
    /// The hint for an unknown tag `name` (the engine's own tags are `built_in`): what it
    /// may have meant, and which tags there are.
    fn unknown_tag_hint(&self, name: &str, built_in: &[&str]) -> String;
    /// Whether the host has a filter `name`.
    fn has_filter(&self, name: &str) -> bool;
    /// Every filter the host has, for suggestions.
    fn filter_names(&self) -> Vec<&'static str>;
}

/// Liquid alone: no tags or filters besides the engine's.
pub struct PlainLiquid;

impl Syntax for PlainLiquid {
    fn tag(&self, _: &str) -> Option<TagShape> {
        None
    }

    fn unknown_tag_hint(&self, name: &str, built_in: &[&str]) -> String {
        let mut tags = built_in.to_vec();
        tags.sort_unstable();
        match crate::diag::did_you_mean(name, tags.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? Liquid's tags are {}", tags.join(", ")),
            None => format!("Liquid's tags are {}", tags.join(", ")),
        }
    }

    fn has_filter(&self, _: &str) -> bool {
        false
    }

    fn filter_names(&self) -> Vec<&'static str> {
        Vec::new()
    }
}
