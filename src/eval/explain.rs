//! Explanations (being written).
