//! A validated profile: its attributes, parsed from their paths, and the questions the
//! pipeline asks of it (which attributes it supports or requires, how it authenticates).

use super::{AttributeSpec, AuthMethod, ProfileFile, CORE_USER, ENTERPRISE_USER};

/// One supported attribute, parsed from its path.
#[derive(Debug, Clone)]
pub struct Attr {
    pub spec: AttributeSpec,
    /// The schema URN: the core User schema unless the path names another.
    pub urn: String,
    pub name: String,
    /// `X` of a `[type eq "X"]` value filter: the multi-valued attribute holds values of that type.
    pub type_value: Option<String>,
    /// True when the path has a value filter (a multi-valued attribute).
    pub multi: bool,
    pub sub: Option<String>,
}

impl Attr {
    /// True when this is the attribute `name` of schema `urn` (default the core User schema).
    pub fn matches(&self, urn: Option<&str>, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
            && urn.unwrap_or(CORE_USER).eq_ignore_ascii_case(&self.urn)
    }

    /// The attribute written as in the profile, for messages.
    pub fn path(&self) -> &str {
        &self.spec.path
    }
}

/// A validated profile.
#[derive(Debug, Clone)]
pub struct Profile {
    pub file: ProfileFile,
    pub attrs: Vec<Attr>,
    /// Where it was loaded from: `profiles/xmatters.toml` or the user's path.
    pub origin: String,
}

/// Two profiles are the same when they come from the same file with the same name.
impl PartialEq for Profile {
    fn eq(&self, other: &Self) -> bool {
        self.origin == other.origin && self.file.name == other.file.name
    }
}

impl Eq for Profile {}

impl Profile {
    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// Every supported attribute named `name` (in schema `urn`, default the core User schema).
    pub fn attrs_named(&self, urn: Option<&str>, name: &str) -> Vec<&Attr> {
        self.attrs.iter().filter(|a| a.matches(urn, name)).collect()
    }

    /// The attributes a User must carry on this target.
    pub fn required(&self) -> impl Iterator<Item = &Attr> {
        self.attrs.iter().filter(|a| a.spec.required)
    }

    /// True when the profile lists an Enterprise User attribute.
    pub fn has_enterprise_user(&self) -> bool {
        self.attrs
            .iter()
            .any(|a| a.urn.eq_ignore_ascii_case(ENTERPRISE_USER))
    }

    /// The value types declared for a multi-valued attribute (`emails` → `Work Email`, …).
    pub fn types_of(&self, name: &str) -> Vec<&str> {
        self.attrs_named(None, name)
            .into_iter()
            .filter_map(|a| a.type_value.as_deref())
            .collect()
    }

    /// How the embedded server authenticates as this target: Basic when that is the target's
    /// first method, a bearer token otherwise (an OAuth 2 token is a bearer token too).
    pub fn uses_basic(&self) -> bool {
        self.file.auth.methods.first() == Some(&AuthMethod::Basic)
    }
}

#[cfg(test)]
mod tests {
    use crate::profile::load;

    #[test]
    fn xmatters_types_and_extension() {
        let p = load("xmatters").unwrap();
        assert_eq!(p.types_of("emails"), vec!["Work Email", "Home Email"]);
        assert_eq!(p.types_of("phoneNumbers"), vec!["Work Phone", "Home Phone"]);
        assert!(!p.has_enterprise_user());
        assert!(load("alexishr").unwrap().has_enterprise_user());
        assert!(!load("samanage").unwrap().file.groups);
    }
}
