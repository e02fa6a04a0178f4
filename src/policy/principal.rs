//! Principals: who makes a request, and how a `Principal` entry names them (spec §1.3, §2).

use super::arn::Arn;
use std::fmt;

/// The caller of a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Caller {
    /// An unsigned request.
    Anonymous,
    /// The root user of an account.
    Root {
        /// The account ID.
        account: String,
    },
    /// An IAM user.
    User {
        /// Its ARN (`arn:aws:iam::A:user/path/name`).
        arn: String,
        /// The account ID.
        account: String,
        /// The user name (last path segment).
        name: String,
    },
    /// An IAM role acting as itself (a caller given as a role ARN) or a session of it.
    Role {
        /// The role's ARN as given (`...:role/path/name`), or the session ARN.
        arn: String,
        /// The account ID.
        account: String,
        /// The role name, without path.
        name: String,
        /// The session name, for `assumed-role/name/session` ARNs.
        session: Option<String>,
    },
    /// A `GetFederationToken` session (`arn:aws:sts::A:federated-user/name`).
    FederatedUser {
        /// Its ARN.
        arn: String,
        /// The account ID.
        account: String,
        /// The name given to GetFederationToken.
        name: String,
    },
    /// An AWS service principal (`ec2.amazonaws.com`).
    Service(String),
    /// A SAML or OIDC caller of AssumeRoleWith{SAML,WebIdentity}, named by its provider.
    Federated(String),
}

impl Caller {
    /// Reads a caller from an ARN, an account ID or a service principal name.
    pub fn parse(text: &str) -> Result<Caller, String> {
        if text.ends_with(".amazonaws.com") || text.ends_with(".amazonaws.com.cn") {
            return Ok(Caller::Service(text.to_string()));
        }
        if is_account_id(text) {
            return Ok(Caller::Root {
                account: text.to_string(),
            });
        }
        let arn = Arn::parse(text).ok_or_else(|| format!("\"{text}\" is not a principal ARN"))?;
        let account = arn.account.to_string();
        let bad = || format!("\"{text}\" is not a user, role, session, root or federated-user ARN");
        if !is_account_id(&account) {
            return Err(bad());
        }
        let (kind, rest) = arn.resource.split_once('/').unwrap_or((arn.resource, ""));
        let last = |rest: &str| rest.rsplit('/').next().unwrap_or("").to_string();
        match (arn.service, kind) {
            ("iam", "root") if rest.is_empty() => Ok(Caller::Root { account }),
            ("iam", "user") if !rest.is_empty() => Ok(Caller::User {
                arn: text.to_string(),
                account,
                name: last(rest),
            }),
            ("iam", "role") if !rest.is_empty() => Ok(Caller::Role {
                arn: text.to_string(),
                account,
                name: last(rest),
                session: None,
            }),
            ("sts", "assumed-role") => {
                let (role, session) = rest.split_once('/').ok_or_else(bad)?;
                if role.is_empty() || session.is_empty() {
                    return Err(bad());
                }
                Ok(Caller::Role {
                    arn: text.to_string(),
                    account,
                    name: role.to_string(),
                    session: Some(session.to_string()),
                })
            }
            ("sts", "federated-user") if !rest.is_empty() => Ok(Caller::FederatedUser {
                arn: text.to_string(),
                account,
                name: rest.to_string(),
            }),
            ("iam", "saml-provider" | "oidc-provider") => Ok(Caller::Federated(text.to_string())),
            _ => Err(bad()),
        }
    }

    /// The caller's account, if it has one.
    pub fn account(&self) -> Option<&str> {
        match self {
            Caller::Root { account }
            | Caller::User { account, .. }
            | Caller::Role { account, .. }
            | Caller::FederatedUser { account, .. } => Some(account),
            Caller::Anonymous | Caller::Service(_) | Caller::Federated(_) => None,
        }
    }

    /// True for callers whose identity side is IAM policies (users, roles, sessions).
    pub fn is_iam_identity(&self) -> bool {
        matches!(
            self,
            Caller::User { .. } | Caller::Role { .. } | Caller::FederatedUser { .. }
        )
    }

