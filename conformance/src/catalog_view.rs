//! What `hookcert catalog` shows: the vendors as the catalog profiles them (authentication,
//! success status, timeout, retries) and, for one vendor, its event types. The table is for a
//! person; [`json`] carries the same facts for scripts.

use crate::catalog::{self, CatalogError};
use hookcert_catalog::Catalog;
use hookcert_catalog::Vendor;
use hookcert_catalog::{AuthScheme, EnvelopeKind, Intervals, Retry, VendorProfile};
use serde_json::{Value, json};

/// Without a vendor, one row per vendor; with one, its row and then its event types, one a
/// line, each with the first line of its schema's description.
pub fn table(vendor: Option<&str>) -> Result<String, CatalogError> {
    let catalog = catalog::catalog()?;
    let vendors = selected(catalog, vendor)?;
    let mut rows = vec![
        [
            "vendor",
            "name",
            "events",
            "authentication",
            "success",
            "timeout",
            "retries",
        ]
        .map(str::to_owned),
    ];
    for v in &vendors {
        let p = &v.profile;
        rows.push([
            p.id.clone(),
            p.name.clone(),
            v.events.len().to_string(),
            authentication_summary(p),
            p.success.statuses.short().to_owned(),
            timeout_summary(p),
            retry_summary(&p.retry),
        ]);
    }
    let mut out = aligned(&rows);
    if let [one] = vendors.as_slice() {
        out.push('\n');
        let events: Vec<[String; 2]> = one
            .events
            .iter()
            .map(|e| {
                let about = first_line(&catalog.file(e.file).raw).unwrap_or_default();
                [e.name.clone(), about.to_owned()]
            })
            .collect();
        out.push_str(&format!("{} event types:\n", one.events.len()));
        for line in aligned(&events).lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}

/// The same facts as data: `{"vendors": [...]}`, one entry when a vendor is named.
pub fn json(vendor: Option<&str>) -> Result<Value, CatalogError> {
    let catalog = catalog::catalog()?;
    let vendors = selected(catalog, vendor)?;
    let mut entries: Vec<Value> = vendors.iter().map(|v| vendor_json(catalog, v)).collect();
    // One vendor: every constraint of its schemas too, each with its source.
    if let ([one], [entry]) = (vendors.as_slice(), entries.as_mut_slice()) {
        entry["constraints"] = Value::Array(constraints(catalog, one));
    }
    Ok(json!({ "vendors": entries }))
}

fn selected<'a>(
    catalog: &'a Catalog,
    vendor: Option<&str>,
) -> Result<Vec<&'a Vendor>, CatalogError> {
    match vendor {
        None => Ok(catalog.vendors.iter().collect()),
        Some(id) => Ok(vec![catalog::vendor(id)?]),
    }
}

fn vendor_json(catalog: &Catalog, v: &Vendor) -> Value {
    let p = &v.profile;
    let events: Vec<Value> = v
        .events
        .iter()
        .map(|e| {
            let file = catalog.file(e.file);
            json!({
                "type": e.name,
                "description": first_line(&file.raw),
                "schema": file.id,
            })
        })
        .collect();
    let auth = &p.authentication;
    let envelope = &p.envelope;
    let retry = &p.retry;
    json!({
        "id": p.id,
        "name": p.name,
        "source_document": p.source_document,
        "http": {
            "method": p.http.method.as_str(),
            "method_configurable": p.http.method_configurable,
            "content_type": p.http.content_type,
        },
        "events": events,
        "authentication": {
            "scheme": scheme_name(auth.scheme),
            "header": auth.header,
            "body_field": auth.body_field,
            "required": auth.required,
            "summary": authentication_summary(p),
        },
        "success": p.success.statuses.short(),
        "timeout_ms": p.timeout_ms,
        "timeout_documented": p.timeout_documented,
        "retry": {
            "documented": retry.documented,
            "max_retries": retry.max_retries,
            "intervals": retry.intervals.map(intervals_name),
            "interval_ms": retry.interval_ms,
            "attempt_pointer": retry.attempt_pointer,
            "pause_after_failures": retry.pause_after_failures,
            "summary": retry_summary(retry),
        },
        "envelope": {
            "kind": match envelope.kind {
                EnvelopeKind::Single => "single",
                EnvelopeKind::Batch => "batch",
            },
            "events_pointer": envelope.events_pointer,
            "type_pointer": envelope.type_pointer,
            "fixed_type": envelope.fixed_type,
            "identity": envelope.identity,
            "retry_may_differ": envelope.retry_may_differ,
        },
    })
}

