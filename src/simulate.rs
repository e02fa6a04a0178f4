//! Self-contained request cases in the differential oracle's format (`iamlog simulate`).
//!
//! A case carries its request and every policy inline; see `shared/tools/oracle/README.md`.
//! As in the oracle, nothing is added to the context, and `RCPFullAWSAccess` is attached to
//! every RCP level.

use crate::policy::{
    decide, Caller, Context, ContextValue, Decision, Policy, PolicyKind, PolicySet, Request,
};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// The result of one case, in the oracle's vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseResult {
    /// The case's `id`.
    pub id: Value,
    /// `Allowed`, `ExplicitlyDenied`, `ImplicitlyDenied`, or null if the case was rejected.
    pub decision: Option<&'static str>,
    /// Why the case was rejected.
    pub error: Option<String>,
    /// What the decision could not see (see [`crate::undecided`]); omitted when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<String>,
    /// The full decision, with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Decision>,
}

/// Reads the cases of a file: an array, `{"cases": [...]}`, or one case.
pub fn cases(value: &Value) -> Result<Vec<&Value>, String> {
    match value {
        Value::Array(items) => Ok(items.iter().collect()),
        Value::Object(map) => match map.get("cases") {
            Some(Value::Array(items)) => Ok(items.iter().collect()),
            Some(_) => Err("\"cases\" must be an array".into()),
            None => Ok(vec![value]),
        },
        _ => Err("expected an array of cases or {\"cases\": [...]}".into()),
    }
}

/// Runs one case; a case that cannot be read gives `error` instead of a decision.
pub fn run(case: &Value, index: usize, explain: bool) -> CaseResult {
    let id = case.get("id").cloned().unwrap_or(Value::Null);
    match read_case(case, index) {
        Ok((request, policies)) => {
            let decision = decide(&request, &policies);
            CaseResult {
                id,
                decision: Some(decision.outcome.oracle_name()),
                error: None,
                undecided: crate::undecided::reasons(&request, &policies),
                explain: explain.then_some(decision),
            }
        }
        Err(error) => CaseResult {
            id,
            decision: None,
            error: Some(error),
            undecided: Vec::new(),
            explain: None,
        },
    }
}