    /// The context keys a principal's own identity supplies (spec §3, §4).
    pub fn context_keys(&self) -> Vec<(&'static str, String)> {
        let caller = self;
        let mut keys = Vec::new();
        if let Some(arn) = caller.principal_arn() {
            keys.push(("aws:PrincipalArn", arn));
        }
        if let Some(account) = caller.account() {
            keys.push(("aws:PrincipalAccount", account.to_string()));
        }
        let kind = match caller {
            Caller::Root { account } => {
                keys.push(("aws:userid", account.clone()));
                "Account"
            }
            Caller::User { name, .. } => {
                keys.push(("aws:username", name.clone()));
                "User"
            }
            Caller::Role { .. } => "AssumedRole",
            Caller::FederatedUser { account, name, .. } => {
                keys.push(("aws:userid", format!("{account}:{name}")));
                "FederatedUser"
            }
            Caller::Anonymous => {
                keys.push(("aws:userid", "anonymous".to_string()));
                "Anonymous"
            }
            Caller::Service(name) => {
                keys.push(("aws:PrincipalServiceName", name.clone()));
                keys.push(("aws:PrincipalIsAWSService", "true".to_string()));
                return keys;
            }
            Caller::Federated(_) => "WebIdentity",
        };
        keys.push(("aws:PrincipalType", kind.to_string()));
        if caller.is_iam_identity() || matches!(caller, Caller::Root { .. }) {
            keys.push(("aws:PrincipalIsAWSService", "false".to_string()));
        }
        keys
    }

    /// The caller's ARN (`aws:PrincipalArn`): a session's is its role's... as far as the ARN
    /// tells; without the model the role path is unknown, so sessions give `role/name`.
    pub fn principal_arn(&self) -> Option<String> {
        match self {
            Caller::Root { account } => Some(format!("arn:aws:iam::{account}:root")),
            Caller::User { arn, .. } | Caller::FederatedUser { arn, .. } => Some(arn.clone()),
            Caller::Role {
                arn,
                account,
                name,
                session,
            } => Some(match session {
                None => arn.clone(),
                Some(_) => format!("arn:{}:iam::{account}:role/{name}", partition(arn)),
            }),
            Caller::Anonymous | Caller::Service(_) | Caller::Federated(_) => None,
        }
    }
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Caller::Anonymous => f.write_str("anonymous"),
            Caller::Root { account } => write!(f, "arn:aws:iam::{account}:root"),
            Caller::User { arn, .. }
            | Caller::Role { arn, .. }
            | Caller::FederatedUser { arn, .. } => f.write_str(arn),
            Caller::Service(s) | Caller::Federated(s) => f.write_str(s),
        }
    }
}

fn partition(arn: &str) -> &str {
    arn.split(':').nth(1).unwrap_or("aws")
}

/// True for a 12-digit account ID.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// One value of a `Principal` / `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrincipalEntry {
    /// `"*"` or `{"AWS": "*"}`: everyone.
    Everyone,
    /// An account, as an ID or its root ARN.
    Account(String),
    /// A user, role, session or federated-user ARN (compared exactly; roles by account and name).
    Arn(String),
    /// `{"Service": ...}`.
    Service(String),
    /// `{"Federated": ...}`.
    Federated(String),
    /// `{"CanonicalUser": ...}`: an S3 canonical ID, which iamlog cannot resolve.
    CanonicalUser(String),
    /// A value that can name no principal (group ARN, partial wildcard, unique ID...).
    Invalid(String),
}

/// How a Principal entry matched the caller: the grant rules of spec §5 depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalMatch {
    /// Through the caller's account.
    ViaAccount,
    /// Through the role of a session (or the IAM user of a federated session).
    ViaRole,
    /// The caller itself (or `*`).
    Direct,
}

impl PrincipalEntry {
    /// Classifies an `AWS` principal value.
    pub fn aws(text: &str) -> PrincipalEntry {
        if text == "*" {
            return PrincipalEntry::Everyone;
        }
        if is_account_id(text) {
            return PrincipalEntry::Account(text.to_string());
        }
        if text.contains(['*', '?']) {
            return PrincipalEntry::Invalid(text.to_string());
        }
        match Arn::parse(text) {
            Some(arn) if is_account_id(arn.account) => {
                let kind = arn.resource.split('/').next().unwrap_or("");
                match (arn.service, kind) {
                    ("iam", "root") if arn.resource == "root" => {
                        PrincipalEntry::Account(arn.account.to_string())
                    }
                    ("iam", "user" | "role") | ("sts", "assumed-role" | "federated-user") => {
                        PrincipalEntry::Arn(text.to_string())
                    }
                    _ => PrincipalEntry::Invalid(text.to_string()),
                }
            }
            _ => PrincipalEntry::Invalid(text.to_string()),
        }
    }

