//! The `scimspec` binary: everything happens in the command layer.

/// mimalloc instead of the system allocator: glibc's malloc serialises threads that allocate
/// at once on its arena locks, which `scimspec load` at full speed spent a tenth of its time
/// waiting on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    scimspec::cli::main()
}
