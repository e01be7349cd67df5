//! Finds the exchange a case ended on in its transcript: the last one recorded by a step,
//! before the cleanup's. The console shows it for a failed case, and the runner reads its
//! status to tell a target failing (5xx) from one answering wrongly.

/// One recorded exchange of a transcript: its `--- label` and the lines under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedExchange<'t> {
    pub label: &'t str,
    pub text: &'t str,
}

impl RecordedExchange<'_> {
    /// The status it was answered with (`< 201 (3 ms)`); `None` when no answer came.
    pub fn status(&self) -> Option<u16> {
        self.text
            .lines()
            .filter_map(|line| line.strip_prefix("< "))
            .find_map(|line| {
                let (code, rest) = line.split_once(' ')?;
                rest.starts_with('(').then(|| code.parse().ok()).flatten()
            })
    }
}

/// Every exchange of `transcript`, in order.
pub fn exchanges(transcript: &str) -> Vec<RecordedExchange<'_>> {
    let mut out = Vec::new();
    let mut rest = transcript;
    while let Some(start) = rest.find("--- ") {
        if start > 0 && !rest[..start].ends_with('\n') {
            rest = &rest[start + 4..];
            continue;
        }
        let after = &rest[start + 4..];
        let (label, body) = after.split_once('\n').unwrap_or((after, ""));
        let end = next_label(body).unwrap_or(body.len());
        out.push(RecordedExchange {
            label,
            text: &body[..end],
        });
        rest = &body[end..];
    }
    out
}

/// Where the next `--- ` line of `text` starts.
fn next_label(text: &str) -> Option<usize> {
    if text.starts_with("--- ") {
        return Some(0);
    }
    text.find("\n--- ").map(|at| at + 1)
}

/// The last exchange a step recorded (not the cleanup's), with a request in it.
pub fn failing_exchange(transcript: &str) -> Option<RecordedExchange<'_>> {
    exchanges(transcript)
        .into_iter()
        .rev()
        .filter(|e| !e.label.starts_with("cleanup"))
        .find(|e| e.text.starts_with("> "))
}

/// The status of [`failing_exchange`], when it was answered.
pub fn failing_status(transcript: &str) -> Option<u16> {
    failing_exchange(transcript).and_then(|e| e.status())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSCRIPT: &str = "--- step 1 'create'\n> POST http://t/Users\n> {\n>   \"a\": \"--- x\"\n> }\n< 201 (3 ms)\n< {\"id\":\"1\"}\n--- step 2 'read'\n> GET http://t/Users/1\n< 500 (2 ms)\n< oops\n--- cleanup (created by the case)\n> DELETE http://t/Users/1\n< 204 (1 ms)\n";

    #[test]
    fn splits_a_transcript_into_its_exchanges() {
        let all = exchanges(TRANSCRIPT);
        let labels: Vec<_> = all.iter().map(|e| e.label).collect();
        assert_eq!(
            labels,
            [
                "step 1 'create'",
                "step 2 'read'",
                "cleanup (created by the case)"
            ]
        );
        assert!(
            all[0].text.ends_with("< {\"id\":\"1\"}\n"),
            "{}",
            all[0].text
        );
        assert_eq!(all[0].status(), Some(201));
    }

    #[test]
    fn the_failing_exchange_is_the_last_step_before_the_cleanup() {
        let failing = failing_exchange(TRANSCRIPT).expect("a step exchange");
        assert_eq!(failing.label, "step 2 'read'");
        assert_eq!(failing.status(), Some(500));
        assert_eq!(failing_status(TRANSCRIPT), Some(500));
    }

    #[test]
    fn a_transport_error_has_no_status() {
        let transcript = "--- step 1\n> GET http://t/Users\n! connection refused\n";
        assert_eq!(failing_status(transcript), None);
        assert_eq!(failing_status(""), None);
    }
}
