//! The variance catalogue, the dual of the fault catalogue: each variant makes the reference
//! server choose differently where the RFC lets a service provider choose, so the suite can
//! prove that it stays silent — no failure, warning or error — on every behaviour the RFC
//! allows. Variants combine (`scimspec serve --variant A --variant B`). Each cites the RFC
//! words that allow it.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use thiserror::Error;

/// `FromStr` error for a name that is not in [`Variant::all`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("unknown variant {0}")]
pub struct UnknownVariant(pub String);

macro_rules! variants {
    ($( $variant:ident => $name:literal, $behaviour:literal, $allowed_by:literal; )*) => {
        /// One RFC-allowed choice of the reference server that differs from its default.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Variant {
            $( $variant, )*
        }

        impl Variant {
            /// Every variant, in catalogue order.
            pub fn all() -> &'static [Variant] {
                &[ $( Variant::$variant, )* ]
            }

            /// The kebab-case name used on the command line.
            pub fn name(self) -> &'static str {
                match self { $( Variant::$variant => $name, )* }
            }

            /// What the server does differently.
            pub fn behaviour(self) -> &'static str {
                match self { $( Variant::$variant => $behaviour, )* }
            }

            /// The RFC's words (section and lines of `spec/`) that allow it.
            pub fn allowed_by(self) -> &'static str {
                match self { $( Variant::$variant => $allowed_by, )* }
            }
        }
    };
}

variants! {
    Patch204 => "patch-204",
        "a successful PATCH answers 204 No Content without a body",
        "RFC7644 §3.5.2 L1940-1942: \"the server either MUST return a 200 OK response code and the entire resource … or MAY return HTTP status code 204 (No Content)\"";
    NoEtags => "no-etags",
        "no ETag header and no meta.version; ServiceProviderConfig says etag.supported=false",
        "RFC7644 §3.14 L3963-3967: \"Service providers MAY support weak ETags … When supported, SCIM ETags MUST be specified as an HTTP header\"; RFC7643 §5 L1549: \"etag\" tells whether it is supported";
    NoGroups => "no-groups",
        "no Group resource type: /ResourceTypes lists only User and /Groups answers 404",
        "RFC7643 §6: a service provider lists the resource types it supports; RFC7644 §3.1 L429-430: \"some service providers may only support a subset of the schema\"";
    NoEnterpriseUser => "no-enterprise-user",
        "the User resource type lists no Enterprise User extension",
        "RFC7643 §4.3: the Enterprise User extension is an extension a service provider may offer";
    NoMetaOnDiscovery => "no-meta-on-discovery",
        "/ServiceProviderConfig and /ResourceTypes documents carry no meta",
        "RFC7643 §3.1 L850-852: \"With the exception of the \\\"ServiceProviderConfig\\\" and \\\"ResourceType\\\" server discovery endpoints … these attributes MUST be defined\"";
    DigitIds => "digit-ids",
        "resource ids are short digit strings (\"17\") instead of UUIDs",
        "RFC7643 §3.1 L863-869: \"id\" is \"A unique identifier for a SCIM resource as defined by the service provider\"";
    NoSearch => "no-search",
        "POST /.search, at the root and under each endpoint, is not supported: it answers 501 Not Implemented",
        "RFC7644 §3.4.3 L1464-1465: \"Clients MAY execute queries … using the HTTP POST verb combined with the \\\"/.search\\\" path extension\"; RFC7644 §3.12 L3790-3792 (Table 8): 501 \"Service provider does not support the request operation\"";
    SmallPages => "small-pages",
        "pages hold at most 2 resources whatever count asks (ServiceProviderConfig filter.maxResults=2); itemsPerPage and totalResults stay exact",
        "RFC7644 §3.4.2.4 L1361-1370: count \"MUST NOT return more results than specified, although it MAY return fewer results.  If unspecified, the maximum number of results is set by the service provider\"; RFC7643 §5 L1532-1533: maxResults, \"the maximum number of resources returned in a response\"";
    UserSchemaSubset => "user-schema-subset",
        "the User schema is a subset (userName, name, displayName, emails, active, externalId, groups, password): /Schemas lists only those, and other core User attributes sent are ignored (not stored, not returned)",
        "RFC7644 §3.1 L429-431: \"some service providers may only support a subset of the schema defined in [RFC7643]\"; RFC7644 §3.3 L607-608: \"the server is free to alter and/or ignore POSTed content\"";
    ComputedDisplayName => "computed-display-name",
        "a User's displayName is computed by the server from name.givenName and name.familyName (or userName), whatever the client sent",
        "RFC7644 §3.3 L607-608: \"the server is free to alter and/or ignore POSTed content\"";
    IgnorePostMembers => "ignore-post-members",
        "a Group created by POST starts without members, whatever the client sent; members are added by PATCH",
        "RFC7644 §3.3 L607-608: \"the server is free to alter and/or ignore POSTed content\"";
    RequireNameAndActive => "require-name-and-active",
        "/Schemas declares name (with name.familyName) and active required on User, and a User without them answers 400 invalidValue",
        "RFC7643 §7 L1731-1732: \"required  A Boolean value that specifies whether or not the attribute is required\"; RFC7644 §3.1 L425-427: \"some attribute schema may change from service provider to service provider\"";
    EmailUserName => "email-username",
        "userName must be shaped like an email address (local@domain); others answer 400 invalidValue",
        "RFC7643 §2.3.1 L488-490: \"An attribute with SCIM schema type \\\"string\\\" MAY specify a required data format\"";
    FilterEqOnly => "filter-eq-only",
        "filters may only use eq and and (value paths included); any other operator answers 400 invalidFilter",
        "RFC7644 §3.12 L3821-3826 (Table 9): invalidFilter when \"the specified attribute and filter comparison combination is not supported\"; RFC7644 §3.4.2.2 L1206-1210: \"Providers MUST decline to filter results if the specified filter operation is not recognized\"";
    NoFilter => "no-filter",
        "ServiceProviderConfig says filter.supported=false and every filter answers 400 invalidFilter",
        "RFC7644 §3.4.2.2 L926-928: \"Filtering is an OPTIONAL parameter for SCIM service providers. Clients MAY discover service provider filter capabilities by looking at the \\\"filter\\\" attribute of the \\\"ServiceProviderConfig\\\"\"; L1207-1210: \"decline to filter results … and return an HTTP 400 error with a \\\"scimType\\\" error of \\\"invalidFilter\\\"\"";
}

