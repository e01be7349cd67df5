//! Selection by case id, as `cargo test` does it: a substring (or exact) filter and `--skip`
//! texts. The console runner hands these to its trial harness; runs without a console
//! (`compare`) apply them with [`NameFilter::keeps`].

/// Which case ids are selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameFilter {
    /// Keep ids containing this text (or equal to it, with `exact`).
    pub filter: Option<String>,
    pub exact: bool,
    /// Leave out ids containing any of these texts.
    pub skip: Vec<String>,
}

impl NameFilter {
    pub fn keeps(&self, id: &str) -> bool {
        let selected = match &self.filter {
            None => true,
            Some(f) if self.exact => id == f,
            Some(f) => id.contains(f.as_str()),
        };
        selected && !self.skip.iter().any(|s| id.contains(s.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_like_cargo_test() {
        let f = NameFilter {
            filter: Some("create".into()),
            exact: false,
            skip: vec!["409".into()],
        };
        assert!(f.keeps("rfc7644-3.3-create-returns-201"));
        assert!(!f.keeps("rfc7644-3.3-create-duplicate-409"));
        assert!(!f.keeps("rfc7644-3.4-get"));
        let exact = NameFilter {
            filter: Some("a-b".into()),
            exact: true,
            skip: vec![],
        };
        assert!(exact.keeps("a-b") && !exact.keeps("a-b-c"));
        assert!(NameFilter::default().keeps("anything"));
    }
}