fn read_case(case: &Value, index: usize) -> Result<(Request, PolicySet), String> {
    let at = |p: &str| format!("/{index}{p}");
    let req = case
        .get("request")
        .ok_or_else(|| format!("{}: missing \"request\"", at("")))?;
    let text = |key: &str| -> Result<String, String> {
        match req.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err(format!(
                "{}: \"{key}\" must be a string",
                at(&format!("/request/{key}"))
            )),
        }
    };
    let caller = match req.get("principal") {
        Some(Value::String(s)) => {
            Caller::parse(s).map_err(|e| format!("{}: {e}", at("/request/principal")))?
        }
        Some(Value::Object(o)) if o.get("type").and_then(Value::as_str) == Some("Anonymous") => {
            Caller::Anonymous
        }
        _ => {
            return Err(format!(
                "{}: principal must be an ARN, a service principal or {{\"type\": \"Anonymous\"}}",
                at("/request/principal")
            ))
        }
    };
    let action = text("action")?;
    if !action.contains(':') {
        return Err(format!(
            "{}: action \"{action}\" is not \"service:Action\"",
            at("/request/action")
        ));
    }
    let resource = text("resource")?;
    let resource_account = match req.get("resourceAccount") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => {
            return Err(format!(
                "{}: must be a string",
                at("/request/resourceAccount")
            ))
        }
    };
    let mut context = Context::new();
    if let Some(ctx) = req.get("context") {
        let map = ctx
            .as_object()
            .ok_or_else(|| format!("{}: must be an object", at("/request/context")))?;
        for (key, value) in map {
            let scalar = |v: &Value| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            };
            let value = match value {
                Value::Array(items) => ContextValue::Multi(
                    items
                        .iter()
                        .map(scalar)
                        .collect::<Option<_>>()
                        .ok_or_else(|| {
                            format!(
                                "{}: values must be strings",
                                at(&format!("/request/context/{key}"))
                            )
                        })?,
                ),
                other => ContextValue::Single(scalar(other).ok_or_else(|| {
                    format!(
                        "{}: values must be strings",
                        at(&format!("/request/context/{key}"))
                    )
                })?),
            };
            context.insert(key, value);
        }
    }
    let wildcard_only = match req.get("wildcardOnlyAction") {
        Some(Value::Bool(b)) => *b,
        _ => crate::catalog::Catalog::bundled()
            .is_wildcard_only(&action)
            .unwrap_or(false),
    };
    let request = Request {
        caller,
        action,
        resource,
        resource_account,
        context,
        wildcard_only,
    };
    if request.owner().is_none() {
        return Err(format!(
            "{}: resourceAccount is required for \"{}\"",
            at("/request"),
            request.resource
        ));
    }

    let doc = |v: &Value, kind: PolicyKind, p: &str| -> Result<Policy, String> {
        Policy::from_json(v, kind)
            .into_evaluable()
            .map(|(policy, _)| policy)
            .map_err(|d| format!("{}{}: {}", at(p), d.pointer, d.message))
    };
    let docs = |key: &str, kind: PolicyKind| -> Result<Vec<Policy>, String> {
        match case.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| doc(v, kind, &format!("/{key}/{i}")))
                .collect(),
            Some(_) => Err(format!(
                "{}: must be an array of policies",
                at(&format!("/{key}"))
            )),
        }
    };
    let one = |key: &str, kind: PolicyKind| -> Result<Option<Policy>, String> {
        match case.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => doc(v, kind, &format!("/{key}")).map(Some),
        }
    };
    let chain = |key: &str, kind: PolicyKind| -> Result<Vec<Vec<Policy>>, String> {
        match case.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(levels)) => levels
                .iter()
                .enumerate()
                .map(|(l, level)| match level {
                    Value::Array(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| doc(v, kind, &format!("/{key}/{l}/{i}")))
                        .collect(),
                    _ => Err(format!(
                        "{}: each level must be an array of policies",
                        at(&format!("/{key}/{l}"))
                    )),
                })
                .collect(),
            Some(_) => Err(format!(
                "{}: must be an array of levels",
                at(&format!("/{key}"))
            )),
        }
    };
    let shared = |policies: Vec<Policy>| policies.into_iter().map(Arc::new).collect::<Vec<_>>();
    let levels = |chain: Vec<Vec<Policy>>| chain.into_iter().map(shared).collect::<Vec<_>>();
    let mut rcps = levels(chain("rcps", PolicyKind::Rcp)?);
    for level in &mut rcps {
        level.push(Arc::new(rcp_full_aws_access()));
    }
    let resource_kind = if is_trust(&request.action) {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    };
    let policies = PolicySet {
        identity: shared(docs("identityPolicies", PolicyKind::Identity)?),
        boundaries: shared(docs("permissionBoundaries", PolicyKind::Boundary)?),
        session: one("sessionPolicy", PolicyKind::Session)?,
        resource: one("resourcePolicy", resource_kind)?.map(Arc::new),
        scps: levels(chain("scps", PolicyKind::Scp)?),
        rcps,
        endpoints: match case.get("endpointPolicies") {
            None | Some(Value::Null) => None,
            Some(_) => Some(docs("endpointPolicies", PolicyKind::Endpoint)?),
        },
    };
    Ok((request, policies))
}

fn is_trust(action: &str) -> bool {
    action
        .to_ascii_lowercase()
        .strip_prefix("sts:")
        .is_some_and(|a| a.starts_with("assumerole"))
}

/// AWS's `RCPFullAWSAccess`, attached to every RCP level.
pub fn rcp_full_aws_access() -> Policy {
    let doc = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
    });
    Policy::from_json(&doc, PolicyKind::Rcp)
        .into_result()
        .expect("RCPFullAWSAccess is a valid RCP")
}
