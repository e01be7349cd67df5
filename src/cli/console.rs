//! The console of `scimspec run` while its cases run: a line per finished case (none with
//! `-q`), and the progress — a bar redrawn in place on a terminal, a count line every few
//! seconds through a pipe (CI logs), nothing with `-q`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use super::output;
use crate::load::Case;
use crate::report::progress::{self, Progress};
use crate::run::{CaseResult, Watcher};

/// How often a terminal's bar is redrawn (its clock moves).
const BAR_REDRAW: Duration = Duration::from_millis(500);
/// The bar's width in characters.
const BAR_WIDTH: usize = 24;

/// How the run's progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressStyle {
    /// Not at all (`-q`).
    Hidden,
    /// A bar on standard error, redrawn in place (a terminal).
    Bar,
    /// A count line on standard error every so often (a pipe); `Duration::ZERO`: after every
    /// case.
    Lines(Duration),
}

impl ProgressStyle {
    /// The style for this process: hidden when `quiet`, a bar when standard error is a
    /// terminal, else lines every `every`.
    pub fn detect(quiet: bool, every: Duration) -> Self {
        if quiet {
            ProgressStyle::Hidden
        } else if std::io::stderr().is_terminal() {
            ProgressStyle::Bar
        } else {
            ProgressStyle::Lines(every)
        }
    }
}

/// The [`Watcher`] printing a run as it goes.
pub struct Console {
    case_lines: bool,
    colour: bool,
    style: ProgressStyle,
    progress: Progress,
    started: Instant,
    /// Case ids are padded to this width.
    id_width: usize,
    /// The `done` count of the last progress line printed (through a pipe).
    last_line: Option<usize>,
}

impl Console {
    /// `quiet` prints no case lines; `no_color` (or standard output not a terminal) prints
    /// them without colour; ids are padded to `id_width`.
    pub fn new(quiet: bool, no_color: bool, style: ProgressStyle, id_width: usize) -> Self {
        Self {
            case_lines: !quiet,
            colour: !no_color && std::io::stdout().is_terminal(),
            style,
            progress: Progress::default(),
            started: Instant::now(),
            id_width,
            last_line: None,
        }
    }

    fn redraw_bar(&self) {
        if self.style == ProgressStyle::Bar {
            output::status_line(&self.progress.bar(self.started.elapsed(), BAR_WIDTH));
        }
    }

    fn print_line(&mut self) {
        output::err(&self.progress.line(self.started.elapsed()));
        self.last_line = Some(self.progress.done);
    }

    fn print_case(&self, case: &Case, result: &CaseResult, note: &str) {
        if !self.case_lines {
            return;
        }
        if self.style == ProgressStyle::Bar {
            output::status_line("");
        }
        let (before, word, after) =
            progress::case_line(case.level, &case.id, self.id_width, result);
        let colour = self.colour.then(|| progress::colour(result.outcome));
        output::out_coloured(&before, word, colour, &format!("{after}{note}"));
        self.redraw_bar();
    }

    /// The run is over: the bar is cleared; through a pipe, the last count is printed unless
    /// it already was (or no count was printed at all: the run was short).
    pub fn finish(&mut self) {
        match self.style {
            ProgressStyle::Bar => output::status_line(""),
            ProgressStyle::Lines(_) => {
                if self
                    .last_line
                    .is_some_and(|done| done != self.progress.done)
                {
                    self.print_line();
                }
            }
            ProgressStyle::Hidden => {}
        }
    }
}

impl Watcher for Console {
    fn begin(&mut self, total: usize) {
        self.progress = Progress::new(total);
        self.started = Instant::now();
        if self.case_lines {
            output::out(&format!(
                "\nrunning {total} case{}\n",
                if total == 1 { "" } else { "s" }
            ));
        }
        self.redraw_bar();
    }

    fn finished(&mut self, case: &Case, result: &CaseResult) {
        self.progress.record(result.outcome);
        self.print_case(case, result, "");
        if self.style == ProgressStyle::Lines(Duration::ZERO) {
            self.print_line();
        }
    }

    fn tick_every(&self) -> Option<Duration> {
        match self.style {
            ProgressStyle::Hidden => None,
            ProgressStyle::Bar => Some(BAR_REDRAW),
            ProgressStyle::Lines(every) => Some(every).filter(|e| !e.is_zero()),
        }
    }

    fn tick(&mut self) {
        match self.style {
            ProgressStyle::Bar => self.redraw_bar(),
            ProgressStyle::Lines(_) => self.print_line(),
            ProgressStyle::Hidden => {}
        }
    }

    fn retried(&mut self, case: &Case, first: &CaseResult, result: &CaseResult) {
        self.progress.replace(first.outcome, result.outcome);
        let note = format!(
            " (run again alone: its first attempt, alongside other cases, ended {} on a 5xx)",
            first.outcome
        );
        self.print_case(case, result, &note);
    }
}
