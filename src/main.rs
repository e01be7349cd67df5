//! The `scimspec` binary: everything happens in the command layer.

fn main() -> std::process::ExitCode {
    scimspec::cli::main()
}