/// Every constraint of the vendor's schema files, each with where it stands, what it says and
/// its source: `documented` (the document's words) or `observed` (read off its examples, with
/// the ERRATA entry that records the inference).
fn constraints(catalog: &Catalog, vendor: &Vendor) -> Vec<Value> {
    let mut out = Vec::new();
    for file in catalog
        .files
        .iter()
        .filter(|f| f.path.starts_with(&vendor.dir))
    {
        let mut stack = vec![&file.root];
        while let Some(schema) = stack.pop() {
            stack.extend(schema.properties.iter().map(|p| &p.schema));
            stack.extend(schema.items.as_deref());
            stack.extend(schema.defs.iter().map(|(_, s)| s));
            let at = format!("{}#{}", file.id, schema.pointer);
            let documented = |keyword: &str, value: Value| json!({"schema": at, "keyword": keyword, "value": value, "source": "documented"});
            let number = |n: &Option<serde_json::Number>| n.clone().map(Value::Number);
            let stated: [(&str, Option<Value>); 9] = [
                ("pattern", schema.pattern.clone().map(Value::from)),
                ("format", schema.format.map(|f| Value::from(f.name()))),
                ("enum", schema.enum_values.clone().map(Value::Array)),
                ("const", schema.const_value.clone()),
                ("minimum", number(&schema.minimum)),
                ("maximum", number(&schema.maximum)),
                ("minLength", schema.min_length.map(Value::from)),
                ("maxLength", schema.max_length.map(Value::from)),
                (
                    "required",
                    Some(Value::from(
                        schema
                            .properties
                            .iter()
                            .filter(|p| p.required)
                            .map(|p| p.name.clone())
                            .collect::<Vec<_>>(),
                    ))
                    .filter(|v| v.as_array().is_some_and(|a| !a.is_empty())),
                ),
            ];
            out.extend(
                stated
                    .into_iter()
                    .filter_map(|(k, v)| v.map(|v| documented(k, v))),
            );
            if let Some(o) = &schema.observed {
                let title = vendor
                    .errata
                    .iter()
                    .find(|e| e.number == o.errata)
                    .map(|e| e.title.clone());
                let observed: [(&str, Option<Value>); 8] = [
                    ("pattern", o.pattern.clone().map(Value::from)),
                    ("format", o.format.map(|f| Value::from(f.name()))),
                    ("enum", o.enum_values.clone().map(Value::Array)),
                    ("minimum", number(&o.minimum)),
                    ("maximum", number(&o.maximum)),
                    ("minLength", o.min_length.map(Value::from)),
                    ("maxLength", o.max_length.map(Value::from)),
                    (
                        "required",
                        Some(Value::from(o.required.clone()))
                            .filter(|v| v.as_array().is_some_and(|a| !a.is_empty())),
                    ),
                ];
                for (keyword, value) in observed {
                    if let Some(value) = value {
                        out.push(json!({
                            "schema": at, "keyword": keyword, "value": value,
                            "source": "observed", "errata": o.errata, "errata_title": title,
                        }));
                    }
                }
            }
        }
    }
    out
}

/// The scheme as `vendor.json` spells it.
pub(crate) fn scheme_name(scheme: AuthScheme) -> &'static str {
    match scheme {
        AuthScheme::HmacSha256Hex => "hmac-sha256-hex",
        AuthScheme::RsaSha256Pkcs1v15Base64 => "rsa-sha256-pkcs1v15-base64",
        AuthScheme::BodySecret => "body-secret",
        AuthScheme::HandshakeKey => "handshake-key",
        AuthScheme::CustomHeaders => "custom-headers",
    }
}

/// The intervals as `vendor.json` spells them.
fn intervals_name(intervals: Intervals) -> &'static str {
    match intervals {
        Intervals::Increasing => "increasing",
        Intervals::Fixed => "fixed",
    }
}

/// `X-Signature: HMAC-SHA256 hex`, `body field secret`, `headers you configure (optional)`.
pub fn authentication_summary(profile: &VendorProfile) -> String {
    let auth = &profile.authentication;
    let header = auth.header.as_deref().unwrap_or("a header");
    let field = auth
        .body_field
        .as_deref()
        .map_or("a field", |f| f.trim_start_matches('/'));
    let summary = match auth.scheme {
        AuthScheme::HmacSha256Hex => format!("{header}: HMAC-SHA256 hex"),
        AuthScheme::RsaSha256Pkcs1v15Base64 => format!("{header}: RSA-SHA256 base64"),
        AuthScheme::BodySecret | AuthScheme::HandshakeKey => format!("body field {field}"),
        AuthScheme::CustomHeaders => "headers you configure".to_owned(),
    };
    if auth.required {
        summary
    } else {
        format!("{summary} (optional)")
    }
}

/// `10 s`, `10 s (undocumented)` where the catalog had to assume one.
pub fn timeout_summary(profile: &VendorProfile) -> String {
    let ms = profile.timeout_ms;
    let shown = if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    };
    if profile.timeout_documented {
        shown
    } else {
        format!("{shown} (undocumented)")
    }
}

/// `3, increasing`, `3, a minute apart`, `none`, `undocumented`.
pub fn retry_summary(retry: &Retry) -> String {
    if !retry.documented && retry.max_retries == 0 {
        return "undocumented".to_owned();
    }
    let mut summary = if retry.max_retries == 0 {
        "none".to_owned()
    } else {
        let mut s = retry.max_retries.to_string();
        match (retry.intervals, retry.interval_ms) {
            (Some(Intervals::Increasing), _) => s.push_str(", increasing"),
            (_, Some(ms)) => {
                s.push_str(", ");
                s.push_str(&spacing(ms));
                s.push_str(" apart");
            }
            _ => {}
        }
        s
    };
    if let Some(n) = retry.pause_after_failures {
        summary.push_str(&format!(" (endpoint paused after {n} failures)"));
    }
    if !retry.documented {
        summary.push_str(" (undocumented)");
    }
    summary
}

