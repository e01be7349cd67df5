//! One target, connected: the embedded reference server or a URL, the client with its
//! credentials (bearer, Basic with an account domain, OAuth 2), what discovery found and the
//! profile applied to it — once, here. Every command that talks to a target (`run`, `compare`,
//! `probe`, `provision`, the `cargo test` harness) and the project's tests go through
//! [`Target::connect`]; the stages below never choose a target themselves.

mod calibrate;
mod embedded;
mod error;
mod options;
mod preflight;

use std::sync::Arc;
use std::time::Duration;

pub use calibrate::{Calibration, UserNameForm};
pub use error::TargetError;
pub use options::{validate_url, TargetOptions, DEFAULT_TIMEOUT};
pub use preflight::PreflightError;

use crate::http::{ClientOptions, Credentials, Deadline, HttpClient, Redactor};
use crate::load::Suite;
use crate::plan::{self, Capabilities, Discovery, Plan, Selection};
use crate::profile::{self, Profile};
use crate::report::RunReport;
use crate::run::{CaseResult, Interrupt, RunContext};
use crate::server::{self, RunningServer};

/// Whether [`Target::connect`] reads the discovery endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discover {
    /// Read `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (what a suite run needs).
    Yes,
    /// Send nothing before the command's own requests (Entra's Test Connection sends exactly
    /// one query, and so does `probe`).
    No,
}

/// A connected target.
#[derive(Debug)]
pub struct Target {
    /// The config file's name for the target, if it came from one.
    pub name: Option<String>,
    client: HttpClient,
    profile: Option<Arc<Profile>>,
    discovery: Discovery,
    calibration: Calibration,
    embedded: Option<RunningServer>,
}

/// Loads the profile named on the command line or in the config file.
pub fn load_profile(name: Option<&str>) -> Result<Option<Arc<Profile>>, TargetError> {
    Ok(name.map(profile::load).transpose()?.map(Arc::new))
}

/// The plan of a run that sends nothing (`--list`): every capability unknown, the profile's
/// exclusions applied.
pub fn plan_offline(suite: &Suite, selection: &Selection, profile: Option<&Profile>) -> Plan {
    let mut capabilities = Capabilities::default();
    if let Some(p) = profile {
        plan::restrict_capabilities(p, &mut capabilities);
    }
    plan::plan_for_profile(suite, selection, &capabilities, profile)
}

impl Target {
    /// Starts the embedded server (no URL) or checks the URL, builds the client, discovers
    /// the target (with [`Discover::Yes`]), checks that it accepts the credentials and is a
    /// SCIM base URL (the preflight, unless `no_preflight`), applies the profile to what it
    /// found and calibrates.
    pub async fn connect(options: &TargetOptions, discover: Discover) -> Result<Self, TargetError> {
        let profile = load_profile(options.profile.as_deref())?;
        let mut credentials = options.credentials.clone();
        let mut embedded = None;
        let base_url = match &options.url {
            Some(url) => {
                options::validate_url(url)?;
                url.trim_end_matches('/').to_string()
            }
            None => {
                // A fresh secret, so authentication is tested too.
                let (config, creds) = embedded::server_config(profile.clone());
                let running = server::spawn(config)
                    .await
                    .map_err(|e| TargetError::Server(e.to_string()))?;
                credentials = creds;
                let url = running.base_url().to_string();
                embedded = Some(running);
                url
            }
        };
        let client = HttpClient::new(ClientOptions {
            credentials,
            timeout: options.timeout.max(Duration::from_secs(1)),
            max_body: options.max_body,
            deadline: options.deadline.map(Deadline::after),
            insecure: options.insecure,
            ca_cert: options.ca_cert.clone(),
            extra_headers: options.headers.clone(),
            ..ClientOptions::new(base_url)
        });
        let mut target = Target {
            name: options.name.clone(),
            client: match client {
                Ok(c) => c,
                Err(e) => {
                    stop(embedded).await;
                    return Err(TargetError::Http(e));
                }
            },
            profile,
            discovery: Discovery::default(),
            calibration: Calibration::default(),
            embedded,
        };
        if discover == Discover::Yes {
            match plan::discover(&target.client).await {
                Ok(d) => target.discovery = d,
                Err(e) => {
                    let error = if e.is_unreachable() {
                        TargetError::Unreachable(e.to_string())
                    } else {
                        TargetError::Http(e)
                    };
                    target.stop().await;
                    return Err(error);
                }
            }
            if !options.no_preflight {
                if let Err(e) = preflight::check(&target.client).await {
                    target.stop().await;
                    return Err(TargetError::Preflight(e));
                }
            }
            if let Some(p) = &target.profile {
                plan::restrict_capabilities(p, &mut target.discovery.capabilities);
            }
            let run = uuid::Uuid::new_v4().simple().to_string();
            target.calibration =
                calibrate::calibrate(&target.client, &mut target.discovery, &run[..8]).await;
        }
        Ok(target)
    }

    /// The target's SCIM base URL (no trailing slash, never carries credentials).
    pub fn base_url(&self) -> &str {
        self.client.base_url()
    }

    pub fn client(&self) -> &HttpClient {
        &self.client
    }

    pub fn redactor(&self) -> &Redactor {
        self.client.redactor()
    }

    pub fn credentials(&self) -> &Credentials {
        self.client.credentials()
    }

    pub fn profile(&self) -> Option<&Arc<Profile>> {
        self.profile.as_ref()
    }

    /// What discovery found, with the profile's exclusions applied.
    pub fn discovery(&self) -> &Discovery {
        &self.discovery
    }

    /// True when the target is the embedded reference server this process started.
    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }

    /// The selected cases, each with the reason it will not run on this target, if any.
    pub fn plan(&self, suite: &Suite, selection: &Selection) -> Plan {
        plan::plan_for_profile(
            suite,
            selection,
            &self.discovery.capabilities,
            self.profile.as_deref(),
        )
    }

    /// What calibration learnt about the target.
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// What the cases of one run share: the client, a fresh run prefix, the profile, the
    /// calibration.
    pub fn context(&self) -> Arc<RunContext> {
        let mut ctx = RunContext::new(self.client.clone()).with_profile(self.profile.clone());
        ctx.uid_suffix = self.calibration.user_name.shape("");
        ctx.required = self.discovery.required.clone();
        Arc::new(ctx)
    }

    /// The same, also stopped early by `interrupt` (raised on Ctrl-C by the command layer).
    pub fn context_with_interrupt(&self, interrupt: &Interrupt) -> Arc<RunContext> {
        let mut ctx = RunContext::new(self.client.clone())
            .with_profile(self.profile.clone())
            .with_interrupt(interrupt.clone());
        ctx.uid_suffix = self.calibration.user_name.shape("");
        ctx.required = self.discovery.required.clone();
        Arc::new(ctx)
    }

    /// The finished run as the reporters read it.
    pub fn report(
        &self,
        run_id: String,
        results: Vec<(crate::load::CaseInfo, CaseResult)>,
        duration: Duration,
    ) -> RunReport {
        RunReport {
            target: self.base_url().to_string(),
            run_id,
            discovery: Some(self.discovery.clone()),
            results,
            duration,
            redactor: self.redactor().clone(),
            run_leftovers: self.calibration.leftovers.clone(),
        }
    }

    /// Stops the embedded server, if this target started one.
    pub async fn stop(self) {
        stop(self.embedded).await;
    }
}

async fn stop(server: Option<RunningServer>) {
    if let Some(s) = server {
        s.stop().await;
    }
}