    /// How this entry names `caller`, if it does.
    pub fn matches(&self, caller: &Caller) -> Option<PrincipalMatch> {
        use PrincipalMatch::*;
        match (self, caller) {
            (PrincipalEntry::Everyone, _) => Some(Direct),
            (PrincipalEntry::Account(a), Caller::Root { account }) => {
                (a == account).then_some(Direct)
            }
            (PrincipalEntry::Account(a), c) if c.is_iam_identity() => {
                (Some(a.as_str()) == c.account()).then_some(ViaAccount)
            }
            (PrincipalEntry::Arn(arn), Caller::User { arn: u, .. }) => (arn == u).then_some(Direct),
            (
                PrincipalEntry::Arn(arn),
                Caller::FederatedUser {
                    arn: f, account, ..
                },
            ) => {
                if arn == f {
                    Some(Direct)
                } else {
                    // The IAM user who called GetFederationToken is not in the session ARN;
                    // without the model it cannot be checked.
                    let _ = account;
                    None
                }
            }
            (
                PrincipalEntry::Arn(arn),
                Caller::Role {
                    arn: caller_arn,
                    account,
                    name,
                    session,
                },
            ) => {
                if arn == caller_arn {
                    return Some(if session.is_some() { Direct } else { ViaRole });
                }
                let entry = Arn::parse(arn)?;
                let role = entry.resource.strip_prefix("role/")?;
                let role_name = role.rsplit('/').next()?;
                (entry.service == "iam" && entry.account == account && role_name == name)
                    .then_some(ViaRole)
            }
            (PrincipalEntry::Service(s), Caller::Service(c)) => (s == c).then_some(Direct),
            (PrincipalEntry::Federated(p), Caller::Federated(c)) => (p == c).then_some(Direct),
            _ => None,
        }
    }
}

impl fmt::Display for PrincipalEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrincipalEntry::Everyone => f.write_str("*"),
            PrincipalEntry::Account(a) => write!(f, "arn:aws:iam::{a}:root"),
            PrincipalEntry::Arn(s)
            | PrincipalEntry::Invalid(s)
            | PrincipalEntry::CanonicalUser(s) => f.write_str(s),
            PrincipalEntry::Service(s) => write!(f, "Service:{s}"),
            PrincipalEntry::Federated(s) => write!(f, "Federated:{s}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PrincipalMatch::*;

    const A: &str = "111111111111";

    fn caller(s: &str) -> Caller {
        Caller::parse(s).unwrap()
    }

    #[test]
    fn callers_parse() {
        assert_eq!(caller(A), Caller::Root { account: A.into() });
        assert!(matches!(
            caller("arn:aws:iam::111111111111:root"),
            Caller::Root { .. }
        ));
        assert!(matches!(
            caller("arn:aws:sts::111111111111:assumed-role/R/s"),
            Caller::Role {
                session: Some(_),
                ..
            }
        ));
        assert!(matches!(caller("ec2.amazonaws.com"), Caller::Service(_)));
        assert!(Caller::parse("arn:aws:iam::111111111111:group/G").is_err());
        assert!(Caller::parse("bob").is_err());
    }

    #[test]
    fn account_entries_match_root_directly_and_others_via_account() {
        let entry = PrincipalEntry::aws("arn:aws:iam::111111111111:root");
        assert_eq!(entry, PrincipalEntry::aws(A));
        assert_eq!(entry.matches(&caller(A)), Some(Direct));
        assert_eq!(
            entry.matches(&caller("arn:aws:iam::111111111111:user/alice")),
            Some(ViaAccount)
        );
        assert_eq!(entry.matches(&Caller::Anonymous), None);
        assert_eq!(
            entry.matches(&caller("arn:aws:iam::222222222222:user/bob")),
            None
        );
    }

    #[test]
    fn role_entries_match_sessions_via_role_ignoring_path() {
        let entry = PrincipalEntry::aws("arn:aws:iam::111111111111:role/team/R1");
        let session = caller("arn:aws:sts::111111111111:assumed-role/R1/x");
        assert_eq!(entry.matches(&session), Some(ViaRole));
        let exact = PrincipalEntry::aws("arn:aws:sts::111111111111:assumed-role/R1/x");
        assert_eq!(exact.matches(&session), Some(Direct));
        let other = PrincipalEntry::aws("arn:aws:sts::111111111111:assumed-role/R1/y");
        assert_eq!(other.matches(&session), None);
    }

    #[test]
    fn user_arns_compare_case_sensitively() {
        let entry = PrincipalEntry::aws("arn:aws:iam::111111111111:user/Alice");
        assert_eq!(
            entry.matches(&caller("arn:aws:iam::111111111111:user/alice")),
            None
        );
    }

    #[test]
    fn invalid_entries_match_nothing() {
        for text in [
            "arn:aws:iam::111111111111:group/G",
            "arn:aws:iam::*:root",
            "arn:aws:sts::111111111111:assumed-role/R/*",
            "AIDAEXAMPLE",
        ] {
            let entry = PrincipalEntry::aws(text);
            assert!(matches!(entry, PrincipalEntry::Invalid(_)), "{text}");
            assert_eq!(entry.matches(&caller(A)), None);
        }
    }
}
