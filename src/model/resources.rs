//! Resource policies: a file format of our own that wraps what the AWS CLI prints.
//!
//! ```json
//! {"ResourcePolicies": [
//!   {"Arn": "arn:aws:s3:::logs", "Account": "111111111111", "Policy": {"Version": "2012-10-17", "Statement": []}},
//!   {"Arn": "arn:aws:kms:eu-west-1:111111111111:key/1234", "Policy": "{\"Version\": ...}"}
//! ]}
//! ```
//!
//! `Policy` is the document as an object or as the JSON string that `get-bucket-policy`,
//! `get-key-policy`, `get-queue-attributes`, `lambda get-policy` and `secretsmanager
//! get-resource-policy` return. `Account` is required when the ARN has no account (S3).

use super::{ResourcePolicy, SourceFile, World};
use crate::diag::Diagnostic;
use crate::json::Json;
use crate::policy::arn::Arn;
use crate::policy::document::kind_of;
use crate::policy::principal::is_account_id;
use crate::policy::PolicyKind;
use std::sync::Arc;

/// True if `value` is a resource-policy file.
pub fn looks_like(value: &Json<'_>) -> bool {
    value.get("ResourcePolicies").is_some()
}

/// Reads a resource-policy file into `world`.
pub fn load(name: &str, text: Arc<str>, value: &Json<'_>, world: &mut World) {
    let file = world.sources.len();
    world.sources.push(SourceFile {
        name: name.to_string(),
        text: text.clone(),
    });
    let mut diagnostics = Vec::new();
    let items = match value.get("ResourcePolicies") {
        Some(Json::Array(items)) => items.as_slice(),
        other => {
            let what = other.map_or("nothing", kind_of);
            diagnostics.push(Diagnostic::error(
                "expected-list",
                "/ResourcePolicies",
                format!("ResourcePolicies must be a list, not {what}"),
            ));
            &[]
        }
    };
    for key in value.as_object().into_iter().flat_map(|o| o.keys()) {
        if key != "ResourcePolicies" {
            diagnostics.push(Diagnostic::warning(
                "not-modelled",
                format!("/{key}"),
                format!("\"{key}\" is not part of a resource-policy file; it is ignored"),
            ));
        }
    }
    for (i, item) in items.iter().enumerate() {
        let at = format!("/ResourcePolicies/{i}");
        match read_item(item, &at, file, &mut diagnostics) {
            Some(rp) => world.add_resource_policy(rp),
            None => continue,
        }
    }
    world
        .diagnostics
        .extend(crate::diag::locate_all(diagnostics, name, &text));
}

fn read_item(
    item: &Json<'_>,
    at: &str,
    file: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ResourcePolicy> {
    let Some(map) = item.as_object() else {
        diagnostics.push(Diagnostic::error(
            "expected-object",
            at,
            format!(
                "a resource policy entry must be an object, not {}",
                kind_of(item)
            ),
        ));
        return None;
    };
    for key in map.keys() {
        if !["Arn", "Account", "Policy"].contains(&key) {
            diagnostics.push(Diagnostic::warning(
                "not-modelled",
                format!("{at}/{key}"),
                format!("\"{key}\" is not modelled and is ignored"),
            ));
        }
    }
    let Some(arn) = map.get("Arn").and_then(Json::as_str) else {
        diagnostics.push(Diagnostic::error(
            "missing-field",
            at,
            "the entry needs an \"Arn\" string",
        ));
        return None;
    };
    let Some(parsed) = Arn::parse(arn) else {
        diagnostics.push(Diagnostic::error(
            "bad-arn",
            format!("{at}/Arn"),
            format!("\"{arn}\" is not an ARN"),
        ));
        return None;
    };
    let account = match map.get("Account") {
        Some(Json::String(a)) if is_account_id(a) => a.to_string(),
        Some(other) => {
            diagnostics.push(Diagnostic::error(
                "bad-field",
                format!("{at}/Account"),
                format!("Account must be a 12-digit account ID, not {other}"),
            ));
            return None;
        }
        None if is_account_id(parsed.account) => parsed.account.to_string(),
        None => {
            diagnostics.push(Diagnostic::error(
                "missing-field",
                at,
                format!("\"{arn}\" names no account: give \"Account\" (the owner)"),
            ));
            return None;
        }
    };
    let pointer = format!("{at}/Policy");
    let decoded;
    let doc = match map.get("Policy") {
        Some(v @ Json::Object(_)) => v,
        Some(Json::String(s)) => match Json::parse(s) {
            Ok(v) => {
                decoded = v;
                &decoded
            }
            Err(e) => {
                diagnostics.push(Diagnostic::error(
                    "bad-document",
                    pointer,
                    format!("the Policy string is not JSON: {e}"),
                ));
                return None;
            }
        },
        _ => {
            diagnostics.push(Diagnostic::error(
                "missing-field",
                at,
                "the entry needs a \"Policy\" (object or JSON string)",
            ));
            return None;
        }
    };
    let held_in = map
        .get("Policy")
        .is_some_and(Json::is_string)
        .then_some("policy string");
    let document = super::read_document(
        doc,
        PolicyKind::Resource,
        file,
        pointer,
        held_in,
        diagnostics,
    )?;
    Some(ResourcePolicy {
        arn: arn.to_string(),
        account,
        document,
    })
}
