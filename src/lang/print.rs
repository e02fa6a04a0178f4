//! The model as text (`iamlog fmt --to iam`).

use crate::model::World;

/// The world as an `.iam` file.
pub fn to_text(_world: &World) -> String {
    String::new()
}
