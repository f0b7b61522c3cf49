//! Typed reading of a [`Node`] with serde (frontmatter, settings, table bodies): one parse,
//! then as many typed reads as wanted. A field that wants text gets the scalar's text as
//! written (`3.10` stays `3.10`); a field that wants a number or a boolean gets the
//! scalar's reading; an error names the node it is about (its offset).

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use crate::error::Error;
use crate::node::{Kind, Node, Resolved};

/// Reads `node` as a `T`.
pub fn from_node<'de, T: serde::Deserialize<'de>>(node: &'de Node) -> Result<T, Error> {
    T::deserialize(NodeDe(node)).map_err(Error::with_path)
}

/// A node being read.
#[derive(Clone, Copy)]
struct NodeDe<'de>(&'de Node);

impl<'de> NodeDe<'de> {
    fn at(&self) -> usize {
        self.0.span.start
    }
}

impl<'de> Deserializer<'de> for NodeDe<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let r = match &self.0.kind {
            Kind::Scalar(s) => match s.resolve() {
                Resolved::Null => visitor.visit_unit(),
                Resolved::Bool(b) => visitor.visit_bool(b),
                Resolved::Int(i) => visitor.visit_i64(i),
                Resolved::Float(f) => visitor.visit_f64(f),
                Resolved::Str(t) => visitor.visit_borrowed_str(t),
            },
            Kind::Seq(items) => visitor.visit_seq(Items(items.iter().enumerate())),
            Kind::Map(entries) => visitor.visit_map(Entries {
                iter: entries.iter(),
                value: None,
            }),
        };
        r.map_err(|e| e.within(self.at()))
    }

    /// Text as written, whatever it reads as.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.kind {
            Kind::Scalar(s) => visitor
                .visit_borrowed_str(&s.text)
                .map_err(|e: Error| e.within(self.at())),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let r = match &self.0.kind {
            Kind::Scalar(s) => visitor.visit_enum(s.text.as_str().into_deserializer()),
            Kind::Map(entries) if entries.len() == 1 => visitor.visit_enum(Variant(&entries[0])),
            _ => Err(de::Error::invalid_type(
                self.unexpected(),
                &"an enum variant",
            )),
        };
        r.map_err(|e| e.within(self.at()))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct identifier
    }
}

impl NodeDe<'_> {
    fn unexpected(&self) -> de::Unexpected<'_> {
        match &self.0.kind {
            Kind::Scalar(s) => match s.resolve() {
                Resolved::Null => de::Unexpected::Unit,
                Resolved::Bool(b) => de::Unexpected::Bool(b),
                Resolved::Int(i) => de::Unexpected::Signed(i),
                Resolved::Float(f) => de::Unexpected::Float(f),
                Resolved::Str(t) => de::Unexpected::Str(t),
            },
            Kind::Seq(_) => de::Unexpected::Seq,
            Kind::Map(_) => de::Unexpected::Map,
        }
    }
}

/// A mapping key: text for names and string keys, its reading for anything else.
struct KeyDe<'de>(&'de Node);

impl<'de> Deserializer<'de> for KeyDe<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        NodeDe(self.0).deserialize_any(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        NodeDe(self.0).deserialize_str(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        NodeDe(self.0).deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        NodeDe(self.0).deserialize_str(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum ignored_any
    }
}

struct Items<'de>(std::iter::Enumerate<std::slice::Iter<'de, Node>>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.0.next() {
            Some((i, node)) => seed
                .deserialize(NodeDe(node))
                .map(Some)
                .map_err(|e| e.within(node.span.start).in_item(i)),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'de> {
    iter: std::slice::Iter<'de, (Node, Node)>,
    value: Option<(&'de Node, &'de Node)>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some((k, v));
                seed.deserialize(KeyDe(k))
                    .map(Some)
                    .map_err(|e| e.within(k.span.start))
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (key, node) = self
            .value
            .take()
            .ok_or_else(|| <Error as de::Error>::custom("a value without its key"))?;
        seed.deserialize(NodeDe(node)).map_err(|e| {
            let e = e.within(node.span.start);
            match key.key_text() {
                Some(k) => e.in_key(k),
                None => e,
            }
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// `{variant: content}`.
struct Variant<'de>(&'de (Node, Node));

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = Error;
    type Variant = NodeDe<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, NodeDe<'de>), Error> {
        let (k, v) = self.0;
        Ok((seed.deserialize(KeyDe(k))?, NodeDe(v)))
    }
}

impl<'de> VariantAccess<'de> for NodeDe<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;
    use crate::load::{load, Limits};

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Page {
        title: String,
        #[serde(default)]
        weight: Option<i64>,
        #[serde(default)]
        min_version: BTreeMap<String, String>,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        align: Align,
    }

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(rename_all = "lowercase")]
    enum Align {
        #[default]
        Top,
        Middle,
    }

    fn read<T: for<'de> Deserialize<'de>>(t: &str) -> Result<T, Error> {
        let node = load(t, Limits::default()).unwrap();
        from_node(&node)
    }

    #[test]
    fn text_stays_as_written_and_numbers_read_as_numbers() {
        let p: Page = read("title: 3.10 release\nweight: 7\nmin_version: {gateway: 3.10, mesh: '2.10'}\ntags: [a, 1.0]\nalign: middle\n").unwrap();
        assert_eq!(p.title, "3.10 release");
        assert_eq!(p.weight, Some(7));
        assert_eq!(p.min_version["gateway"], "3.10");
        assert_eq!(p.min_version["mesh"], "2.10");
        assert_eq!(p.tags, ["a", "1.0"]);
        assert_eq!(p.align, Align::Middle);
    }

    #[test]
    fn errors_name_their_node() {
        let t = "title: T\nweight: heavy\n";
        let e = read::<Page>(t).unwrap_err();
        assert!(
            e.message
                .starts_with("weight: invalid type: string \"heavy\", expected i64"),
            "{e:?}"
        );
        assert_eq!(e.offset, t.find("heavy").unwrap());
        let t = "title: T\ncolour: red\n";
        let e = read::<Page>(t).unwrap_err();
        assert!(e.message.starts_with("unknown field `colour`"), "{e:?}");
        assert_eq!(e.offset, t.find("colour").unwrap());
        let e = read::<Page>("weight: 1\n").unwrap_err();
        assert_eq!(e.message, "missing field `title`");
        let e = read::<Page>("title: T\ntags: {a: 1}\n").unwrap_err();
        assert!(
            e.message
                .starts_with("tags: invalid type: map, expected a sequence"),
            "{e:?}"
        );
    }
}
