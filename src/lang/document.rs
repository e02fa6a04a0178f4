//! Policy bodies as documents: statements, `json { ... }` blocks and `file("...")` documents
//! become IAM JSON, which is read with [`Policy::from_json`] like any JSON source. Its
//! diagnostics are placed back on the text through the spans recorded for each JSON pointer.

use super::ast::{self, Json, JsonValue, Span};
use super::desugar::Desugarer;
use super::statement::Scope;
use crate::diag::{Diagnostic, Severity};
use crate::json::pointer_token;
use crate::model::{Document, Origin, SourceFile, TextOrigin};
use crate::policy::{Policy, PolicyKind};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The policy language version every generated document declares.
pub const VERSION: &str = "2012-10-17";

/// Byte ranges of the parts of a generated document, by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct Spans(Vec<(String, Span)>);

impl Spans {
    /// Records that the element at `pointer` was written at `span`.
    pub fn add(&mut self, pointer: &str, span: Span) {
        self.0.push((pointer.to_string(), span));
    }

    /// The span of the element at `pointer`, or of its nearest recorded ancestor.
    pub fn find(&self, pointer: &str) -> Option<Span> {
        self.0
            .iter()
            .filter(|(p, _)| {
                pointer == p
                    || (pointer.starts_with(p.as_str()) && pointer[p.len()..].starts_with('/'))
            })
            .max_by_key(|(p, _)| p.len())
            .map(|(_, s)| s.clone())
    }
}

/// A document generated from text, before it is read.
pub struct Written {
    /// The IAM JSON.
    pub json: Value,
    /// Where its parts were written.
    pub spans: Spans,
    /// The span of each statement, by index.
    pub statements: Vec<Span>,
    /// The whole construct.
    pub span: Span,
}

impl Written {
    /// A document of statements: `{"Version": "2012-10-17", "Statement": [...]}`.
    pub fn of_statements(statements: Vec<(Value, Span)>, spans: Spans, span: Span) -> Written {
        let (values, places): (Vec<Value>, Vec<Span>) = statements.into_iter().unzip();
        let mut object = Map::new();
        object.insert("Version".into(), Value::String(VERSION.into()));
        object.insert("Statement".into(), Value::Array(values));
        Written {
            json: Value::Object(object),
            spans,
            statements: places,
            span,
        }
    }
}

