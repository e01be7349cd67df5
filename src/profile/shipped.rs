//! The profiles shipped with scimspec, and finding a profile: a shipped one by name, another
//! by the path of its file.

use std::path::Path;

use super::parse::parse;
use super::{Profile, ProfileError};

/// The profiles shipped with scimspec (`profiles/` in the repository).
pub const SHIPPED: &[(&str, &str)] = &[
    ("alexishr", include_str!("../../profiles/alexishr.toml")),
    ("okta", include_str!("../../profiles/okta.toml")),
    ("samanage", include_str!("../../profiles/samanage.toml")),
    ("xmatters", include_str!("../../profiles/xmatters.toml")),
];

/// The names of the shipped profiles.
pub fn shipped_names() -> Vec<&'static str> {
    SHIPPED.iter().map(|(n, _)| *n).collect()
}

/// Loads a shipped profile by name, or a profile file by path.
pub fn load(name_or_path: &str) -> Result<Profile, ProfileError> {
    if let Some((name, text)) = SHIPPED.iter().find(|(n, _)| *n == name_or_path) {
        return parse(&format!("profiles/{name}.toml"), text);
    }
    let path = Path::new(name_or_path);
    let looks_like_path = name_or_path.ends_with(".toml") || name_or_path.contains(['/', '\\']);
    if !looks_like_path && !path.is_file() {
        return Err(ProfileError::Unknown {
            name: name_or_path.to_string(),
            known: shipped_names().join(", "),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
        path: name_or_path.to_string(),
        source,
    })?;
    parse(name_or_path, &text)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_profiles_load() {
        for name in shipped_names() {
            let p = load(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.name(), name);
        }
    }

    #[test]
    fn unknown_name_lists_the_shipped_ones() {
        let err = load("nope").unwrap_err().to_string();
        assert!(err.contains("xmatters") && err.contains("okta"), "{err}");
    }
}
