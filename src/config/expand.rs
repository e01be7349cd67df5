//! `${NAME}` in a configuration value: replaced by the environment variable `NAME`
//! (`$$` is a literal `$`), so secrets need not be written in the file.

use super::ConfigError;

/// Replaces `${NAME}` with the environment variable `NAME`; `at` names the value in errors.
pub fn expand(text: &str, at: &str) -> Result<String, ConfigError> {
    expand_with(text, at, |name| std::env::var(name).ok())
}

fn expand_with(
    text: &str,
    at: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(r) = after.strip_prefix('{') {
            let end = r
                .find('}')
                .ok_or_else(|| ConfigError::Usage(format!("{at}: unclosed '${{' in the value")))?;
            let name = &r[..end];
            let value = lookup(name).ok_or_else(|| {
                ConfigError::Usage(format!("{at}: the environment variable {name} is not set"))
            })?;
            out.push_str(&value);
            rest = &r[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_environment_variables() {
        let look = |n: &str| (n == "A").then(|| "value".to_string());
        assert_eq!(
            expand_with("x-${A}-$$-$b", "t", look).unwrap(),
            "x-value-$-$b"
        );
        let err = expand_with("${MISSING}", "target 'z' token", look).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Usage(m) if m.contains("MISSING") && m.contains("target 'z' token")),
            "{err}"
        );
        let err = expand_with("${OPEN", "t", look).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Usage(m) if m.contains("unclosed")),
            "{err}"
        );
    }
}
