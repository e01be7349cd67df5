//! The embedded reference server as a target: its configuration, with fresh credentials of the
//! kind the profile uses (Basic for Samanage, a bearer token otherwise).

use std::sync::Arc;

use crate::http::Credentials;
use crate::profile::Profile;
use crate::server::ServerConfig;

/// The server's configuration and the credentials the client must send to it.
pub fn server_config(profile: Option<Arc<Profile>>) -> (ServerConfig, Credentials) {
    let secret = format!("scimspec-{}", uuid::Uuid::new_v4().simple());
    let basic = profile.as_ref().is_some_and(|p| p.uses_basic());
    let config = ServerConfig {
        token: (!basic).then(|| secret.clone()),
        basic: basic.then(|| ("scimspec".to_string(), secret.clone())),
        profile,
        ..ServerConfig::default()
    };
    let credentials = if basic {
        Credentials::Basic {
            user: "scimspec".into(),
            password: secret,
        }
    } else {
        Credentials::Bearer(secret)
    };
    (config, credentials)
}
