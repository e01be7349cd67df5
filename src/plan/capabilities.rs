//! What the target supports, capability by capability, with the evidence: what discovery
//! found, then what the target's profile excludes; and the User attributes that calibration
//! found the target alters or drops (RFC 7644 §3.3: the server "is free to alter and/or ignore
//! POSTed content"); the filter operators calibration found the target refuses (RFC 7644
//! §3.12 Table 9: `invalidFilter` when "the specified attribute and filter comparison
//! combination is not supported") and the attributes it refuses to filter on; the core User
//! attributes the target's `/Schemas` leaves out (RFC 7644 §3.1 L429-431: a service provider
//! "may only support a subset of the schema"); and the largest page it says it answers (`filter.maxResults`, RFC 7643 §5
//! L1532-1533).

use std::collections::BTreeMap;

use crate::load::Capability;

/// Whether the target supports each capability, and why we think so.
#[derive(Debug, Clone, Default)]
pub struct Capabilities {
    known: BTreeMap<Capability, (bool, String)>,
    /// User attributes (lower case) the target's `/Schemas` declares required.
    required_user_attributes: std::collections::BTreeSet<String>,
    /// User attribute (lower case) → what calibration sent and read back.
    altered_user_attributes: BTreeMap<String, String>,
    /// Filter operator (lower case: `sw`, `or`, `pr`, …) → how the target refused it.
    refused_filter_operators: BTreeMap<String, String>,
    /// Filter attribute path (lower case: `name.familyname`) → how the target refused it.
    refused_filter_attributes: BTreeMap<String, String>,
    /// Core User attribute (lower case) → the evidence that the target does not support it.
    unsupported_user_attributes: BTreeMap<String, String>,
    /// The largest page the target answers, with the evidence.
    max_results: Option<(usize, String)>,
}

impl Capabilities {
    /// Records that the target's schema requires a User attribute.
    pub fn record_required_user_attribute(&mut self, name: &str) {
        self.required_user_attributes
            .insert(name.to_ascii_lowercase());
    }

    /// True when the target's schema requires this User attribute.
    pub fn requires_user_attribute(&self, name: &str) -> bool {
        self.required_user_attributes
            .contains(&name.to_ascii_lowercase())
    }

    /// The User attributes the target requires (lower case).
    pub fn required_user_attributes(&self) -> impl Iterator<Item = &str> {
        self.required_user_attributes.iter().map(String::as_str)
    }

    /// Records that the target does not keep a User attribute as sent, with the evidence.
    pub fn record_altered_user_attribute(&mut self, name: &str, evidence: impl Into<String>) {
        self.altered_user_attributes
            .insert(name.to_ascii_lowercase(), evidence.into());
    }

    /// The evidence that the target alters this User attribute, if it does.
    pub fn altered_user_attribute(&self, name: &str) -> Option<&str> {
        self.altered_user_attributes
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Records that the target refuses filters using an operator, with the evidence.
    pub fn record_refused_filter_operator(&mut self, operator: &str, evidence: impl Into<String>) {
        self.refused_filter_operators
            .insert(operator.to_ascii_lowercase(), evidence.into());
    }

    /// The evidence that the target refuses filters using this operator, if it does.
    pub fn refused_filter_operator(&self, operator: &str) -> Option<&str> {
        self.refused_filter_operators
            .get(&operator.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Records that the target refuses filters comparing an attribute path (`name.familyName`),
    /// with the evidence.
    pub fn record_refused_filter_attribute(&mut self, path: &str, evidence: impl Into<String>) {
        self.refused_filter_attributes
            .insert(path.to_ascii_lowercase(), evidence.into());
    }

    /// The evidence that the target refuses filters on this attribute path, if it does.
    pub fn refused_filter_attribute(&self, path: &str) -> Option<&str> {
        self.refused_filter_attributes
            .get(&path.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Records that the target does not support a core User attribute, with the evidence.
    pub fn record_unsupported_user_attribute(&mut self, name: &str, evidence: impl Into<String>) {
        self.unsupported_user_attributes
            .insert(name.to_ascii_lowercase(), evidence.into());
    }

    /// The evidence that the target does not support this core User attribute, if it does not.
    pub fn unsupported_user_attribute(&self, name: &str) -> Option<&str> {
        self.unsupported_user_attributes
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Records the largest page the target answers, with the evidence.
    pub fn set_max_results(&mut self, max: usize, evidence: impl Into<String>) {
        self.max_results = Some((max, evidence.into()));
    }

    /// The largest page the target answers, with the evidence, when it said.
    pub fn max_results(&self) -> Option<(usize, &str)> {
        self.max_results.as_ref().map(|(m, e)| (*m, e.as_str()))
    }

    /// Records a capability with the evidence (shown as the skip reason when unsupported).
    pub fn set(&mut self, capability: Capability, supported: bool, evidence: impl Into<String>) {
        self.known.insert(capability, (supported, evidence.into()));
    }

    /// Unknown capabilities count as supported: a case is only skipped on evidence.
    pub fn supports(&self, capability: Capability) -> bool {
        self.known.get(&capability).is_none_or(|(s, _)| *s)
    }

    pub fn evidence(&self, capability: Capability) -> Option<&str> {
        self.known.get(&capability).map(|(_, e)| e.as_str())
    }

    /// Every recorded capability: (name, supported, evidence).
    pub fn iter(&self) -> impl Iterator<Item = (Capability, bool, &str)> {
        self.known.iter().map(|(c, (s, e))| (*c, *s, e.as_str()))
    }

    /// The reason a case needing `requires` cannot run, if any.
    pub fn skip_reason(&self, requires: &[Capability]) -> Option<String> {
        let missing: Vec<String> = requires
            .iter()
            .filter(|c| !self.supports(**c))
            .map(|c| {
                format!(
                    "requires {c}: {}",
                    self.evidence(*c).unwrap_or("not supported")
                )
            })
            .collect();
        (!missing.is_empty()).then(|| missing.join("; "))
    }
}
