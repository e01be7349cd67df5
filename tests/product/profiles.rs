//! Target profiles end to end: the real binary runs the suite with a profile against the
//! embedded server, the reference server behaves like a profile's target, and a user's own
//! profile file is loaded (or refused with the file and line).

use std::sync::Arc;

use crate::support::{scimspec, testcase, Reference, RunExt, TempDir};

#[test]
fn xmatters_profile_skips_what_it_excludes_and_round_trips_what_it_supports() {
    let dir = TempDir::new("profile-xmatters");
    scimspec()
        .args(["run", "--profile", "xmatters"])
        .junit_in(&dir)
        .exits(0);
    let xml = dir.junit();
    assert!(
        xml.contains("<property name=\"profile\" value=\"xmatters\"/>"),
        "{xml}"
    );
    // Excluded attribute: skipped with the reason.
    let display = testcase(&xml, "profile-round-trip-display-name");
    assert!(
        display.contains(
            "<skipped message=\"profile xmatters: attribute displayName is not supported\"/>"
        ),
        "{display}"
    );
    // No Enterprise User extension: cases needing it are skipped.
    let ext = testcase(&xml, "profile-round-trip-enterprise-department");
    assert!(ext.contains("<skipped "), "{ext}");
    // Supported attributes with the profile's own types and formats round-trip.
    for id in [
        "profile-round-trip-work-email",
        "profile-round-trip-home-phone",
        "profile-round-trip-role",
        "profile-round-trip-timezone",
        "profile-round-trip-preferred-language",
    ] {
        let case = testcase(&xml, id);
        assert!(
            !case.contains("<skipped") && !case.contains("<failure"),
            "{case}"
        );
    }
    // The embedded server runs in the same profile and refuses values that do not fit it
    // (types, E.164, time zones, two-letter languages): the passes above prove the test data
    // fits. Groups stay (xMatters provisions them).
    let group = testcase(&xml, "rfc7644-3.5.2.1-group-add-member");
    assert!(!group.contains("requires groups"), "{group}");
}

#[test]
fn samanage_profile_uses_basic_credentials_and_no_groups() {
    let dir = TempDir::new("profile-samanage");
    scimspec()
        .args(["run", "--profile", "samanage"])
        .junit_in(&dir)
        .exits(0);
    let xml = dir.junit();
    assert!(
        xml.contains("Basic [REDACTED]"),
        "Basic credentials are used"
    );
    assert!(
        xml.contains(
            "name=\"capability.groups\" value=\"no: profile samanage does not provision groups\""
        ),
        "{xml}"
    );
    let group = testcase(&xml, "rfc7644-3.5.2.1-group-add-member");
    assert!(
        group.contains("requires groups: profile samanage"),
        "{group}"
    );
}

#[test]
fn the_server_in_a_profile_refuses_what_the_target_would() {
    // The suite without the profile against the server in profile xmatters: RFC test data
    // (type "work", displayName) is refused the way xMatters refuses it.
    let profile = scimspec::profile::load("xmatters").expect("shipped profile");
    let server = Reference::start(scimspec::server::ServerConfig {
        token: Some("serve-token-1234".into()),
        profile: Some(Arc::new(profile)),
        ..Default::default()
    });
    let dir = TempDir::new("profile-server");
    let run = || {
        let mut cmd = scimspec();
        cmd.args(["run", "--target", server.base_url()])
            .args(["--token", "serve-token-1234"])
            .junit_in(&dir);
        cmd
    };
    let all = run().arg("rfc7643-4.1.2-emails-round-trip").exits(1);
    assert!(
        all.contains("emails of type \\\"work\\\" is not supported")
            && all.contains("(profile xmatters)"),
        "{all}"
    );
    // With the same profile on the client side, the case is skipped instead.
    run().args(["--profile", "xmatters"]).exits(0);
}

const OWN_PROFILE: &str = r#"
name = "acme"
title = "ACME directory"
matching = "userName"
groups = false
unsupported = "reject"

[auth]
methods = ["bearer"]

[[attribute]]
path = "userName"
required = true

[[attribute]]
path = 'emails[type eq "Office"].value'
required = true
format = "email"

[[attribute]]
path = 'phoneNumbers[type eq "Mobile"].value'
format = "e164"
"#;

#[test]
fn a_users_own_profile_file_is_used_and_checked() {
    let dir = TempDir::new("profile-own");
    let file = dir.write("acme.toml", OWN_PROFILE);
    scimspec()
        .args(["run", "profile-round-trip", "--profile"])
        .arg(&file)
        .junit_in(&dir)
        .exits(0);
    let xml = dir.junit();
    // The embedded server in the same profile requires the Office email and refuses other
    // types: the round trips pass because the runner adds the email and uses its type.
    for id in [
        "profile-round-trip-work-email",
        "profile-round-trip-user-name",
    ] {
        let case = testcase(&xml, id);
        assert!(
            !case.contains("<skipped") && !case.contains("<failure"),
            "{case}"
        );
    }
    let title = testcase(&xml, "profile-round-trip-title");
    assert!(
        title.contains("attribute title is not supported"),
        "{title}"
    );
    // The profile's only phone type stands for "work"; it has none for "home".
    let work_phone = testcase(&xml, "profile-round-trip-work-phone");
    assert!(
        !work_phone.contains("<skipped") && !work_phone.contains("<failure"),
        "{work_phone}"
    );
    let home_phone = testcase(&xml, "profile-round-trip-home-phone");
    assert!(
        home_phone.contains("profile acme has no home phone type"),
        "{home_phone}"
    );

    let shown = scimspec().arg("profiles").arg(&file).exits(0);
    assert!(shown.contains("acme — ACME directory"), "{shown}");
    assert!(
        shown.contains("emails[type eq \"Office\"].value"),
        "{shown}"
    );

    dir.write(
        "acme.toml",
        OWN_PROFILE.replace("format = \"e164\"", "format = \"e165\""),
    );
    let all = scimspec().args(["run", "--profile"]).arg(&file).exits(2);
    assert!(
        all.contains("acme.toml:22:") && all.contains("e165"),
        "{all}"
    );
}

#[test]
fn profiles_lists_the_shipped_ones() {
    let all = scimspec().arg("profiles").exits(0);
    for name in ["xmatters", "alexishr", "samanage", "okta"] {
        assert!(all.contains(name), "{all}");
    }
    let all = scimspec().args(["run", "--profile", "nope"]).exits(2);
    assert!(all.contains("unknown profile 'nope'"), "{all}");
}