impl Variant {
    /// Several variants by name (`a,b` or repeated), in catalogue order, without repeats.
    pub fn parse_list<S: AsRef<str>>(names: &[S]) -> Result<Vec<Variant>, UnknownVariant> {
        let mut out = Vec::new();
        for name in names.iter().flat_map(|n| n.as_ref().split(',')) {
            let v: Variant = name.trim().parse()?;
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out.sort();
        Ok(out)
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Variant {
    type Err = UnknownVariant;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variant::all()
            .iter()
            .copied()
            .find(|v| v.name() == s)
            .ok_or_else(|| UnknownVariant(s.to_string()))
    }
}

/// The largest page under the `small-pages` variant (advertised as `filter.maxResults`).
pub const SMALL_PAGE: usize = 2;

/// The core User attributes of the `user-schema-subset` variant; others are ignored on write.
pub const USER_SCHEMA_SUBSET: &[&str] = &[
    "userName",
    "name",
    "displayName",
    "emails",
    "active",
    "externalId",
    "groups",
    "password",
];

/// True when the `user-schema-subset` variant keeps the core User attribute `name`
/// (case-insensitively, RFC 7643 §2.1); common attributes (`id`, `meta`, `schemas`) and
/// extension containers (`urn:…`) are not part of the User schema and are always kept.
pub fn in_user_schema_subset(name: &str) -> bool {
    let common = ["id", "externalId", "meta", "schemas"];
    let is_urn = name.len() > 4 && name[..4].eq_ignore_ascii_case("urn:");
    is_urn
        || common.iter().any(|c| c.eq_ignore_ascii_case(name))
        || USER_SCHEMA_SUBSET
            .iter()
            .any(|a| a.eq_ignore_ascii_case(name))
}

/// The next id of the `digit-ids` variant: unique in the process, never reused.
pub fn next_digit_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

/// True when `user_name` is shaped like an email address: `local@domain.tld`.
pub fn is_email_shaped(user_name: &str) -> bool {
    match user_name.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.starts_with('.')
                && domain.contains('.')
                && !domain.ends_with('.')
                && !user_name.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_combine() {
        for v in Variant::all() {
            assert_eq!(v.name().parse::<Variant>(), Ok(*v));
            assert!(v.allowed_by().starts_with("RFC"), "{v}: cites the RFC");
        }
        assert_eq!(
            Variant::parse_list(&["no-etags,patch-204", "no-etags"]),
            Ok(vec![Variant::Patch204, Variant::NoEtags])
        );
        assert_eq!(
            Variant::parse_list(&["nope"]),
            Err(UnknownVariant("nope".into()))
        );
    }

    #[test]
    fn email_shapes() {
        assert!(is_email_shaped("ada@example.com"));
        assert!(!is_email_shaped("ada"));
        assert!(!is_email_shaped("ada@localhost"));
        assert!(!is_email_shaped("@example.com"));
        assert!(!is_email_shaped("a b@example.com"));
    }
}