impl Desugarer<'_> {
    /// The document a body means, read as `scope.kind`; `None` if it cannot be read at all
    /// (the reason is reported).
    pub fn document(&mut self, body: &ast::Body, scope: &Scope<'_>) -> Option<Document> {
        match body {
            ast::Body::Statements(list, span) => {
                let mut spans = Spans::default();
                let statements = list
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let json =
                            self.statement_json(s, scope, &format!("/Statement/{i}"), &mut spans);
                        (json, s.span.clone())
                    })
                    .collect();
                let written = Written::of_statements(statements, spans, span.clone());
                self.read(written, scope.kind)
            }
            ast::Body::Json(json) => {
                let mut spans = Spans::default();
                let value = self.json_value(json, "", &mut spans);
                let statements = match value.get("Statement") {
                    Some(Value::Array(items)) => (0..items.len())
                        .map(|i| {
                            spans
                                .find(&format!("/Statement/{i}"))
                                .unwrap_or_else(|| json.span.clone())
                        })
                        .collect(),
                    Some(_) => vec![spans
                        .find("/Statement")
                        .unwrap_or_else(|| json.span.clone())],
                    None => Vec::new(),
                };
                let written = Written {
                    json: value,
                    spans,
                    statements,
                    span: json.span.clone(),
                };
                self.read(written, scope.kind)
            }
            ast::Body::File(path, span) => self.document_file(path, span, scope.kind),
        }
    }

    /// Reads generated JSON as a policy of `kind`, placing its diagnostics on the text.
    pub fn read(&mut self, written: Written, kind: PolicyKind) -> Option<Document> {
        let parsed = Policy::from_json(&written.json, kind);
        for d in parsed.diagnostics {
            let span = written
                .spans
                .find(&d.pointer)
                .unwrap_or_else(|| written.span.clone());
            let d = with_hint(d);
            self.push(d, span);
        }
        let policy = parsed.policy?;
        if !parsed.complete {
            self.error(
                "incomplete-document",
                written.span.clone(),
                "part of this policy could not be read; answers that involve it are incomplete",
            );
        }
        Some(Document {
            policy: Arc::new(policy),
            origin: Origin {
                file: Some(self.file),
                pointer: String::new(),
                text: Some(Arc::new(TextOrigin {
                    span: written.span,
                    statements: written.statements,
                    json: Some(written.json),
                })),
            },
        })
    }

    /// A `file("...")` document: read from the file (relative to the `.iam` file), which
    /// becomes a source of its own so that its diagnostics point into it.
    fn document_file(
        &mut self,
        path: &ast::Word,
        span: &Span,
        kind: PolicyKind,
    ) -> Option<Document> {
        let full = self.base.join(&path.text);
        let name = full.display().to_string();
        let index = match self.world.sources.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                let text = match crate::model::read_input(&full) {
                    Ok(t) => t,
                    Err(e) => {
                        self.error("unreadable-file", span.clone(), format!("cannot read {e}"));
                        return None;
                    }
                };
                self.world.sources.push(SourceFile {
                    name: name.clone(),
                    text: text.into(),
                });
                self.world.sources.len() - 1
            }
        };
        let text = self.world.sources[index].text.clone();
        let value = match crate::json::Json::parse(&text) {
            Ok(v) => v,
            Err(e) => {
                self.error(
                    "invalid-json",
                    span.clone(),
                    format!("{name} is not JSON: {e}"),
                );
                return None;
            }
        };
        let parsed = Policy::from_tree(&value, kind);
        for d in parsed.diagnostics {
            self.world.diagnostics.push(d.locate(&name, &text));
        }
        let policy = parsed.policy?;
        if !parsed.complete {
            self.error(
                "incomplete-document",
                span.clone(),
                format!("part of {name} could not be read; answers that involve it are incomplete"),
            );
        }
        Some(Document {
            policy: Arc::new(policy),
            origin: Origin::json(index, ""),
        })
    }

    /// A `json { ... }` value as serde_json, recording spans; duplicate keys are errors (IAM
    /// rejects them) and only the first is kept.
    pub fn json_value(&mut self, json: &Json, at: &str, spans: &mut Spans) -> Value {
        spans.add(at, json.span.clone());
        match &json.value {
            JsonValue::Object(members) => {
                let mut map = Map::new();
                for (key, value) in members {
                    if map.contains_key(&key.text) {
                        self.error(
                            "duplicate-key",
                            key.span.clone(),
                            format!(
                                "\"{}\" appears twice in this object; IAM rejects duplicate keys",
                                key.text
                            ),
                        );
                        continue;
                    }
                    let pointer = format!("{at}/{}", pointer_token(&key.text));
                    let v = self.json_value(value, &pointer, spans);
                    map.insert(key.text.clone(), v);
                }
                Value::Object(map)
            }
            JsonValue::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.json_value(item, &format!("{at}/{i}"), spans))
                    .collect(),
            ),
            JsonValue::String(s) => Value::String(s.clone()),
            JsonValue::Number(n) => match serde_json::from_str::<serde_json::Number>(n) {
                Ok(number) => Value::Number(number),
                Err(_) => {
                    self.error(
                        "bad-json",
                        json.span.clone(),
                        format!("`{n}` is not a JSON value: quote text (\"{n}\")"),
                    );
                    Value::Null
                }
            },
            JsonValue::Bool(b) => Value::Bool(*b),
            JsonValue::Null => Value::Null,
        }
    }

    /// Records a diagnostic at a span of the text.
    pub fn push(&mut self, d: Diagnostic, span: Span) {
        let located = super::located(&self.name, &self.text, d, span);
        self.world.diagnostics.push(located);
    }

    /// Records an error at a span.
    pub fn error(&mut self, code: &'static str, span: Span, message: impl Into<String>) {
        self.push(Diagnostic::error(code, "", message), span);
    }

    /// Records a warning at a span.
    pub fn warn(&mut self, code: &'static str, span: Span, message: impl Into<String>) {
        self.push(Diagnostic::warning(code, "", message), span);
    }
}

/// Adds what to write in the text language to the validator's messages that name JSON
/// elements a statement lacks or should not have.
fn with_hint(mut d: Diagnostic) -> Diagnostic {
    let hint = match d.code {
        "missing-resource" => Some("write `on RESOURCES` (`on *` for every resource)"),
        "missing-principal" => Some("write `to PRINCIPALS`"),
        "principal-not-allowed" => {
            Some("only resource policies, RCPs and trust policies name principals: drop `to ...`")
        }
        _ => None,
    };
    if let (Some(hint), Severity::Error) = (hint, d.severity) {
        d.message = format!("{} ({hint})", d.message);
    }
    d
}
