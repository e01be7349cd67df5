//! Running the real `scimspec` binary and checking what it printed: a clean environment,
//! the exit code, temporary directories and the JUnit reports written there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A base URL where nothing listens.
pub const UNREACHABLE: &str = "http://127.0.0.1:9/scim/v2";

pub fn scimspec() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scimspec"));
    // Tests must not pick up a developer's environment.
    for (key, _) in std::env::vars() {
        if key.starts_with("SCIMSPEC_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "scimspec-test-{tag}-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes the file `name` here; its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        std::fs::write(&path, contents).expect("write test file");
        path
    }

    /// Where [`RunExt::junit_in`] has the report written.
    pub fn junit_path(&self) -> PathBuf {
        self.join("junit.xml")
    }

    /// The JUnit report a run wrote here.
    pub fn junit(&self) -> String {
        std::fs::read_to_string(self.junit_path()).expect("JUnit report written")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Running the binary: where its report goes, and how it must end.
pub trait RunExt {
    /// Has the JUnit report written to `dir`'s `junit.xml`.
    fn junit_in(&mut self, dir: &TempDir) -> &mut Self;
    /// Runs to the end, asserts the exit code and returns everything printed.
    fn exits(&mut self, code: i32) -> String;
}

impl RunExt for Command {
    fn junit_in(&mut self, dir: &TempDir) -> &mut Self {
        self.arg("--junit").arg(dir.junit_path())
    }

    fn exits(&mut self, code: i32) -> String {
        let output = self.output().expect("run scimspec");
        let all = text(&output);
        assert_eq!(output.status.code(), Some(code), "{all}");
        all
    }
}

/// The `<testcase>` element of `id` in a JUnit report.
pub fn testcase<'x>(xml: &'x str, id: &str) -> &'x str {
    let start = xml
        .find(&format!("<testcase name=\"{id}\""))
        .unwrap_or_else(|| panic!("{id} in report"));
    let end = xml[start..]
        .find("</testcase>")
        .map_or(xml.len(), |e| start + e);
    &xml[start..end]
}
