//! `iam:PassRole`, decided once for every service it passes a role to.
//!
//! The analysis asks `iam:PassRole` once per service a technique passes a role to (the
//! request's `iam:PassedToService`), but most statements do not tell the services apart: a
//! Condition that does not read the key decides every service alike. A principal none of
//! whose statements (identity, group, boundary, SCP) tells them apart gets the same
//! decisions for every service, so stage 1 of [`crate::derive`] decides its `iam:PassRole`
//! once, on the check [`PassRole::any`], and reads that decision as every service's. Only
//! the principals in [`PassRole::per_service`] are decided service by service.

use super::techniques::Check;
use super::universe::Id;
use super::CheckId;

/// The checks of `iam:PassRole`, and who must be decided per service.
#[derive(Debug, Clone, Default)]
pub struct PassRole {
    /// The check that stands for every service's alike. Its id follows the last of
    /// [`super::Compiled::checks`]: it is not a check of its own and appears only in the
    /// `applies` facts and inside stage 1 of derive, never in what derive gives out.
    pub any: CheckId,
    /// The check of each service, ascending.
    pub services: Vec<CheckId>,
    /// Principals holding a statement that decides some services apart, ascending.
    pub per_service: Vec<Id>,
}

impl PassRole {
    /// The family among `checks`.
    pub fn new(checks: &[Check]) -> PassRole {
        PassRole {
            any: checks.len() as CheckId,
            services: (0..checks.len() as CheckId)
                .filter(|&c| {
                    let check = &checks[c as usize];
                    check.action == "iam:PassRole" && check.passed_to.is_some()
                })
                .collect(),
            per_service: Vec::new(),
        }
    }

    /// Adds `(any, stance)` to what a statement applies to, for each stance in which it
    /// applies to every service's check; returns whether it applies to some but not all in
    /// a stance (it tells the services apart).
    pub fn fold(&self, applies: &mut Vec<(CheckId, bool)>) -> bool {
        let mut apart = false;
        for must in [false, true] {
            let held = applies
                .iter()
                .filter(|&&(c, m)| m == must && self.services.binary_search(&c).is_ok())
                .count();
            if self.services.is_empty() || held == 0 {
                continue;
            }
            if held == self.services.len() {
                applies.push((self.any, must));
            } else {
                apart = true;
            }
        }
        apart
    }

    /// Is `p` decided per service?
    pub fn is_per_service(&self, p: Id) -> bool {
        self.per_service.binary_search(&p).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family() -> PassRole {
        PassRole {
            any: 9,
            services: vec![3, 4, 5],
            per_service: Vec::new(),
        }
    }

    #[test]
    fn a_statement_alike_for_every_service_applies_to_any() {
        let mut applies = vec![(1, false), (3, false), (4, false), (5, false), (3, true)];
        applies.extend([(4, true), (5, true)]);
        assert!(!family().fold(&mut applies));
        assert!(applies.contains(&(9, false)) && applies.contains(&(9, true)));
    }

    #[test]
    fn a_statement_that_tells_services_apart_is_reported_and_not_folded() {
        // Every service may be passed to, but only one must be.
        let mut applies = vec![(3, false), (4, false), (5, false), (3, true)];
        assert!(family().fold(&mut applies));
        assert!(applies.contains(&(9, false)));
        assert!(!applies.contains(&(9, true)));
    }

    #[test]
    fn a_statement_without_pass_role_is_left_alone() {
        let mut applies = vec![(1, false), (1, true)];
        assert!(!family().fold(&mut applies));
        assert_eq!(applies, vec![(1, false), (1, true)]);
    }
}
