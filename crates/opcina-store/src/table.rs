//! How the kernel sees a context's tables without knowing them.
//!
//! A context declares each of its authoritative tables once, with [`table_row!`](crate::table_row): the row
//! type, the table's name and its columns in schema order. From that one list come the
//! row's mapping from a database row ([`Record::read`]), its insert and update binding
//! ([`TableRow::bind`]) and its canonical hash (every column in schema order, which the
//! journal records). The kernel then writes, pages and verifies any [`Row`] through these
//! traits: it never names a context's table, and a new context adds tables by listing
//! them in its [`crate::contexts::Context`].
//!
//! Reads that return something other than a table row (a count per kind, a join) declare
//! their shape with [`record!`](crate::record) and get the same mapping.

use std::any::Any;
use std::fmt;

use opcina_core::journal::{Hash, RowHasher};

use crate::error::{Result, StoreError};

/// One row of a query's result, read by column position (the backend implements it).
pub trait Source {
    fn int(&self, i: usize) -> Result<i64>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>>;
    fn text(&self, i: usize) -> Result<String>;
    fn opt_text(&self, i: usize) -> Result<Option<String>>;
    fn bytes(&self, i: usize) -> Result<Vec<u8>>;
    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>>;
    fn bool(&self, i: usize) -> Result<bool>;
}

/// Where a statement's parameters go, in order (the backend implements it).
pub trait Sink {
    fn int(&mut self, v: Option<i64>);
    fn text(&mut self, v: Option<&str>);
    fn bytes(&mut self, v: Option<&[u8]>);
    fn bool(&mut self, v: bool);
}

/// A statement's parameter: how it is bound.
pub trait Param: Send + Sync {
    fn bind(&self, sink: &mut dyn Sink);
}

/// A column's Rust type: how it is read, bound (as a [`Param`]) and hashed.
pub trait Column: Param {
    fn read(src: &dyn Source, i: usize) -> Result<Self>
    where
        Self: Sized;
    fn hash(&self, h: &mut RowHasher);
    /// Hashes the column as stored, without reading it into its type: verification must
    /// hash a row whose value was changed into something its type does not allow.
    fn hash_stored(src: &dyn Source, i: usize, h: &mut RowHasher) -> Result<()>
    where
        Self: Sized,
    {
        Self::read(src, i)?.hash(h);
        Ok(())
    }
}

/// [`Column::hash_stored`] for the column a field projection names (the field's type picks
/// the column).
pub fn hash_stored_as<R, T: Column>(_field: fn(&R) -> &T, src: &dyn Source, i: usize, h: &mut RowHasher) -> Result<()> {
    T::hash_stored(src, i, h)
}

/// `column!(type, Source method, |value, sink| binding, |value, hasher| hashing)`.
macro_rules! column {
    ($ty:ty, $read:ident, |$v:ident, $sink:ident| $bind:expr, |$w:ident, $h:ident| $hash:expr) => {
        impl Param for $ty {
            fn bind(&self, $sink: &mut dyn Sink) {
                let $v = self;
                $bind;
            }
        }

        impl Column for $ty {
            fn read(src: &dyn Source, i: usize) -> Result<Self> {
                src.$read(i)
            }
            fn hash(&self, $h: &mut RowHasher) {
                let $w = self;
                $hash;
            }
        }
    };
}

column!(i64, int, |v, s| s.int(Some(*v)), |v, h| h.int(*v));
column!(Option<i64>, opt_int, |v, s| s.int(*v), |v, h| h.opt_int(*v));
column!(String, text, |v, s| s.text(Some(v)), |v, h| h.text(v));
column!(Option<String>, opt_text, |v, s| s.text(v.as_deref()), |v, h| h.opt_text(v.as_deref()));
column!(Vec<u8>, bytes, |v, s| s.bytes(Some(v)), |v, h| h.bytes(v));
column!(Option<Vec<u8>>, opt_bytes, |v, s| s.bytes(v.as_deref()), |v, h| h.opt_bytes(v.as_deref()));
column!(bool, bool, |v, s| s.bool(*v), |v, h| h.bool(*v));