/// A fixed interval as a person would say it: `a minute`, `2 minutes`, `30 s`.
fn spacing(ms: u64) -> String {
    match ms {
        60_000 => "a minute".to_owned(),
        1000 => "a second".to_owned(),
        _ if ms % 60_000 == 0 => format!("{} minutes", ms / 60_000),
        _ if ms % 1000 == 0 => format!("{} s", ms / 1000),
        _ => format!("{ms} ms"),
    }
}

fn first_line(schema: &Value) -> Option<&str> {
    schema
        .get("description")
        .and_then(Value::as_str)
        .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
}

/// Columns padded to their widest cell, two spaces apart, no trailing blanks.
fn aligned<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', w - cell.chars().count()));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_row_per_vendor_with_the_contract_s_facts() {
        let table = table(None).expect("the catalog loads");
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 6, "{table}");
        let row = |id: &str| {
            *lines
                .iter()
                .find(|l| l.starts_with(&format!("{id} ")))
                .unwrap_or_else(|| panic!("no row for {id} in\n{table}"))
        };
        for (id, parts) in [
            (
                "spotio",
                &[
                    "SPOTIO",
                    " 10 ",
                    "X-Signature: HMAC-SHA256 hex",
                    " 200 ",
                    "10 s",
                    "3, increasing",
                ][..],
            ),
            (
                "breakcold",
                &[
                    "Breakcold",
                    " 34 ",
                    "body field secret",
                    "2xx",
                    "10 s (undocumented)",
                    "none",
                ],
            ),
            (
                "clinchpad",
                &[
                    " 33 ",
                    "body field handshake_key (optional)",
                    "undocumented",
                ],
            ),
            (
                "zoho-salesiq",
                &[
                    " 16 ",
                    "x-siqsignature: RSA-SHA256 base64",
                    "5 s",
                    "3, a minute apart",
                ],
            ),
            (
                "tomba",
                &[
                    " 1 ",
                    "headers you configure (optional)",
                    "5 s (undocumented)",
                ],
            ),
        ] {
            for part in parts {
                assert!(
                    row(id).contains(part),
                    "{part:?} missing from {:?}",
                    row(id)
                );
            }
        }
        // Aligned: every row's authentication column starts at the same place.
        let at = |line: &str, what: &str| line.find(what);
        assert_eq!(
            at(row("spotio"), "X-Signature"),
            at(row("tomba"), "headers you configure")
        );
    }

    #[test]
    fn one_vendor_lists_its_events_with_descriptions() {
        let table = table(Some("spotio")).expect("spotio is known");
        assert!(table.contains("10 event types:"), "{table}");
        let line = table
            .lines()
            .find(|l| l.trim_start().starts_with("lead.added "))
            .expect("a line for lead.added");
        assert!(line.ends_with("when lead is added"), "{line}");
        assert_eq!(table.lines().filter(|l| l.starts_with("  ")).count(), 10);
    }

    #[test]
    fn an_unknown_vendor_names_the_known_ones() {
        let err = table(Some("hubspot"))
            .expect_err("no such vendor")
            .to_string();
        assert!(err.starts_with("unknown vendor \"hubspot\""), "{err}");
        assert!(err.contains("spotio") && err.contains("tomba"), "{err}");
        assert_eq!(
            json(Some("hubspot"))
                .expect_err("no such vendor")
                .to_string(),
            err
        );
    }

    #[test]
    fn the_json_carries_the_same_facts() {
        let all = json(None).expect("the catalog loads");
        let vendors = all["vendors"].as_array().expect("a list");
        assert_eq!(vendors.len(), 5);
        let events: usize = vendors
            .iter()
            .map(|v| v["events"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(events, 94);

        let one = json(Some("zoho-salesiq")).expect("known");
        let v = &one["vendors"][0];
        assert_eq!(one["vendors"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["id"], "zoho-salesiq");
        assert_eq!(v["authentication"]["scheme"], "rsa-sha256-pkcs1v15-base64");
        assert_eq!(v["authentication"]["header"], "x-siqsignature");
        assert_eq!(v["success"], "2xx");
        assert_eq!(v["timeout_ms"], 5000);
        assert_eq!(v["retry"]["max_retries"], 3);
        assert_eq!(v["retry"]["interval_ms"], 60000);
        assert_eq!(v["retry"]["attempt_pointer"], "/attempt");
        assert_eq!(v["envelope"]["kind"], "single");
        assert_eq!(v["envelope"]["type_pointer"], "/event");
        assert_eq!(v["events"].as_array().map(Vec::len), Some(16));
        assert!(v["events"][0]["type"].is_string());
    }
}
