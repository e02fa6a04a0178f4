//! Tests of the text language: grammar, desugaring, errors, round trips.
