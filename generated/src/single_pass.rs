//! Decodes a request body in one pass, dispatching on the event type as soon as it is read.
//!
//! Fields that come before the type (SPOTIO sends `data` before `type`) are kept as borrowed
//! raw JSON and fed to the typed decoder ahead of the rest of the object, which is read
//! straight from the input. Only on failure does `parse` go the slow way round, to say where.

use serde::de::{
    self, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Decodes a body, single-event or batch, trying first the prediction (the type of the last
/// body of this vendor): decoded straight into that type, a body of the predicted type costs
/// one pass even when its type comes after its data. A wrong prediction is noticed from the
/// type field the event declares, and the body is decoded again the general way.
pub fn decode_predicted<T: Dispatch>(
    body: &[u8],
    events_key: Option<&str>,
    type_keys: &[&str],
) -> Result<Vec<T::Event>, serde_json::Error> {
    // serde_json does not check the strings it skips, so the body is checked whole, once;
    // reading it as `str` then spares serde_json checking each string it decodes.
    // `parse_located` says where a body that is not UTF-8 goes wrong.
    let body = std::str::from_utf8(body).map_err(|e| {
        de::Error::custom(format_args!(
            "not UTF-8: invalid byte at offset {}",
            e.valid_up_to()
        ))
    })?;
    let predicted = T::prediction().load(Ordering::Relaxed);
    if predicted != usize::MAX {
        if let Ok(Some(events)) = decode_as::<T>(body, events_key, predicted) {
            return Ok(events);
        }
    }
    let events = match events_key {
        Some(key) => decode_batch::<T>(body, key, type_keys)?,
        None => vec![decode_single::<T>(body, type_keys)?],
    };
    // An unknown event is kept as a `Value`, which takes the last of repeated keys while the
    // type was read from the first: `parse_located` refuses a repeated type key, so unknown
    // events (rare) are left to it.
    if events.iter().any(|e| T::declared_index(e).is_none()) {
        return Err(de::Error::custom(
            "an unknown event: decoded the located way",
        ));
    }
    if let Some(last) = events.last().and_then(T::declared_index) {
        T::prediction().store(last, Ordering::Relaxed);
    }
    Ok(events)
}

/// Every event decoded as the predicted type; `None` if any declares another type.
fn decode_as<T: Dispatch>(
    body: &str,
    events_key: Option<&str>,
    index: usize,
) -> Result<Option<Vec<T::Event>>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(body);
    let events = match events_key {
        Some(key) => de.deserialize_map(PredictedBatch::<T> {
            events_key: key,
            index,
            kind: PhantomData,
        })?,
        None => {
            let mut events = Vec::with_capacity(1);
            events.extend(T::decode_as(index, &mut de)?);
            events
        }
    };
    de.end()?;
    let all_right =
        !events.is_empty() && events.iter().all(|e| T::declared_index(e) == Some(index));
    Ok(all_right.then_some(events))
}

struct PredictedBatch<'k, T> {
    events_key: &'k str,
    index: usize,
    kind: PhantomData<T>,
}

impl<'de, T: Dispatch> Visitor<'de> for PredictedBatch<'_, T> {
    type Value = Vec<T::Event>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut events = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.events_key && events.is_none() {
                events = Some(map.next_value_seed(PredictedItems::<T> {
                    index: self.index,
                    kind: PhantomData,
                })?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        events.ok_or_else(|| de::Error::missing_field("events"))
    }
}

struct PredictedItems<T> {
    index: usize,
    kind: PhantomData<T>,
}

impl<'de, T: Dispatch> DeserializeSeed<'de> for PredictedItems<T> {
    type Value = Vec<T::Event>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Dispatch> Visitor<'de> for PredictedItems<T> {
    type Value = Vec<T::Event>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(1));
        while let Some(event) = seq.next_element_seed(PredictedItem::<T> {
            index: self.index,
            kind: PhantomData,
        })? {
            out.push(event);
        }
        Ok(out)
    }
}

struct PredictedItem<T> {
    index: usize,
    kind: PhantomData<T>,
}

impl<'de, T: Dispatch> DeserializeSeed<'de> for PredictedItem<T> {
    type Value = T::Event;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        T::decode_as(self.index, d)?.ok_or_else(|| de::Error::custom("no such event type"))
    }
}

/// Implemented by each generated vendor module: decodes one event of a known type.
pub trait Dispatch {
    type Event;

    /// Where the vendor keeps its prediction: the index of the last event type decoded.
    fn prediction() -> &'static AtomicUsize;

    /// Decodes the event as the type at `index`, without reading its type first.
    fn decode_as<'de, D: Deserializer<'de>>(
        index: usize,
        d: D,
    ) -> Result<Option<Self::Event>, D::Error>;

    /// The index of the type the decoded event declares in its own type field.
    fn declared_index(event: &Self::Event) -> Option<usize>;

    /// Decodes the event whose type is `event_type` (`None` when it names none) from `d`.
    fn decode<'de, D: Deserializer<'de>>(
        event_type: Option<&str>,
        d: D,
    ) -> Result<Self::Event, D::Error>;
}

