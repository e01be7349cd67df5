//! Listing and searching (RFC 7644 §3.4.2, §3.4.3): filter, sort, paginate, project, answer
//! a ListResponse.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::error::{ScimError, ScimType};
use super::faults::Fault;
use super::filter_faults;
use super::kind::Kind;
use super::projection::Projection;
use super::query::ListQuery;
use super::respond;
use super::state::AppState;
use super::store::{unique_attributes, unique_key, Record, Store};
use super::{ServerConfig, Variant};
use crate::scim::attr_path::AttrPath;
use crate::scim::filter::eval::parse_datetime;
use crate::scim::filter::{self, CompValue, CompareOp, Filter};
use crate::scim::pointer::get_key;
use crate::scim::schema::{AttrType, Container, ResourceSchema, Returned};
use crate::scim::urn;

/// The largest page (advertised as `filter.maxResults`); larger `count`s are capped.
pub const MAX_RESULTS: usize = 200;

/// The most attribute expressions one filter may hold; more answers 400 `tooMany`.
pub const MAX_FILTER_EXPRESSIONS: usize = 50;

/// The operators the `filter-eq-only` variant evaluates.
const EQ_ONLY: [&str; 2] = ["eq", "and"];

/// The largest page this server answers: [`MAX_RESULTS`], or fewer under the `small-pages`
/// variant (RFC 7644 §3.4.2.4 L1361-1370: the server "MAY return fewer results").
pub fn max_results(cfg: &ServerConfig) -> usize {
    if cfg.varies(super::Variant::SmallPages) {
        super::variants::SMALL_PAGE
    } else {
        MAX_RESULTS
    }
}

/// How a request reached the list: a GET (query in the URL) or a POST `.search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Get,
    Search,
}

/// A matching resource and its type.
type Hit = (Kind, Arc<Record>);

