//! The command line as clap reads it. Every option of `run` can also come from a
//! `SCIMSPEC_*` environment variable, so CI needs no flags. Options that a config file may
//! also give have no clap default: a flag is either given or not, and the defaults are applied
//! once, after merging (see `options.rs`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::entra::Dialect;

#[derive(Debug, Parser)]
#[command(
    name = "scimspec",
    version,
    about = "SCIM 2.0 (RFC 7643/7644) and Microsoft Entra ID conformance test suite",
    after_help = "Exit codes: 0 no MUST case failed; 1 a case failed or could not be evaluated; \
                  2 usage, configuration or case-file error, credentials refused or no SCIM base URL \
                  (the preflight), or no case ran; 3 target unreachable; \
                  130 interrupted (Ctrl-C); 143 terminated (SIGTERM)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per process: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the cases against a target (the embedded reference server when no target is given).
    Run(RunArgs),
    /// Run the embedded reference SCIM server in the foreground.
    Serve(ServeArgs),
    /// Validate case files and print what they hold, without running anything.
    Check(CheckArgs),
    /// Run the suite against every target of a config file at once and write a comparison
    /// matrix (Markdown, HTML, JUnit with one testsuite per target).
    Compare(CompareArgs),
    /// List the shipped target profiles, or check and describe a profile file.
    Profiles(ProfilesArgs),
    /// Write the coverage document: RFC section → cases, and the sections not covered.
    Coverage(CoverageArgs),
    /// Entra ID's Test Connection: query a random GUID on the matching attribute, as Entra does.
    Probe(ProbeArgs),
    /// Replay Entra ID provisioning (on-demand steps, then a lifecycle) for a file of users and groups.
    Provision(ProvisionArgs),
    /// Send a provisioning client's traffic at a rate and measure: rate, latency percentiles,
    /// 429 behaviour, correctness under load (docs/load.md).
    Load(LoadArgs),
}

#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// Base URL of the SCIM endpoint, e.g. https://host/scim/v2, or the name of a target of the
    /// config file (default: start the embedded server).
    #[arg(long, env = "SCIMSPEC_TARGET")]
    pub target: Option<String>,
    /// Bearer token sent as `Authorization: Bearer …`.
    #[arg(
        long,
        env = "SCIMSPEC_TOKEN",
        hide_env_values = true,
        conflicts_with = "basic"
    )]
    pub token: Option<String>,
    /// HTTP Basic credentials as user:password.
    #[arg(
        long,
        env = "SCIMSPEC_BASIC",
        hide_env_values = true,
        value_name = "USER:PASSWORD"
    )]
    pub basic: Option<String>,
    /// Account domain for Basic credentials (xMatters style): replaces {domain} in the target URL.
    #[arg(long, env = "SCIMSPEC_DOMAIN", requires = "basic")]
    pub domain: Option<String>,
    /// OAuth 2 token endpoint (client credentials grant); needs --client-id and --client-secret.
    #[arg(
        long,
        env = "SCIMSPEC_TOKEN_URL",
        value_name = "URL",
        requires_all = ["client_id", "client_secret"],
        conflicts_with_all = ["token", "basic"]
    )]
    pub token_url: Option<String>,
    /// OAuth 2 client id.
    #[arg(long, env = "SCIMSPEC_CLIENT_ID", requires = "token_url")]
    pub client_id: Option<String>,
    /// OAuth 2 client secret.
    #[arg(
        long,
        env = "SCIMSPEC_CLIENT_SECRET",
        hide_env_values = true,
        requires = "token_url"
    )]
    pub client_secret: Option<String>,
    /// OAuth 2 scope to request.
    #[arg(long, env = "SCIMSPEC_SCOPE", requires = "token_url")]
    pub scope: Option<String>,
    /// Extra header sent with every request, `Name: value` (repeatable; values are masked).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Accept invalid TLS certificates (self-signed test servers).
    #[arg(long, env = "SCIMSPEC_INSECURE")]
    pub insecure: bool,
    /// Trust this PEM CA certificate in addition to the system roots.
    #[arg(long, env = "SCIMSPEC_CA_CERT", value_name = "PEM")]
    pub ca_cert: Option<PathBuf>,
    /// Per-request timeout in seconds [default: 30].
    #[arg(long, env = "SCIMSPEC_TIMEOUT", value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Largest response body read, in bytes; a larger one errors the case [default: 4194304].
    #[arg(long, env = "SCIMSPEC_MAX_BODY", value_name = "BYTES")]
    pub max_body: Option<u64>,
    /// Config file (TOML) describing targets; flags and SCIMSPEC_* variables override it.
    #[arg(long, env = "SCIMSPEC_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Target profile: a shipped name (xmatters, alexishr, samanage, okta) or a .toml file.
    #[arg(long, env = "SCIMSPEC_PROFILE", value_name = "NAME|PATH")]
    pub profile: Option<String>,
    /// Run even when the preflight finds the credentials refused or no SCIM base URL.
    #[arg(long, env = "SCIMSPEC_NO_PREFLIGHT", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_preflight: bool,
}