/// A single-event body whose type sits at `type_keys` (`["event"]`, `["activity", "type"]`).
pub fn decode_single<T: Dispatch>(
    body: &str,
    type_keys: &[&str],
) -> Result<T::Event, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(body);
    let event = de.deserialize_map(EventVisitor::<T> {
        type_keys,
        kind: PhantomData,
    })?;
    de.end()?;
    Ok(event)
}

/// A batch body: the events are the array under the top-level key `events_key`; in each,
/// the type sits at `type_keys`. Other top-level keys are skipped.
pub fn decode_batch<T: Dispatch>(
    body: &str,
    events_key: &str,
    type_keys: &[&str],
) -> Result<Vec<T::Event>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(body);
    let events = de.deserialize_map(BatchVisitor::<T> {
        events_key,
        type_keys,
        kind: PhantomData,
    })?;
    de.end()?;
    Ok(events)
}

struct BatchVisitor<'k, T> {
    events_key: &'k str,
    type_keys: &'k [&'k str],
    kind: PhantomData<T>,
}

impl<'de, T: Dispatch> Visitor<'de> for BatchVisitor<'_, T> {
    type Value = Vec<T::Event>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut events = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.events_key && events.is_none() {
                events = Some(map.next_value_seed(EventsSeed::<T> {
                    type_keys: self.type_keys,
                    kind: PhantomData,
                })?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        events.ok_or_else(|| de::Error::missing_field("events"))
    }
}

struct EventsSeed<'k, T> {
    type_keys: &'k [&'k str],
    kind: PhantomData<T>,
}

impl<'de, T: Dispatch> DeserializeSeed<'de> for EventsSeed<'_, T> {
    type Value = Vec<T::Event>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Dispatch> Visitor<'de> for EventsSeed<'_, T> {
    type Value = Vec<T::Event>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(1));
        while let Some(event) = seq.next_element_seed(EventSeed::<T> {
            type_keys: self.type_keys,
            kind: PhantomData,
        })? {
            out.push(event);
        }
        Ok(out)
    }
}

struct EventSeed<'k, T> {
    type_keys: &'k [&'k str],
    kind: PhantomData<T>,
}

impl<'de, T: Dispatch> DeserializeSeed<'de> for EventSeed<'_, T> {
    type Value = T::Event;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(EventVisitor::<T> {
            type_keys: self.type_keys,
            kind: PhantomData,
        })
    }
}

struct EventVisitor<'k, T> {
    type_keys: &'k [&'k str],
    kind: PhantomData<T>,
}

impl<'de, T: Dispatch> Visitor<'de> for EventVisitor<'_, T> {
    type Value = T::Event;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some((first, rest)) = self.type_keys.split_first() else {
            return T::decode(
                None,
                ChainedMap {
                    seen: Vec::new(),
                    rest: map,
                },
            );
        };
        let mut seen: Vec<(Cow<'de, str>, &'de RawValue)> = Vec::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let raw: &'de RawValue = map.next_value()?;
            let is_type = key == *first;
            seen.push((key, raw));
            if is_type {
                let event_type = type_in(raw, rest);
                return T::decode(event_type.as_deref(), ChainedMap { seen, rest: map });
            }
        }
        // No type: decode what was read as an event without one.
        T::decode(
            None,
            ChainedMap {
                seen,
                rest: EmptyMap(PhantomData),
            },
        )
    }
}

/// The type string inside `raw` at `keys` (`raw` itself when `keys` is empty).
fn type_in<'de>(raw: &'de RawValue, keys: &[&str]) -> Option<Cow<'de, str>> {
    if keys.is_empty() {
        return serde_json::from_str::<Cow<'de, str>>(raw.get()).ok();
    }
    crate::dispatch::event_type_at(raw.get().as_bytes(), keys, "")
        .ok()
        .flatten()
}

/// The entries read before the type, then the rest of the live object.
struct ChainedMap<'de, A> {
    seen: Vec<(Cow<'de, str>, &'de RawValue)>,
    rest: A,
}

struct ChainedAccess<'de, A> {
    seen: std::vec::IntoIter<(Cow<'de, str>, &'de RawValue)>,
    pending: Option<&'de RawValue>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for ChainedMap<'de, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(ChainedAccess {
            seen: self.seen.into_iter(),
            pending: None,
            rest: self.rest,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for ChainedAccess<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        match self.seen.next() {
            Some((key, raw)) => {
                self.pending = Some(raw);
                let key: de::value::CowStrDeserializer<'de, Self::Error> = key.into_deserializer();
                seed.deserialize(key).map(Some)
            }
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        match self.pending.take() {
            Some(raw) => {
                let mut de = serde_json::Deserializer::from_str(raw.get());
                seed.deserialize(&mut de).map_err(de::Error::custom)
            }
            None => self.rest.next_value_seed(seed),
        }
    }
}

/// A map with no entries left, for a body that ended before naming its type.
struct EmptyMap<E>(PhantomData<E>);

impl<'de, E: de::Error> MapAccess<'de> for EmptyMap<E> {
    type Error = E;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _: K) -> Result<Option<K::Value>, E> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _: V) -> Result<V::Value, E> {
        Err(de::Error::custom("no value"))
    }
}