/// Answers a list or search over `kinds`.
pub fn list(
    state: &AppState,
    kinds: &[Kind],
    q: &ListQuery,
    via: Via,
) -> Result<Response, ScimError> {
    let cfg = state.config();
    let filter = parse_filter(kinds, q, via, cfg)?;
    let filter = filter.map(|f| with_filter_faults(f, cfg));
    let schema_with_faults = |kind: Kind| -> std::borrow::Cow<'static, ResourceSchema> {
        if cfg.has(Fault::EqCaseSensitive) {
            let mut s = kind.schema().clone();
            s.core
                .attributes
                .iter_mut()
                .filter(|a| a.name == "userName")
                .for_each(|a| a.case_exact = true);
            std::borrow::Cow::Owned(s)
        } else {
            std::borrow::Cow::Borrowed(kind.schema())
        }
    };
    let schema_for_eval = |kind: Kind| -> std::borrow::Cow<'static, ResourceSchema> {
        filter_faults::eval_schema(schema_with_faults(kind), filter.as_ref(), cfg)
    };
    let mut hits: Vec<Hit> = Vec::new();
    {
        let store = state.read();
        for &kind in kinds {
            let schema = schema_for_eval(kind);
            let valid_here = filter
                .as_ref()
                .is_none_or(|f| kinds.len() == 1 || f.validate(kind.schema()).is_ok());
            if !valid_here {
                continue;
            }
            let candidates = indexed_candidates(&store, kind, filter.as_ref(), cfg)
                .unwrap_or_else(|| store.table(kind).in_order());
            for record in candidates {
                if super::resources::hidden(&record, cfg) {
                    continue;
                }
                if filter
                    .as_ref()
                    .is_none_or(|f| f.matches(&record.resource, &schema))
                {
                    hits.push((kind, record));
                }
            }
        }
    }
    sort(&mut hits, q, cfg);
    let total = hits.len();
    if total == 0 && cfg.has(Fault::ZeroResults404) {
        return Err(ScimError::not_found("no resources match"));
    }
    let start = q.start_index.unwrap_or(1).max(1) as usize;
    if start > 1 && start > total && cfg.has(Fault::PagingPastEndError) {
        return Err(ScimError::invalid_value(format!(
            "startIndex {start} is past the last of {total} results"
        )));
    }
    let shown_start = match q.start_index {
        None if cfg.has(Fault::StartIndexDefaultZero) => 0,
        _ => start,
    };
    let skip =
        if cfg.has(Fault::StartIndexZeroBased) || (cfg.has(Fault::PageDropsItem) && start > 1) {
            start
        } else {
            start - 1
        };
    let max_results = max_results(cfg);
    let count = match q.count {
        Some(c) if !cfg.has(Fault::CountIgnored) => (c.max(0) as usize).min(max_results),
        _ => max_results,
    };
    let skip =
        if cfg.has(Fault::LastPageRepeats) && skip > 0 && skip < total && skip + count > total {
            total.saturating_sub(count)
        } else {
            skip
        };
    let shown_start = if cfg.has(Fault::StartIndexNotEchoed) && count > 0 {
        (start - 1) / count + 1
    } else {
        shown_start
    };
    let page: Vec<&Hit> = hits.iter().skip(skip).take(count).collect();
    let projections: Vec<(Kind, Projection)> = kinds
        .iter()
        .map(|&k| {
            (
                k,
                Projection::parse(
                    k.schema(),
                    q.attributes.as_deref(),
                    q.excluded_attributes.as_deref(),
                    cfg,
                ),
            )
        })
        .collect();
    let mut bodies: Vec<Bytes> = Vec::with_capacity(page.len());
    for (kind, record) in &page {
        let Some((_, projection)) = projections.iter().find(|(k, _)| k == kind) else {
            continue;
        };
        if projection.is_default() {
            bodies.push(record.body.clone());
        } else {
            let shown = projection.apply(&record.resource, kind.schema(), cfg);
            bodies.push(Bytes::from(serde_json::to_vec(&shown).unwrap_or_default()));
        }
    }
    let reported_total = if cfg.has(Fault::TotalResultsPageOnly) {
        page.len()
    } else {
        total
    };
    let status = if via == Via::Search && cfg.has(Fault::SearchReturns201) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let items_per_page = match q.count {
        Some(asked) if cfg.has(Fault::ItemsPerPageRequested) => asked.max(0) as usize,
        _ => bodies.len(),
    };
    Ok(respond::bytes(
        status,
        list_body(reported_total, shown_start, items_per_page, &bodies, cfg),
    ))
}

/// The only possible matches of an equality filter on `id` or a unique attribute (Entra's
/// `userName eq "…"` and `displayName eq "…"`), found through the index instead of a scan.
fn indexed_candidates(
    store: &Store,
    kind: Kind,
    filter: Option<&Filter>,
    cfg: &ServerConfig,
) -> Option<Vec<Arc<Record>>> {
    let Some(Filter::Compare {
        path,
        op: CompareOp::Eq,
        value: CompValue::String(wanted),
    }) = filter
    else {
        return None;
    };
    if cfg.fault.is_some() || path.sub_attr.is_some() {
        return None;
    }
    let resolved = kind.schema().resolve(path)?;
    if resolved.container != Container::Core {
        return None;
    }
    let table = store.table(kind);
    if resolved.attr.name == "id" {
        return Some(table.get(wanted).cloned().into_iter().collect());
    }
    let (name, case_exact) = unique_attributes(kind).find(|(n, _)| *n == resolved.attr.name)?;
    let owner = table.unique_owner(name, &unique_key(wanted, case_exact));
    Some(
        owner
            .and_then(|id| table.get(id))
            .cloned()
            .into_iter()
            .collect(),
    )
}

/// A ListResponse assembled from pre-serialized resources; `items_per_page` is their number
/// (RFC 7644 §3.4.2 L836-838) unless a fault says otherwise.
pub fn list_body(
    total: usize,
    start: usize,
    items_per_page: usize,
    resources: &[Bytes],
    cfg: &ServerConfig,
) -> Bytes {
    let mut out =
        Vec::with_capacity(96 + resources.iter().map(Bytes::len).sum::<usize>() + resources.len());
    out.extend_from_slice(b"{");
    if !cfg.has(Fault::ListSchemaMissing) {
        out.extend_from_slice(format!("\"schemas\":[\"{}\"],", urn::LIST_RESPONSE).as_bytes());
    }
    out.extend_from_slice(
        format!(
            "\"totalResults\":{total},\"itemsPerPage\":{items_per_page},\"startIndex\":{start},\"Resources\":["
        )
        .as_bytes(),
    );
    for (i, r) in resources.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(r);
    }
    out.extend_from_slice(b"]}");
    Bytes::from(out)
}