/// A state or kind the domain names by a stable code (`in_work`, `granted`): stored as its
/// code, read back through the domain's parser (an unknown code is a corrupt row). The type
/// needs `as_str(self) -> &'static str` and `parse(&str) -> Option<Self>`; a context declares
/// its own beside its rows: `code_column!(CaseState, Outcome);`.
#[macro_export]
macro_rules! code_column {
    ($($ty:ty),* $(,)?) => {$(
        impl $crate::table::Param for $ty {
            fn bind(&self, sink: &mut dyn $crate::table::Sink) {
                sink.text(Some(self.as_str()));
            }
        }

        impl $crate::table::Column for $ty {
            fn read(src: &dyn $crate::table::Source, i: usize) -> $crate::error::Result<Self> {
                let code = src.text(i)?;
                <$ty>::parse(&code).ok_or_else(|| $crate::table::unknown_code(i, &code, stringify!($ty)))
            }
            fn hash(&self, h: &mut ::opcina_core::journal::RowHasher) {
                h.text(self.as_str());
            }
            fn hash_stored(src: &dyn $crate::table::Source, i: usize, h: &mut ::opcina_core::journal::RowHasher) -> $crate::error::Result<()> {
                h.text(&src.text(i)?);
                Ok(())
            }
        }

        impl $crate::table::Param for Option<$ty> {
            fn bind(&self, sink: &mut dyn $crate::table::Sink) {
                sink.text(self.map(<$ty>::as_str));
            }
        }

        impl $crate::table::Column for Option<$ty> {
            fn read(src: &dyn $crate::table::Source, i: usize) -> $crate::error::Result<Self> {
                match src.opt_text(i)? {
                    None => Ok(None),
                    Some(code) => <$ty>::parse(&code).map(Some).ok_or_else(|| $crate::table::unknown_code(i, &code, stringify!($ty))),
                }
            }
            fn hash(&self, h: &mut ::opcina_core::journal::RowHasher) {
                h.opt_text(self.map(<$ty>::as_str));
            }
            fn hash_stored(src: &dyn $crate::table::Source, i: usize, h: &mut ::opcina_core::journal::RowHasher) -> $crate::error::Result<()> {
                h.opt_text(src.opt_text(i)?.as_deref());
                Ok(())
            }
        }
    )*};
}

/// A stored code the domain does not know (see [`code_column!`](crate::code_column)).
pub fn unknown_code(column: usize, code: &str, of: &str) -> StoreError {
    StoreError::corrupt("row", 0, format!("column {column}: {code:?} is not a known {of}"))
}

/// Text borrowed from the caller.
impl Param for &str {
    fn bind(&self, sink: &mut dyn Sink) {
        sink.text(Some(self));
    }
}

/// Optional text borrowed from the caller.
impl Param for Option<&str> {
    fn bind(&self, sink: &mut dyn Sink) {
        sink.text(*self);
    }
}

/// Bytes borrowed from the caller.
impl Param for &[u8] {
    fn bind(&self, sink: &mut dyn Sink) {
        sink.bytes(Some(self));
    }
}

/// Optional bytes borrowed from the caller.
impl Param for Option<&[u8]> {
    fn bind(&self, sink: &mut dyn Sink) {
        sink.bytes(*self);
    }
}

/// What a query returns, one per result row: its columns in the order the query selects
/// them.
pub trait Record: Sized + Send + Sync + 'static {
    /// The columns, comma-separated, in the order [`Record::read`] reads them (for a
    /// `SELECT` list).
    const COLUMNS: &'static str;
    /// How many columns.
    const ARITY: usize;
    fn read(src: &dyn Source) -> Result<Self>;
}

/// A single value (a count, a maximum, an id): the query's first column.
macro_rules! scalar_record {
    ($($ty:ty => $read:ident),*) => {$(
        impl Record for $ty {
            const COLUMNS: &'static str = "";
            const ARITY: usize = 1;
            fn read(src: &dyn Source) -> Result<Self> {
                src.$read(0)
            }
        }
    )*};
}

scalar_record!(i64 => int, Option<i64> => opt_int, String => text, Option<String> => opt_text, bool => bool);

