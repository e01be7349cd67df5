//! Whether a target of the profile supports one use of an attribute: the attribute, the
//! sub-attribute, the value type, filtering on it.

use super::{attr_use, AttrUse, Profile, TypeInfo, UseKind, CORE_USER};

impl Profile {
    /// Why a use of an attribute does not fit this target, if it does not.
    pub fn check_use(&self, u: &AttrUse) -> Result<(), String> {
        let shown = u.shown();
        // Common attributes (RFC 7643 §3.1) every resource has.
        if u.urn.is_none() && attr_use::is_common_attribute(&u.name) {
            return Ok(());
        }
        let attrs = self.attrs_named(u.urn.as_deref(), &u.name);
        if attrs.is_empty() {
            return Err(format!("attribute {shown} is not supported"));
        }
        if u.kind == UseKind::Filter {
            if let Some(allowed) = &self.file.filter_attributes {
                let top = match &u.urn {
                    Some(urn) if !urn.eq_ignore_ascii_case(CORE_USER) => {
                        format!("{urn}:{}", u.name)
                    }
                    _ => u.name.clone(),
                };
                let ok = allowed.iter().any(|a| {
                    a.eq_ignore_ascii_case(&top)
                        || a.eq_ignore_ascii_case(&format!(
                            "{top}.{}",
                            u.sub.as_deref().unwrap_or("")
                        ))
                        || a.split(['.', '['])
                            .next()
                            .is_some_and(|t| t.eq_ignore_ascii_case(&top))
                });
                if !ok {
                    return Err(format!(
                        "filtering on {shown} is not supported (only {})",
                        allowed.join(", ")
                    ));
                }
            }
        }
        // The whole attribute is supported.
        if attrs.iter().any(|a| a.sub.is_none() && !a.multi) {
            return Ok(());
        }
        let multi = attrs.iter().any(|a| a.multi);
        if !multi {
            // A complex attribute with listed sub-attributes (name.givenName, …).
            return match &u.sub {
                None => Ok(()),
                Some(sub)
                    if attrs.iter().any(|a| {
                        a.sub
                            .as_deref()
                            .is_some_and(|s| s.eq_ignore_ascii_case(sub))
                    }) =>
                {
                    Ok(())
                }
                Some(_) => Err(format!("attribute {shown} is not supported")),
            };
        }
        let types: Vec<&str> = attrs
            .iter()
            .filter_map(|a| a.type_value.as_deref())
            .collect();
        if types.is_empty() {
            return Ok(());
        }
        match &u.type_value {
            TypeInfo::NotAnElement => Ok(()),
            TypeInfo::Typed(t) if types.iter().any(|x| x.eq_ignore_ascii_case(t)) => Ok(()),
            TypeInfo::Typed(t) => Err(format!(
                "{} of type \"{t}\" is not supported (types: {})",
                u.name,
                quoted(&types)
            )),
            TypeInfo::Untyped => Err(format!(
                "{} without a type is not supported (types: {})",
                u.name,
                quoted(&types)
            )),
        }
    }
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::load;

    #[test]
    fn checks_uses_against_the_profile() {
        let p = load("xmatters").unwrap();
        let u = |name: &str, sub: Option<&str>, t: TypeInfo| AttrUse {
            urn: None,
            name: name.into(),
            sub: sub.map(str::to_string),
            type_value: t,
            kind: UseKind::Write,
        };
        assert!(p
            .check_use(&u("userName", None, TypeInfo::NotAnElement))
            .is_ok());
        assert!(p
            .check_use(&u("name", Some("givenName"), TypeInfo::NotAnElement))
            .is_ok());
        assert!(p
            .check_use(&u("name", Some("middleName"), TypeInfo::NotAnElement))
            .is_err());
        assert!(p
            .check_use(&u("nickName", None, TypeInfo::NotAnElement))
            .is_err());
        assert!(p
            .check_use(&u("emails", None, TypeInfo::Typed("work email".into())))
            .is_ok());
        let err = p
            .check_use(&u("emails", None, TypeInfo::Typed("work".into())))
            .unwrap_err();
        assert!(err.contains("\"Work Email\""), "{err}");
        let mut f = u("emails", Some("value"), TypeInfo::NotAnElement);
        f.kind = UseKind::Filter;
        assert!(p.check_use(&f).is_ok());
        let a = load("alexishr").unwrap();
        let err = a.check_use(&f).unwrap_err();
        assert!(err.contains("only userName"), "{err}");
    }
}
