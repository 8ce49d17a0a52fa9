//! serde helpers the generated types name in their attributes.

use serde::{Deserialize, Deserializer};

/// For required fields that may be null: with a `deserialize_with`, serde reports a missing
/// key as an error instead of quietly giving `None`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)
}

/// For optional fields that may be null: absent is `None`, null is `Some(None)`, so both
/// round-trip as they came.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// For optional fields that may not be null: absent is `None` (by `default`), a present value
/// must be a `T`, so an explicit `null` is refused as the schema refuses it.
pub fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}