/// A row of an authoritative (journaled) table.
pub trait TableRow: Record + Clone + fmt::Debug {
    const TABLE: &'static str;
    fn id(&self) -> i64;
    fn set_id(&mut self, id: i64);
    /// Binds every column in schema order.
    fn bind(&self, sink: &mut dyn Sink);
    /// The canonical hash the journal records.
    fn hash(&self) -> Hash;
    /// A stored row's id and canonical hash, read without decoding the row into its type
    /// (see [`Column::hash_stored`]).
    fn hash_stored(src: &dyn Source) -> Result<(i64, Hash)> {
        let row = Self::read(src)?;
        Ok((TableRow::id(&row), TableRow::hash(&row)))
    }
}

/// Declares a table row: `table_row!(OfficeRow, "offices", [id, code, name, …])` lists the
/// struct's fields in the table's column order (`id` first). A row whose journal hash is
/// not the plain hash of its columns names its own: `table_row!(T, "t", [..], hash = f)`.
#[macro_export]
macro_rules! table_row {
    ($ty:ident, $table:literal, [$first:ident $(, $f:ident)* $(,)?] $(, hash = $hash:path)?) => {
        $crate::record!($ty, [$first $(, $f)*]);
        impl $crate::table::TableRow for $ty {
            const TABLE: &'static str = $table;
            fn id(&self) -> i64 {
                self.id
            }
            fn set_id(&mut self, id: i64) {
                self.id = id;
            }
            fn bind(&self, sink: &mut dyn $crate::table::Sink) {
                $crate::table::Param::bind(&self.$first, sink);
                $($crate::table::Param::bind(&self.$f, sink);)*
            }
            fn hash(&self) -> ::opcina_core::journal::Hash {
                $crate::table_row!(@hash self, $table, [$first $(, $f)*] $(, $hash)?)
            }
            $crate::table_row!(@stored $ty, $table, [$first $(, $f)*] $(, $hash)?);
        }
    };
    (@hash $self:ident, $table:literal, [$($f:ident),*], $hash:path) => {
        $hash($self)
    };
    (@hash $self:ident, $table:literal, [$($f:ident),*]) => {{
        let mut h = ::opcina_core::journal::RowHasher::new($table);
        $($crate::table::Column::hash(&$self.$f, &mut h);)*
        h.finish()
    }};
    // A row with a hash of its own is hashed from its decoded value (the default).
    (@stored $ty:ident, $table:literal, [$($f:ident),*], $hash:path) => {};
    (@stored $ty:ident, $table:literal, [$first:ident $(, $f:ident)*]) => {
        fn hash_stored(src: &dyn $crate::table::Source) -> $crate::error::Result<(i64, ::opcina_core::journal::Hash)> {
            let id = src.int(0)?;
            let mut h = ::opcina_core::journal::RowHasher::new($table);
            let mut i = 0usize;
            $crate::table::hash_stored_as(|r: &$ty| &r.$first, src, i, &mut h)?;
            $(
                i += 1;
                $crate::table::hash_stored_as(|r: &$ty| &r.$f, src, i, &mut h)?;
            )*
            let _ = i;
            Ok((id, h.finish()))
        }
    };
}

/// Declares what a query returns: `record!(OnTimeRow, [case_type, unit_code, decided, late])`
/// lists the struct's fields in the order the query selects them.
#[macro_export]
macro_rules! record {
    ($ty:ident, [$first:ident $(, $f:ident)* $(,)?]) => {
        impl $crate::table::Record for $ty {
            const COLUMNS: &'static str = concat!(stringify!($first) $(, ", ", stringify!($f))*);
            const ARITY: usize = 1 $(+ $crate::record!(@one $f))*;
            fn read(src: &dyn $crate::table::Source) -> $crate::error::Result<Self> {
                let mut i = 0usize;
                let mut next = || {
                    i += 1;
                    i - 1
                };
                Ok($ty {
                    $first: $crate::table::Column::read(src, next())?,
                    $($f: $crate::table::Column::read(src, next())?,)*
                })
            }
        }
    };
    (@one $f:ident) => {
        1
    };
}

