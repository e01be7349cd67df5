//! The steps the replay runs, as Entra names them, and what each failure means in Entra.

use super::step::StepKind;

pub(super) const TESTCONN: &str =
    "Entra does not start: Test Connection fails and a running job goes to quarantine.";
pub(super) const MATCH: &str = "Entra cannot tell whether the object exists: it creates duplicates, updates the wrong object, or stops with DuplicateTargetEntries.";
pub(super) const CREATE: &str = "The object is never provisioned: the export fails, is escrowed and retried for 28 days, and enough failures quarantine the job.";
pub(super) const UPDATE: &str =
    "Changes made in Entra never reach your application (failed updates, retried every cycle).";
pub(super) const DISABLE: &str =
    "Users unassigned or disabled in Entra keep access to your application.";
pub(super) const ENABLE: &str = "Re-assigned or restored users stay disabled in your application.";
pub(super) const VISIBLE: &str =
    "A disabled user cannot be found again: re-assignment creates a duplicate or a 409 conflict.";
pub(super) const DELETE: &str =
    "Objects deleted in Entra stay in your application (failed deletes, retried for 28 days).";
pub(super) const MANAGER: &str =
    "Manager references never sync; every cycle logs a failed reference update.";
pub(super) const MEMBERS: &str =
    "Group memberships are never provisioned: members get no group access in your application.";
pub(super) const REMOVE: &str = "Removing one member fails or wipes the group: unassigned users keep access, or every member loses it.";
pub(super) const RENAME: &str = "Group renames never reach your application, and the next match by displayName creates the group again.";
pub(super) const IMPORT: &str =
    "Entra skips the object: importing fails when the matching attribute has no value.";
pub(super) const SCOPE: &str = "The object is out of scope: Entra does not provision it.";

/// Step 1 of provision on demand.
pub(super) const TEST_CONNECTION: StepKind = StepKind::numbered(
    1,
    "test-connection",
    "Test connection",
    "Entra E-TESTCONN-PROBE",
);

/// Steps 2–5 of provision on demand, as Entra's UI names them for one kind of object.
pub(super) struct OnDemandSteps {
    pub import: StepKind,
    pub scope: StepKind,
    pub matching: StepKind,
    pub action: StepKind,
}

impl OnDemandSteps {
    /// The steps from number `from` on.
    pub fn starting_at(&self, from: u8) -> impl Iterator<Item = StepKind> {
        [self.import, self.scope, self.matching, self.action]
            .into_iter()
            .filter(move |kind| kind.number.is_some_and(|n| n >= from))
    }
}

const ACTION: StepKind =
    StepKind::numbered(5, "action", "Perform action", "Entra E-ON-DEMAND-ACTION");

pub(super) const USER_STEPS: OnDemandSteps = OnDemandSteps {
    import: StepKind::numbered(2, "import", "Import user", "Entra E-ON-DEMAND-IMPORT"),
    scope: StepKind::numbered(
        3,
        "scope",
        "Determine if user is in scope",
        "Entra E-ON-DEMAND-SCOPE",
    ),
    matching: StepKind::numbered(
        4,
        "match",
        "Match user between source and target system",
        "Entra E-FILTER-MATCHING",
    ),
    action: ACTION,
};

pub(super) const GROUP_STEPS: OnDemandSteps = OnDemandSteps {
    import: StepKind::numbered(2, "import", "Import group", "Entra E-ON-DEMAND-IMPORT"),
    scope: StepKind::numbered(
        3,
        "scope",
        "Determine if group is in scope",
        "Entra E-ON-DEMAND-SCOPE",
    ),
    matching: StepKind::numbered(
        4,
        "match",
        "Match group between source and target system",
        "Entra E-FILTER-MATCHING",
    ),
    action: ACTION,
};

/// The manager reference, set once every user is provisioned.
pub(super) const SET_MANAGER: StepKind = StepKind::on_demand(
    "manager",
    "Update manager reference (second pass)",
    "Entra E-MANAGER",
);
pub(super) const ADD_MEMBERS: StepKind = StepKind::on_demand(
    "members",
    "Add members (up to 5 on demand)",
    "Entra E-GROUP-ADD-MEMBERS",
);

pub(super) const UPDATE_USER: StepKind =
    StepKind::lifecycle("update", "Update user", "Entra E-PATCH-MULTI-VALUED");
pub(super) const DISABLE_USER: StepKind =
    StepKind::lifecycle("disable", "Disable user", "Entra E-DISABLE-USER");
pub(super) const REENABLE_USER: StepKind =
    StepKind::lifecycle("reenable", "Re-enable user", "Entra E-REACTIVATE");
pub(super) const DELETE_USER: StepKind =
    StepKind::lifecycle("delete", "Delete user", "Entra E-DELETE-USER");
pub(super) const REMOVE_MEMBER: StepKind = StepKind::lifecycle(
    "remove-member",
    "Remove a member",
    "Entra E-GROUP-REMOVE-MEMBERS",
);
pub(super) const RENAME_GROUP: StepKind =
    StepKind::lifecycle("rename", "Rename group", "Entra E-GROUP-RENAME");
pub(super) const DELETE_GROUP: StepKind =
    StepKind::lifecycle("delete", "Delete group", "Entra E-GROUP-DELETE");

#[cfg(test)]
mod tests {
    use super::*;

    /// Every step the replay reports cites a behaviour the Entra catalogue lists, as a case
    /// must (`spec/entra-catalog.yaml`).
    #[test]
    fn every_step_cites_a_catalogued_behaviour() {
        let mut kinds = vec![
            TEST_CONNECTION,
            SET_MANAGER,
            ADD_MEMBERS,
            UPDATE_USER,
            DISABLE_USER,
            REENABLE_USER,
            DELETE_USER,
            REMOVE_MEMBER,
            RENAME_GROUP,
            DELETE_GROUP,
        ];
        kinds.extend(USER_STEPS.starting_at(1));
        kinds.extend(GROUP_STEPS.starting_at(1));
        for kind in kinds {
            assert!(
                crate::load::catalogue_entry(kind.spec).is_some(),
                "{} cites {}, which spec/entra-catalog.yaml does not list",
                kind.slug,
                kind.spec
            );
        }
    }
}