/// Which cases run: by tag, spec section and id (shared by `run` and `compare`).
#[derive(Debug, Clone, Args)]
pub struct SelectArgs {
    /// Only cases with this tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only cases under this spec section, e.g. "RFC7644 §3.4" or 3.4 (repeatable).
    #[arg(long = "section", value_name = "SECTION")]
    pub sections: Vec<String>,
    /// Run only cases whose id contains this text.
    pub filter: Option<String>,
    /// Match FILTER exactly rather than as a substring.
    #[arg(long)]
    pub exact: bool,
    /// Skip cases whose id contains this text (repeatable).
    #[arg(long = "skip", value_name = "TEXT")]
    pub skip: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Case files or directories to load instead of the embedded suite.
    #[arg(
        long = "suites",
        env = "SCIMSPEC_SUITES",
        value_delimiter = ',',
        value_name = "PATH"
    )]
    pub suites: Vec<PathBuf>,
    #[command(flatten)]
    pub select: SelectArgs,
    /// List the selected cases without running them.
    #[arg(long)]
    pub list: bool,
    /// Cases run at once [default: 8].
    #[arg(long, short = 'j', env = "SCIMSPEC_JOBS")]
    pub jobs: Option<usize>,
    /// Overall deadline of the run in seconds: cases not finished by then error, cleanup gets
    /// 10 s more, the reports are written; 0 for none [default: 600].
    #[arg(long, env = "SCIMSPEC_DEADLINE", value_name = "SECONDS")]
    pub deadline: Option<u64>,
    /// Where the JUnit XML report goes [default: reports/junit.xml].
    #[arg(long, env = "SCIMSPEC_JUNIT", value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Known deviations of the target: cases expected to fail, warn, error or skip (YAML).
    #[arg(long, env = "SCIMSPEC_BASELINE", value_name = "PATH")]
    pub baseline: Option<PathBuf>,
    /// Write a baseline of this run here: every case that failed, warned or errored, with its
    /// message as the reason to replace with the deviation.
    #[arg(long, env = "SCIMSPEC_WRITE_BASELINE", value_name = "PATH")]
    pub write_baseline: Option<PathBuf>,
    /// Also write the run as JSON here (its shape: schemas/report.schema.json).
    #[arg(long, env = "SCIMSPEC_REPORT_JSON", value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    /// Also write a Markdown summary here, e.g. "$GITHUB_STEP_SUMMARY" (appended to when the
    /// file exists).
    #[arg(long, env = "SCIMSPEC_REPORT_MARKDOWN", value_name = "FILE")]
    pub report_markdown: Option<PathBuf>,
    /// Also write a self-contained HTML report to DIR/index.html (inline CSS and script, no
    /// external resource).
    #[arg(long, env = "SCIMSPEC_REPORT_HTML", value_name = "DIR")]
    pub report_html: Option<PathBuf>,
    /// One character per case instead of one line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// No colours in the console output.
    #[arg(long, env = "NO_COLOR", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_color: bool,
    /// Also print the redacted HTTP transcript of every warned case (failures always show theirs).
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Require this bearer token.
    #[arg(long, env = "SCIMSPEC_SERVE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Also (or only) accept these HTTP Basic credentials, user:password.
    #[arg(long, value_name = "USER:PASSWORD")]
    pub basic: Option<String>,
    /// Break exactly one rule (see --list-faults).
    #[arg(long)]
    pub fault: Option<String>,
    /// Print the fault catalogue and exit.
    #[arg(long)]
    pub list_faults: bool,
    /// Choose differently where the RFC allows it (repeatable; see --list-variants).
    #[arg(long = "variant", value_name = "NAME")]
    pub variants: Vec<String>,
    /// Print the variance catalogue (RFC-allowed behaviours) and exit.
    #[arg(long)]
    pub list_variants: bool,
    /// Reject non-RFC input that Entra sends (string booleans, capitalised ops, …).
    #[arg(long)]
    pub strict: bool,
    /// Behave like a target of this profile (xmatters, alexishr, samanage, okta, or a .toml file):
    /// its attributes, value types and formats, groups or not, Enterprise User or not.
    #[arg(long, env = "SCIMSPEC_SERVE_PROFILE", value_name = "NAME|PATH")]
    pub profile: Option<String>,
    /// Answer 429 with Retry-After above this many requests per second, e.g. 50/s.
    #[arg(long, value_name = "N/s")]
    pub rate_limit: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// Config file (TOML) whose targets are compared.
    #[arg(long, env = "SCIMSPEC_CONFIG", value_name = "PATH")]
    pub config: PathBuf,
    /// Compare only these targets of the config file (repeatable; default: all).
    #[arg(long = "only", value_name = "TARGET")]
    pub only: Vec<String>,
    /// Overall deadline of each target's run in seconds (0 for none) [default: 600].
    #[arg(long, env = "SCIMSPEC_DEADLINE", value_name = "SECONDS")]
    pub deadline: Option<u64>,
    /// Directory for compare.md, compare.html and compare-junit.xml (default: reports).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write every target's run as JSON in one file (shape: schemas/report.schema.json).
    #[arg(long, env = "SCIMSPEC_REPORT_JSON", value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    #[command(flatten)]
    pub select: SelectArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ProfilesArgs {
    /// A profile name or .toml file to check and describe (default: list the shipped profiles).
    pub profile: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Case files or directories (default: the embedded suite).
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct CoverageArgs {
    /// Write the document here (default: standard output).
    #[arg(long, value_name = "PATH", conflicts_with = "check")]
    pub out: Option<PathBuf>,
    /// Exit with 1 when this file differs from what would be generated.
    #[arg(long, value_name = "PATH")]
    pub check: Option<PathBuf>,
}

// --- Microsoft Entra ID commands -------------------------------------------------------------

#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The SCIM attribute Entra matches users on: userName (default), externalId,
    /// 'emails[type eq "work"].value', …
    #[arg(long, default_value = "userName", value_name = "ATTRIBUTE")]
    pub matching: String,
    /// Skip the random group probe (for endpoints without /Groups).
    #[arg(long)]
    pub no_group_probe: bool,
    /// Show each redacted HTTP exchange.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ProvisionArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// JSON file of Entra-side users and groups (format: docs/entra.md).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Matching attribute (a SCIM target of the mapping), repeatable in precedence order.
    #[arg(
        long = "matching",
        default_value = "userName",
        value_name = "ATTRIBUTE"
    )]
    pub matching: Vec<String>,
    /// The PATCH dialect of the lifecycle (on-demand steps always use the default one).
    #[arg(long, value_enum, default_value_t = DialectArg::Default)]
    pub dialect: DialectArg,
    /// Run only the on-demand steps and leave what they provision in the target.
    #[arg(long)]
    pub on_demand_only: bool,
    /// Where the JUnit XML report of the steps goes.
    #[arg(
        long,
        env = "SCIMSPEC_PROVISION_JUNIT",
        default_value = "reports/provision.xml",
        value_name = "PATH"
    )]
    pub junit: PathBuf,
    /// Show each step's redacted HTTP exchanges.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Entra's two PATCH dialects, as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    /// What Entra sends unless told otherwise: capitalised ops, string booleans, member
    /// removal by value list.
    #[value(name = "default")]
    Default,
    /// With `?aadOptscim062020` on the Tenant URL: lower-case ops, booleans, path-less
    /// replace with attribute-path keys, member removal by value filter.
    #[value(name = "aadOptscim062020", alias = "aadoptscim062020")]
    AadOptscim062020,
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Self {
        match d {
            DialectArg::Default => Dialect::Default,
            DialectArg::AadOptscim062020 => Dialect::AadOptscim062020,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct LoadArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// get, entra-initial-cycle, entra-incremental, okta-push, lifecycle, import or mix.
    #[arg(long, default_value = "mix", value_name = "NAME")]
    pub scenario: String,
    /// Requests per second (open model), e.g. 25/s or 1500/m; `max` for a closed loop.
    #[arg(long, default_value = "25/s", value_name = "RATE")]
    pub rate: String,
    /// A ramp stage before the rate holds, DURATION:RATE, e.g. 10s:25/s (repeatable).
    #[arg(long = "ramp", value_name = "DURATION:RATE")]
    pub ramp: Vec<String>,
    /// How long the rate holds, e.g. 30s or 2m.
    #[arg(long, default_value = "10s", value_name = "DURATION")]
    pub duration: String,
    /// Virtual users: flows in progress at once (also the population `import` pages through).
    #[arg(long, default_value_t = crate::stress::DEFAULT_USERS, value_name = "N")]
    pub users: usize,
    /// Stop after this many flows (one object's journey each).
    #[arg(long, value_name = "N")]
    pub iterations: Option<u64>,
    /// Most requests sent in all.
    #[arg(long, default_value_t = crate::stress::DEFAULT_MAX_REQUESTS, value_name = "N")]
    pub max_requests: u64,
    /// Stop sending when more than this percentage of requests fail (no answer or 5xx).
    #[arg(long, default_value_t = 50.0, value_name = "PERCENT")]
    pub max_error_rate: f64,
    /// Users per page in `import`.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub page_size: usize,
    /// Seconds requests in flight get after the schedule ends before they are cut.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub grace: u64,
    /// Skip the final-state check.
    #[arg(long)]
    pub no_final_check: bool,
    /// Send load to a target that is not on this machine (127.0.0.1, ::1, localhost).
    #[arg(long, env = "SCIMSPEC_SENDS_LOAD", value_parser = clap::builder::FalseyValueParser::new())]
    pub i_understand_this_sends_load: bool,
    /// Also write the figures as JSON here (shape: schemas/load-report.schema.json). Its
    /// variable is not `run`'s, whose report has another shape.
    #[arg(long, env = "SCIMSPEC_LOAD_REPORT_JSON", value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    /// Also write a JUnit file with one testcase per verdict criterion.
    #[arg(long, env = "SCIMSPEC_LOAD_JUNIT", value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write DIR/index.html: one self-contained page with the figures and a latency plot.
    #[arg(long, env = "SCIMSPEC_LOAD_REPORT_HTML", value_name = "DIR")]
    pub report_html: Option<PathBuf>,
    /// Write a script for a distributed engine instead of running: `--export locust DIR`.
    #[arg(long, num_args = 2, value_names = ["ENGINE", "DIR"])]
    pub export: Vec<String>,
}
