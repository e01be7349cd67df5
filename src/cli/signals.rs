//! Ctrl-C (SIGINT) and SIGTERM during `run` and `compare`: the first raises the run's
//! interrupt (no case starts any more, running ones get a short grace, the reports are
//! written); a second ends the process at once. Listens on a thread of its own, so it works
//! whatever runtime the command uses.

use std::sync::{Arc, OnceLock};

use crate::exit::Exit;
use crate::run::{Interrupt, INTERRUPTED_CLEANUP, INTERRUPT_GRACE};

/// The signal that stopped the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Interrupt,
    Terminate,
}

impl Signal {
    pub fn exit(self) -> Exit {
        match self {
            Signal::Interrupt => Exit::Interrupted,
            Signal::Terminate => Exit::Terminated,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "Ctrl-C",
            Signal::Terminate => "SIGTERM",
        }
    }
}

/// The listener of one command; what it received, if anything.
pub struct Listener {
    received: Arc<OnceLock<Signal>>,
}

impl Listener {
    /// The first signal received, if any.
    pub fn received(&self) -> Option<Signal> {
        self.received.get().copied()
    }
}

/// Starts listening; from now on the signals raise `interrupt` instead of ending the
/// process. Without a way to listen, the signals keep their default effect.
pub fn listen(interrupt: Interrupt) -> Listener {
    let received = Arc::new(OnceLock::new());
    let seen = Arc::clone(&received);
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                let _ = ready_tx.send(());
                return;
            };
            runtime.block_on(async move {
                let mut signals = Signals::register();
                let _ = ready_tx.send(());
                let first = signals.next().await;
                let _ = seen.set(first);
                interrupt.raise();
                eprintln!(
                    "\n{}: stopping. No new case starts; running cases get {} s to finish and \
                     {} s more to clean up. Press Ctrl-C again to quit at once.",
                    first.name(),
                    INTERRUPT_GRACE.as_secs(),
                    INTERRUPTED_CLEANUP.as_secs()
                );
                let second = signals.next().await;
                eprintln!(
                    "{} again: quitting at once; no report is written and what running cases \
                     created is left in the target.",
                    second.name()
                );
                std::process::exit(i32::from(second.exit().code()));
            });
        });
    if spawned.is_ok() {
        let _ = ready_rx.recv();
    }
    Listener { received }
}

/// SIGINT and, on Unix, SIGTERM.
struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

#[cfg(unix)]
async fn receive(signal: Option<&mut tokio::signal::unix::Signal>) {
    match signal {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}

impl Signals {
    /// Registers the handlers: from now on the default action no longer applies.
    fn register() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Self {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Self {}
    }

    async fn next(&mut self) -> Signal {
        #[cfg(unix)]
        {
            tokio::select! {
                () = receive(self.interrupt.as_mut()) => Signal::Interrupt,
                () = receive(self.terminate.as_mut()) => Signal::Terminate,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Signal::Interrupt
        }
    }
}
