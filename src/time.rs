//! Working-day calendar and date arithmetic (being written).
