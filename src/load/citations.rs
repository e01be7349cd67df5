//! Client citations: a case citing `Entra E-…` or `Okta O-…` must name an entry of the
//! repository's catalogue of that client's documented behaviour (`spec/entra-catalog.yaml`,
//! `spec/okta-catalog.yaml`: id → title, documentation page, the sentence relied on), as an
//! RFC citation names a section of the RFC text.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const ENTRA: &str = include_str!("../../spec/entra-catalog.yaml");
const OKTA: &str = include_str!("../../spec/okta-catalog.yaml");

/// One documented behaviour of a provisioning client.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntry {
    pub title: String,
    /// The client's documentation page (or, where the vendor states nothing, the public report).
    pub url: String,
    /// The sentence of that page the cases rely on.
    pub relies_on: String,
}

/// A client whose behaviour the cases cite, with its catalogue.
struct Client {
    /// The word a citation starts with: `Entra`, `Okta`.
    word: &'static str,
    /// The prefix of its ids: `E-`, `O-`.
    prefix: &'static str,
    file: &'static str,
    text: &'static str,
}

const CLIENTS: [Client; 2] = [
    Client {
        word: "Entra",
        prefix: "E-",
        file: "spec/entra-catalog.yaml",
        text: ENTRA,
    },
    Client {
        word: "Okta",
        prefix: "O-",
        file: "spec/okta-catalog.yaml",
        text: OKTA,
    },
];

type Catalogue = BTreeMap<String, CatalogueEntry>;

/// The parsed catalogues, in [`CLIENTS`] order; a catalogue that does not parse is its error.
fn catalogues() -> &'static [Result<Catalogue, String>] {
    static PARSED: OnceLock<Vec<Result<Catalogue, String>>> = OnceLock::new();
    PARSED.get_or_init(|| {
        CLIENTS
            .iter()
            .map(|c| {
                serde_yaml_ng::from_str::<Catalogue>(c.text)
                    .map_err(|e| format!("{} does not parse: {e}", c.file))
            })
            .collect()
    })
}

/// The client and id a citation names: `Okta O-SPEC-1 …` → (Okta, `O-SPEC-1`).
fn cited(citation: &str) -> Option<(usize, &str)> {
    let (word, rest) = citation.trim().split_once(' ')?;
    let index = CLIENTS.iter().position(|c| c.word == word)?;
    Some((index, rest.split_whitespace().next().unwrap_or_default()))
}

/// The catalogue entry a client citation names, with its id; `None` for RFC citations and for
/// ids no catalogue lists.
pub fn catalogue_entry(citation: &str) -> Option<(&'static str, &'static CatalogueEntry)> {
    let (index, id) = cited(citation)?;
    let catalogue = catalogues()[index].as_ref().ok()?;
    catalogue.get_key_value(id).map(|(k, v)| (k.as_str(), v))
}

/// Why `citation` does not resolve, if it cites a client: an id missing from the client's
/// catalogue, or of the wrong form.
pub(super) fn unresolved(citation: &str) -> Option<String> {
    let (index, id) = cited(citation)?;
    let client = &CLIENTS[index];
    let catalogue = match &catalogues()[index] {
        Ok(catalogue) => catalogue,
        Err(e) => return Some(e.clone()),
    };
    if !id.starts_with(client.prefix) {
        return Some(format!(
            "'{citation}' cites {} by '{id}', not by an id of {} ({}…)",
            client.word, client.file, client.prefix
        ));
    }
    (!catalogue.contains_key(id)).then(|| {
        format!(
            "'{citation}' cites {id}, which {} does not list",
            client.file
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_parse_with_prefixed_ids() {
        for (client, parsed) in CLIENTS.iter().zip(catalogues()) {
            let catalogue = parsed.as_ref().unwrap_or_else(|e| panic!("{e}"));
            assert!(catalogue.len() >= 10, "{}", client.file);
            for (id, entry) in catalogue {
                assert!(id.starts_with(client.prefix), "{id} in {}", client.file);
                assert!(entry.url.starts_with("https://"), "{id}: {}", entry.url);
                assert!(!entry.relies_on.trim().is_empty(), "{id}");
            }
        }
    }

    #[test]
    fn client_citations_must_resolve_rfc_ones_are_left_alone() {
        assert_eq!(unresolved("RFC7644 §3.3 L623-627"), None);
        assert_eq!(unresolved("Entra E-TESTCONN-PROBE"), None);
        assert_eq!(unresolved("Okta O-SPEC-1"), None);
        let missing = unresolved("Entra E-NOPE").unwrap_or_default();
        assert!(
            missing.contains("spec/entra-catalog.yaml does not list"),
            "{missing}"
        );
        let prose = unresolved("Okta SCIM 2.0 SPEC test 1").unwrap_or_default();
        assert!(
            prose.contains("not by an id of spec/okta-catalog.yaml (O-…)"),
            "{prose}"
        );
        let (id, entry) = catalogue_entry("Okta O-GROUP-RENAME").expect("listed");
        assert_eq!(id, "O-GROUP-RENAME");
        assert!(entry.url.contains("developer.okta.com"));
    }
}