/// Parses and checks the filter: 400 `invalidFilter`, `tooMany`, or 403 `sensitive` for a
/// never-returned attribute in a URL (RFC 7644 §7.5.2).
fn parse_filter(
    kinds: &[Kind],
    q: &ListQuery,
    via: Via,
    cfg: &ServerConfig,
) -> Result<Option<Filter>, ScimError> {
    let Some(text) = q.filter.as_deref().filter(|t| !t.trim().is_empty()) else {
        return Ok(None);
    };
    if cfg.has(Fault::FilterIgnored) {
        return Ok(None);
    }
    if cfg.varies(Variant::NoFilter) {
        return Err(ScimError::invalid_filter(
            "filtering is not supported (ServiceProviderConfig filter.supported is false)",
        ));
    }
    let text = filter_faults::text(text, cfg)?;
    let parsed = match filter::parse(&text) {
        Ok(f) => f,
        Err(_) if cfg.has(Fault::InvalidFilterAccepted) => return Ok(None),
        Err(e) => return Err(ScimError::invalid_filter(e.to_string())),
    };
    if cfg.varies(Variant::FilterEqOnly) {
        if let Some(op) = parsed
            .operators()
            .into_iter()
            .find(|op| !EQ_ONLY.contains(op))
        {
            return Err(ScimError::invalid_filter(format!(
                "the operator '{op}' is not supported: the specified attribute and filter \
                 comparison combination is not supported (only eq and and are)"
            )));
        }
    }
    if parsed.expression_count() > MAX_FILTER_EXPRESSIONS {
        return Err(ScimError::bad_request(
            ScimType::TooMany,
            format!("the filter has more than {MAX_FILTER_EXPRESSIONS} expressions"),
        ));
    }
    let mut first_error = None;
    let valid_somewhere = kinds.iter().any(|k| match parsed.validate(k.schema()) {
        Ok(()) => true,
        Err(e) => {
            first_error.get_or_insert(e);
            false
        }
    });
    if !valid_somewhere && cfg.has(Fault::UnknownAttributeFilterAll) {
        return Ok(None);
    }
    if !valid_somewhere {
        let detail = first_error.map(|e| e.to_string()).unwrap_or_default();
        return Err(ScimError::invalid_filter(detail));
    }
    for path in parsed.attribute_paths() {
        let never = kinds
            .iter()
            .filter_map(|k| k.schema().resolve(&path))
            .any(|r| r.target().returned == Returned::Never);
        if never {
            let detail =
                format!("filtering on \"{path}\" would disclose a never-returned attribute");
            return Err(match via {
                Via::Get => ScimError::new(
                    StatusCode::FORBIDDEN,
                    Some(ScimType::Sensitive),
                    format!("{detail} in a URL"),
                ),
                Via::Search => ScimError::invalid_filter(detail),
            });
        }
    }
    filter_faults::parsed(parsed, kinds, cfg).map(Some)
}

