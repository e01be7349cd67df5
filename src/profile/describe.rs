//! The description of a profile that `scimspec profiles NAME` prints.

use super::{Profile, Unsupported};

impl Profile {
    /// A human-readable summary: what the target supports, requires and how it authenticates.
    pub fn describe(&self) -> String {
        let f = &self.file;
        let mut out = format!("{} — {} ({})\n", f.name, f.title, self.origin);
        if let Some(d) = &f.description {
            out.push_str(&format!("  {}\n", d.trim()));
        }
        let methods: Vec<&str> = f.auth.methods.iter().map(|m| m.as_str()).collect();
        out.push_str(&format!(
            "  auth: {}{}\n  matching: {}\n  groups: {}\n  enterprise user: {}\n  unsupported attributes: {}\n",
            methods.join(", "),
            if f.auth.domain { " (Basic with an account domain)" } else { "" },
            f.matching,
            if f.groups { "provisioned" } else { "not provisioned" },
            if self.has_enterprise_user() { "yes" } else { "no" },
            match f.unsupported {
                Unsupported::Reject => "rejected (400)",
                Unsupported::Ignore => "ignored",
            }
        ));
        if let Some(fa) = &f.filter_attributes {
            out.push_str(&format!("  filtering: only {}\n", fa.join(", ")));
        }
        out.push_str("  attributes:\n");
        for a in &self.attrs {
            let mut flags = Vec::new();
            if a.spec.required {
                flags.push("required".to_string());
            }
            if let Some(fmt) = a.spec.format {
                flags.push(fmt.as_str().to_string());
            }
            if !a.spec.values.is_empty() {
                flags.push(format!("one of {}", a.spec.values.join("|")));
            }
            out.push_str(&format!("    {:<72} {}\n", a.path(), flags.join(", ")));
        }
        out
    }
}
