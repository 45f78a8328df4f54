//! What evaluation sees: the worker reads the ticket, message, customer and order from the
//! database and sets one [`Fact`] per [`Field`] it knows. A field never set is "not set".

use std::collections::HashMap;

use super::model::Field;

/// One field's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Fact {
    Text(String),
    /// Money in major units (12.5 = €12.50), counts, days.
    Number(f64),
    /// Tags, stored normalized (see `crate::tags`).
    List(Vec<String>),
    Bool(bool),
}

impl Fact {
    /// Blank text and empty lists count as not set: a customer without tags has no tags, not
    /// an empty set of them.
    pub fn is_present(&self) -> bool {
        match self {
            Fact::Text(t) => !t.trim().is_empty(),
            Fact::List(items) => !items.is_empty(),
            Fact::Number(_) | Fact::Bool(_) => true,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    current: HashMap<Field, Fact>,
    /// For `ticket_updated`: the value before the update, recorded per field. A field missing
    /// here was not recorded, so it never counts as changed; `Some(None)` means it was not set.
    previous: HashMap<Field, Option<Fact>>,
}

impl Facts {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&mut self, field: Field, fact: Fact) {
        self.current.insert(field, fact);
    }

    /// Sets the field, or leaves it not set for `None`.
    pub fn set_opt(&mut self, field: Field, fact: Option<Fact>) {
        match fact {
            Some(fact) => self.set(field, fact),
            None => {
                self.current.remove(&field);
            }
        }
    }

    /// Records the field's value before the update (`None`: it was not set).
    pub fn set_previous(&mut self, field: Field, fact: Option<Fact>) {
        self.previous.insert(field, fact);
    }

    pub fn get(&self, field: Field) -> Option<&Fact> {
        self.current.get(&field)
    }

    /// The value before the update: `None` when not recorded, `Some(None)` when it was not set.
    pub fn previous(&self, field: Field) -> Option<Option<&Fact>> {
        self.previous.get(&field).map(Option::as_ref)
    }

    /// Builder form of [`Facts::set`], for tests and fixed fact sets.
    pub fn with(mut self, field: Field, fact: Fact) -> Self {
        self.set(field, fact);
        self
    }
}