/// Rewrites the filter to break the rule of the configured filter fault.
fn with_filter_faults(f: Filter, cfg: &ServerConfig) -> Filter {
    let rewrite = |f: Filter| with_filter_faults(f, cfg);
    match f {
        Filter::And(a, b) if cfg.has(Fault::AndAsOr) => {
            Filter::Or(Box::new(rewrite(*a)), Box::new(rewrite(*b)))
        }
        Filter::And(a, b) => Filter::And(Box::new(rewrite(*a)), Box::new(rewrite(*b))),
        Filter::Or(a, b) => Filter::Or(Box::new(rewrite(*a)), Box::new(rewrite(*b))),
        Filter::Not(inner) if cfg.has(Fault::NotIgnored) => rewrite(*inner),
        Filter::Not(inner) => Filter::Not(Box::new(rewrite(*inner))),
        Filter::Compare {
            path,
            op: CompareOp::Co,
            value,
        } if cfg.has(Fault::CoAsEq) => Filter::Compare {
            path,
            op: CompareOp::Eq,
            value,
        },
        Filter::Present(p) if cfg.has(Fault::PrMatchesUnassigned) => Filter::Or(
            Box::new(Filter::Present(p.clone())),
            Box::new(Filter::Not(Box::new(Filter::Present(p)))),
        ),
        Filter::ValuePath { attr, filter } => Filter::ValuePath {
            attr,
            filter: Box::new(rewrite(*filter)),
        },
        other => other,
    }
}

/// A value to sort by.
#[derive(Debug, Clone, PartialEq)]
enum SortKey {
    Text(String),
    Number(f64),
    Bool(bool),
}

fn cmp_keys(a: &SortKey, b: &SortKey) -> Ordering {
    match (a, b) {
        (SortKey::Text(x), SortKey::Text(y)) => x.cmp(y),
        (SortKey::Number(x), SortKey::Number(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (SortKey::Bool(x), SortKey::Bool(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// RFC 7644 §3.4.2.3: by the attribute's type and case rule, primary (or first) value of a
/// multi-valued attribute, missing values last when ascending and first when descending.
fn sort(hits: &mut [Hit], q: &ListQuery, cfg: &ServerConfig) {
    let Some(sort_by) = q.sort_by.as_deref().filter(|s| !s.trim().is_empty()) else {
        return;
    };
    if cfg.has(Fault::SortByIgnored) {
        return;
    }
    let Ok(path) = AttrPath::parse(sort_by.trim()) else {
        return;
    };
    let descending = !cfg.has(Fault::SortOrderIgnored)
        && q.sort_order
            .as_deref()
            .is_some_and(|o| o.trim().eq_ignore_ascii_case("descending"));
    let mut keyed: Vec<(Option<SortKey>, Hit)> = hits
        .iter()
        .map(|(k, r)| {
            (
                sort_key(&r.resource, k.schema(), &path),
                (*k, Arc::clone(r)),
            )
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(x), Some(y)) => {
            let o = cmp_keys(x, y);
            if descending {
                o.reverse()
            } else {
                o
            }
        }
        (Some(_), None) => {
            if descending {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (None, Some(_)) => {
            if descending {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (None, None) => Ordering::Equal,
    });
    for (slot, (_, item)) in hits.iter_mut().zip(keyed) {
        *slot = item;
    }
}

fn sort_key(resource: &Value, schema: &ResourceSchema, path: &AttrPath) -> Option<SortKey> {
    let resolved = schema.resolve(path)?;
    let holder = match resolved.container {
        Container::Core => resource.as_object()?,
        Container::Extension(urn) => get_key(resource.as_object()?, urn)?.as_object()?,
    };
    let mut value = holder.get(&resolved.attr.name)?;
    if let Value::Array(items) = value {
        value = items
            .iter()
            .find(|v| super::input::is_primary(v))
            .or_else(|| items.first())?;
    }
    let target = resolved.target();
    if resolved.attr.is_complex() {
        let sub = resolved.sub.map_or("value", |s| s.name.as_str());
        value = value.get(sub)?;
    }
    match value {
        Value::String(s) => {
            if target.attr_type == AttrType::DateTime {
                if let Some(t) = parse_datetime(s) {
                    return Some(SortKey::Number(t.timestamp_micros() as f64));
                }
            }
            let case_exact = if resolved.attr.is_complex() && resolved.sub.is_none() {
                resolved
                    .attr
                    .sub_attribute("value")
                    .is_some_and(|d| d.case_exact)
            } else {
                target.case_exact
            };
            Some(SortKey::Text(if case_exact {
                s.clone()
            } else {
                s.to_lowercase()
            }))
        }
        Value::Number(n) => n.as_f64().map(SortKey::Number),
        Value::Bool(b) => Some(SortKey::Bool(*b)),
        _ => None,
    }
}