/// The object-safe face of a [`TableRow`], behind [`Row`].
trait AnyRow: Any + Send + Sync + fmt::Debug {
    fn table(&self) -> &'static str;
    fn id(&self) -> i64;
    fn set_id(&mut self, id: i64);
    fn bind(&self, sink: &mut dyn Sink);
    fn hash(&self) -> Hash;
    fn as_any(&self) -> &dyn Any;
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
    fn boxed_clone(&self) -> Box<dyn AnyRow>;
}

impl<T: TableRow> AnyRow for T {
    fn table(&self) -> &'static str {
        T::TABLE
    }
    fn id(&self) -> i64 {
        TableRow::id(self)
    }
    fn set_id(&mut self, id: i64) {
        TableRow::set_id(self, id);
    }
    fn bind(&self, sink: &mut dyn Sink) {
        TableRow::bind(self, sink);
    }
    fn hash(&self) -> Hash {
        TableRow::hash(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
    fn boxed_clone(&self) -> Box<dyn AnyRow> {
        Box::new(self.clone())
    }
}

/// Any authoritative row, for writing and verifying generically.
pub struct Row(Box<dyn AnyRow>);

impl Row {
    pub fn new<T: TableRow>(row: T) -> Row {
        Row(Box::new(row))
    }

    /// The row as its own type, when it is one.
    pub fn get<T: TableRow>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }

    /// The row as its own type, or itself back when it is of another table.
    pub fn downcast<T: TableRow>(self) -> std::result::Result<T, Row> {
        if !self.0.as_any().is::<T>() {
            return Err(self);
        }
        match self.0.into_any().downcast::<T>() {
            Ok(row) => Ok(*row),
            Err(_) => unreachable!("the row's type was checked just before"),
        }
    }

    pub fn table(&self) -> &'static str {
        self.0.table()
    }

    pub fn id(&self) -> i64 {
        self.0.id()
    }

    pub fn set_id(&mut self, id: i64) {
        self.0.set_id(id);
    }

    /// Binds every column in schema order.
    pub fn bind(&self, sink: &mut dyn Sink) {
        self.0.bind(sink);
    }

    pub fn hash(&self) -> Hash {
        self.0.hash()
    }
}

impl Clone for Row {
    fn clone(&self) -> Self {
        Row(self.0.boxed_clone())
    }
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Two rows are equal when they are of one table and hash alike (the hash covers every
/// column).
impl PartialEq for Row {
    fn eq(&self, other: &Self) -> bool {
        self.table() == other.table() && self.hash() == other.hash()
    }
}

impl Eq for Row {}

/// An authoritative table as the kernel sees it: how to select and decode its rows.
#[derive(Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    /// The columns, comma-separated, in schema order.
    pub columns: &'static str,
    pub arity: usize,
    /// Append-only: rows are never rewritten, so a row's id is the journal position that
    /// wrote it (verification merges such a table with the journal in one pass).
    pub append_only: bool,
    pub decode: fn(&dyn Source) -> Result<Row>,
    /// A stored row's id and canonical hash, without decoding it (for verification).
    pub hash_stored: fn(&dyn Source) -> Result<(i64, Hash)>,
}

fn decode_row<T: TableRow>(src: &dyn Source) -> Result<Row> {
    Ok(Row::new(T::read(src)?))
}

impl Table {
    /// A table whose rows are never rewritten.
    pub const fn append_only<T: TableRow>() -> Table {
        Table {
            name: T::TABLE,
            columns: T::COLUMNS,
            arity: T::ARITY,
            append_only: true,
            decode: decode_row::<T>,
            hash_stored: T::hash_stored,
        }
    }

    /// A table whose rows are rewritten in place (each rewrite journaled).
    pub const fn mutable<T: TableRow>() -> Table {
        Table {
            name: T::TABLE,
            columns: T::COLUMNS,
            arity: T::ARITY,
            append_only: false,
            decode: decode_row::<T>,
            hash_stored: T::hash_stored,
        }
    }
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table").field("name", &self.name).field("append_only", &self.append_only).finish()
    }
}
