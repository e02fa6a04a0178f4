//! Comparing two keyed sets of facts.

use super::{Change, Conditional};
use std::collections::BTreeMap;

/// The keys whose presence or conditional flag differs between `before` and `after`, in key
/// order, with the change and the flag on each side.
pub fn compare<K: Ord + Clone>(
    before: &BTreeMap<K, bool>,
    after: &BTreeMap<K, bool>,
) -> Vec<(K, Change, Conditional)> {
    let mut keys: Vec<&K> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let conditional = Conditional {
                before: before.get(k).copied(),
                after: after.get(k).copied(),
            };
            conditional.change().map(|c| (k.clone(), c, conditional))
        })
        .collect()
}

/// The keys present on one side only: gained if after, lost if before.
pub fn compare_sets<K: Ord + Clone, V>(
    before: &BTreeMap<K, V>,
    after: &BTreeMap<K, V>,
) -> Vec<(K, Change)> {
    let gained = after
        .keys()
        .filter(|k| !before.contains_key(k))
        .map(|k| (k.clone(), Change::Gained));
    let lost = before
        .keys()
        .filter(|k| !after.contains_key(k))
        .map(|k| (k.clone(), Change::Lost));
    gained.chain(lost).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_and_conditions_both_count() {
        let before = BTreeMap::from([("a", false), ("b", true), ("c", false), ("d", false)]);
        let after = BTreeMap::from([("b", false), ("c", true), ("d", false), ("e", true)]);
        let changes: Vec<(&str, Change)> = compare(&before, &after)
            .into_iter()
            .map(|(k, c, _)| (k, c))
            .collect();
        assert_eq!(
            changes,
            [
                ("a", Change::Lost),
                ("b", Change::Gained),
                ("c", Change::Lost),
                ("e", Change::Gained)
            ]
        );
    }
}
