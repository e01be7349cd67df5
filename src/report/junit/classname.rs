//! The `classname` of a JUnit testcase. CI tools read it as a Java class name: Jenkins splits
//! it at its last dot into package and class, so `RFC7644 §3.4.2.2` would be package
//! `RFC7644 §3.4.2` and class `2`. The classname is therefore built from segments that hold no
//! dot: the document (`RFC7644`), then the section (`s3_4_2_2`), so Jenkins shows package
//! `RFC7644` and class `s3_4_2_2`; in a comparison the target's name comes first.

/// One segment: letters, digits, `-` and `_` kept, `§` as `s`, anything else as `_`.
fn segment(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            c if c.is_ascii_alphanumeric() || c == '-' || c == '_' => c,
            '§' => 's',
            _ => '_',
        })
        .collect()
}

/// The classname of a case whose spec section is `section` (`RFC7644 §3.4.2.2` →
/// `RFC7644.s3_4_2_2`, `Entra E-DISABLE-USER` → `Entra.E-DISABLE-USER`), under `target`
/// when several targets share one file (`staging.RFC7644.s3_4_2_2`).
pub fn classname(section: &str, target: Option<&str>) -> String {
    let mut parts: Vec<String> = target.map(segment).into_iter().collect();
    match section.trim().split_once(' ') {
        Some((document, rest)) => {
            parts.push(segment(document));
            parts.push(segment(rest));
        }
        None => parts.push(segment(section)),
    }
    parts.retain(|p| !p.is_empty());
    if parts.is_empty() {
        return "scimspec".into();
    }
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_sections_become_a_document_and_a_section_without_dots() {
        assert_eq!(classname("RFC7644 §3.4.2.2", None), "RFC7644.s3_4_2_2");
        assert_eq!(classname("RFC7643 §4.1.1", None), "RFC7643.s4_1_1");
        assert_eq!(classname("RFC7644 §3.3", None), "RFC7644.s3_3");
    }

    #[test]
    fn other_references_keep_their_words() {
        assert_eq!(
            classname("Entra E-DISABLE-USER", None),
            "Entra.E-DISABLE-USER"
        );
        assert_eq!(
            classname("Okta SCIM 2.0 SPEC test 11", None),
            "Okta.SCIM_2_0_SPEC_test_11"
        );
        assert_eq!(classname("single", None), "single");
        assert_eq!(classname("", None), "scimspec");
    }

    #[test]
    fn a_target_name_comes_first_and_loses_its_dots() {
        assert_eq!(
            classname("RFC7644 §3.3", Some("vendor <v1.2>")),
            "vendor__v1_2_.RFC7644.s3_3"
        );
        assert_eq!(
            classname("RFC7644 §3.3", Some("staging")),
            "staging.RFC7644.s3_3"
        );
    }

    #[test]
    fn only_the_separators_are_dots() {
        for section in ["RFC7644 §3.4.2.2", "Okta SCIM 2.0 CRUD test", "a.b c.d"] {
            let name = classname(section, Some("x.y"));
            assert_eq!(name.matches('.').count(), 2, "{name}");
        }
    }
}
