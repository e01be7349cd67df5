//! The fault catalogue: each fault makes the reference server break exactly one rule, so the
//! suite can prove that some case catches it. Faults are checked where the rule is implemented.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// `FromStr` error for a name that is not in [`Fault::all`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("unknown fault {0}")]
pub struct UnknownFault(pub String);

macro_rules! faults {
    ($( $variant:ident => $name:literal, $rule:literal; )*) => {
        /// One deliberately broken rule of the reference server.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Fault {
            $( $variant, )*
        }

        impl Fault {
            /// Every fault, in catalogue order.
            pub fn all() -> &'static [Fault] {
                &[ $( Fault::$variant, )* ]
            }

            /// The kebab-case name used on the command line.
            pub fn name(self) -> &'static str {
                match self { $( Fault::$variant => $name, )* }
            }

            /// The rule the fault breaks, with its RFC (or Entra) section.
            pub fn rule(self) -> &'static str {
                match self { $( Fault::$variant => $rule, )* }
            }
        }
    };
}

faults! {
    // Status codes
    CreateReturns200 => "create-returns-200", "RFC7644 §3.3: successful create answers 200 instead of 201 Created";
    DeleteReturns200 => "delete-returns-200", "RFC7644 §3.6: successful DELETE answers 200 with a body instead of 204 No Content";
    UnknownIdReturns400 => "unknown-id-returns-400", "RFC7644 §3.12: an unknown resource (id, schema, resource type) or endpoint answers 400 instead of 404";
    GetReturns201 => "get-returns-201", "RFC7644 §3.4.1: GET of an existing resource answers 201 instead of 200";
    DeletedStillFound => "deleted-still-found", "RFC7644 §3.6: a deleted resource is still returned by GET";
    PutUnknownCreates => "put-unknown-creates", "RFC7644 §3.5.1: PUT to an unknown id creates the resource instead of answering 404";
    DuplicateReturns400 => "duplicate-returns-400", "RFC7644 §3.3: a duplicate userName answers 400 instead of 409 uniqueness";
    MissingRequiredAccepted => "missing-required-accepted", "RFC7643 §4.1 / RFC7644 §3.3: a User without userName is created";
    MalformedJsonReturns500 => "malformed-json-returns-500", "RFC7644 §3.12: malformed JSON answers 500 instead of 400 invalidSyntax";
    MeNotFound => "me-not-found", "RFC7644 §3.11: /Me, not supported, answers 404 instead of 501";
    // Headers
    NoLocationHeader => "no-location-header", "RFC7644 §3.3: create answers without a Location header";
    ContentTypeJson => "content-type-json", "RFC7644 §8.1: responses use Content-Type application/json instead of application/scim+json";
    NoEtagHeader => "no-etag-header", "RFC7644 §3.14: single-resource answers carry no ETag header";
    EtagMismatchesVersion => "etag-mismatches-version", "RFC7643 §3.1: the ETag header differs from meta.version";
    IfMatchIgnored => "if-match-ignored", "RFC7644 §3.14: a stale If-Match is ignored instead of answering 412";
    IfNoneMatchIgnored => "if-none-match-ignored", "RFC7644 §3.14: a matching If-None-Match on GET answers 200 instead of 304";
    IfNoneMatchNotCompared => "if-none-match-not-compared", "RFC7644 §3.14: any If-None-Match on GET answers 304, whatever its entity tags";
    VersionNotUpdated => "version-not-updated", "RFC7644 §3.14: meta.version (the ETag) stays the same when the resource changes";
    // Media type and encoding
    AcceptJsonRejected => "accept-json-rejected", "RFC7644 §3.8: Accept: application/json answers 406 instead of a JSON document";
    NonAsciiMangled => "non-ascii-mangled", "RFC7644 §3.8: non-ASCII characters in string values are stored as '?' (not UTF-8)";
    // Lists, filters, pagination, sorting
    ZeroResults404 => "zero-results-404", "RFC7644 §3.4.2: a query with no matches answers 404 instead of an empty ListResponse";
    FilterIgnored => "filter-ignored", "RFC7644 §3.4.2.2: the filter is ignored and every resource is listed";
    InvalidFilterAccepted => "invalid-filter-accepted", "RFC7644 §3.4.2.2: an unparsable filter answers 200 instead of 400 invalidFilter";
    TotalResultsPageOnly => "total-results-page-only", "RFC7644 §3.4.2.4: totalResults counts the page instead of all matches";
    StartIndexZeroBased => "start-index-zero-based", "RFC7644 §3.4.2.4: startIndex is treated as 0-based";
    SearchReturns201 => "search-returns-201", "RFC7644 §3.4.3: POST /.search answers 201 instead of 200";
    StartIndexDefaultZero => "start-index-default-zero", "RFC7644 §3.4.2.4: without startIndex the ListResponse reports startIndex 0 instead of 1";
    CountIgnored => "count-ignored", "RFC7644 §3.4.2.4: count does not limit the page size";
    EqCaseSensitive => "eq-case-sensitive", "RFC7644 §3.4.2.2: eq on a caseExact=false attribute (userName) is case-sensitive";
    CoAsEq => "co-as-eq", "RFC7644 §3.4.2.2: co matches only whole values, like eq";
    AndAsOr => "and-as-or", "RFC7644 §3.4.2.2: and is evaluated as or";
    NotIgnored => "not-ignored", "RFC7644 §3.4.2.2: not is ignored";
    PrMatchesUnassigned => "pr-matches-unassigned", "RFC7644 §3.4.2.2: pr is true for unassigned or null attributes";
    SortByIgnored => "sort-by-ignored", "RFC7644 §3.4.2.3: sortBy is ignored";
    SortOrderIgnored => "sort-order-ignored", "RFC7644 §3.4.2.3: sortOrder=descending is ignored";
    ListSchemaMissing => "list-schema-missing", "RFC7644 §3.4.2: the ListResponse has no schemas member";
    ItemsPerPageRequested => "items-per-page-requested", "RFC7644 §3.4.2: itemsPerPage reports the count asked for instead of the number of resources returned";
    UnknownAttributeFilterAll => "unknown-attribute-filter-all", "RFC7644 §3.4.2.2: a filter on an attribute no schema defines lists every resource instead of none (or 400 invalidFilter)";
    // Projection
    AttributesIgnored => "attributes-ignored", "RFC7644 §3.9: the attributes parameter is ignored";
    ExcludedAttributesIgnored => "excluded-attributes-ignored", "RFC7644 §3.9: the excludedAttributes parameter is ignored";
    AttributesDropsId => "attributes-drops-id", "RFC7643 §2.2 / §3.1: id (returned always) is dropped when attributes omits it";
    ExcludedAttributesDropsAlways => "excluded-attributes-drops-always", "RFC7644 §3.4.2.5: excludedAttributes=id removes id (returned always)";
    AttributesDropsSchemas => "attributes-drops-schemas", "RFC7643 §3: schemas is left out of a representation projected with attributes";
    PasswordReturned => "password-returned", "RFC7643 §4.1: password (returned never) is returned";
    // PATCH
    PatchIgnoresRemove => "patch-ignores-remove", "RFC7644 §3.5.2.2: remove op is ignored";
    PatchAddReplacesMulti => "patch-add-replaces-multi", "RFC7644 §3.5.2.1: add to a multi-valued attribute replaces its values instead of appending";
    PatchReplaceFilterAll => "patch-replace-filter-all", "RFC7644 §3.5.2.3: replace with a value filter replaces every value, not only the matching ones";
    PatchNoTargetSucceeds => "patch-no-target-succeeds", "RFC7644 §3.5.2.3: replace with a value filter matching nothing succeeds instead of 400 noTarget";
    PatchRemoveNoPathAccepted => "patch-remove-no-path-accepted", "RFC7644 §3.5.2.2: remove without path succeeds instead of 400 noTarget";
    PatchNotAtomic => "patch-not-atomic", "RFC7644 §3.5.2: a failing PATCH keeps the operations applied before the error";
    PatchPrimaryNotExclusive => "patch-primary-not-exclusive", "RFC7644 §3.5.2: setting primary=true leaves other values primary";
    PatchReadOnlyAccepted => "patch-readonly-accepted", "RFC7644 §3.5.2: PATCH of a readOnly attribute succeeds instead of 400 mutability";
    PatchInvalidPathAccepted => "patch-invalid-path-accepted", "RFC7644 §3.5.2: a malformed path is ignored instead of 400 invalidPath";
    PatchAddAbsentNoTarget => "patch-add-absent-no-target", "RFC7644 §3.5.2.1: add to an attribute without a value answers 400 noTarget instead of adding it";
    PatchAddKeepsExisting => "patch-add-keeps-existing", "RFC7644 §3.5.2.1: add to a single-valued attribute that has a value keeps the old value";
    MemberReaddDuplicates => "member-readd-duplicates", "RFC7644 §3.5.2.1: adding a value (member) that is already there adds it a second time";
    PatchReplaceAbsentNoTarget => "patch-replace-absent-no-target", "RFC7644 §3.5.2.3: replace of an attribute without a value answers 400 noTarget instead of adding it";
    PatchReplaceMultiAppends => "patch-replace-multi-appends", "RFC7644 §3.5.2.3: replace of a multi-valued attribute appends instead of replacing all its values";
    PatchReplaceComplexDropsOthers => "patch-replace-complex-drops-others", "RFC7644 §3.5.2.3: replace of a complex attribute drops the sub-attributes value does not name";
    PatchFilterReplaceAppends => "patch-filter-replace-appends", "RFC7644 §3.5.2.3: replace through a value filter appends the value instead of replacing the matching ones";
    PatchNoPathReplacesAll => "patch-no-path-replaces-all", "RFC7644 §3.5.2.3: path-less replace clears the attributes value does not name";
    PatchSubAttributeDropsSiblings => "patch-sub-attribute-drops-siblings", "RFC7644 §3.5.2: setting a sub-attribute replaces the whole complex value, dropping its siblings";
    PatchUnassignIgnored => "patch-unassign-ignored", "RFC7643 §2.5: PATCH replace with null or [] leaves the value instead of unassigning it";
    PatchRemoveUnmatchedClears => "patch-remove-unmatched-clears", "RFC7644 §3.5.2.2: remove through a value filter that matches nothing removes the whole attribute";
    PatchOpsReordered => "patch-ops-reordered", "RFC7644 §3.5.2: operations are applied grouped by op (remove, replace, add) instead of in order";
    PatchPathCaseSensitive => "patch-path-case-sensitive", "RFC7644 §3.10: PATCH paths match attribute names and schema URNs case-sensitively";
    PatchCoreUrnPathRejected => "patch-core-urn-path-rejected", "RFC7644 §3.10: a PATCH path qualified with the core schema URN answers 400 invalidPath";
    // PUT, updates and deletes
    PutMerges => "put-merges", "RFC7644 §3.5.1: PUT keeps the attributes the body omits instead of clearing them";
    UpdateNotSaved => "update-not-saved", "RFC7644 §3.5.1 / §3.5.2: PUT and PATCH answer with the new resource but do not store it";
    UpdateReassignsId => "update-reassigns-id", "RFC7643 §3.1: an update (PUT, PATCH) re-creates the resource under a new id";
    NoOpUpdateTouchesLastModified => "no-op-update-touches-last-modified", "RFC7644 §3.5.2.1: an update that changes nothing still changes meta.lastModified";
    DeleteGroupCascades => "delete-group-cascades", "RFC7644 §3.6: deleting a Group also deletes its member Users";
    // Schema semantics
    ClientIdAccepted => "client-id-accepted", "RFC7643 §3.1: a client-supplied id is kept instead of being ignored";
    IdReusedAfterDelete => "id-reused-after-delete", "RFC7643 §3.1: ids are per-type sequence numbers (highest + 1), reissued after a delete and shared across types";
    ClientMetaKept => "client-meta-kept", "RFC7643 §3.1: meta.created sent by the client (POST, PUT, PATCH) is stored instead of ignored";
    MetaLocationWrong => "meta-location-wrong", "RFC7643 §3.1: meta.location is the collection URI, without the resource's id";
    MetaResourceTypeWrong => "meta-resource-type-wrong", "RFC7644 §3.3.1: meta.resourceType is the endpoint name (Users) instead of the resource type (User)";
    LastModifiedUnsetOnCreate => "last-modified-unset-on-create", "RFC7643 §3.1: a new resource has no meta.lastModified (it must equal created)";
    DatetimeNotXsd => "datetime-not-xsd", "RFC7643 §2.3.5: meta dates have a space instead of 'T' (not xsd:dateTime)";
    ExternalIdDropped => "external-id-dropped", "RFC7643 §3.1: externalId sent by the client is not stored";
    ExternalIdDefaulted => "external-id-defaulted", "RFC7643 §3.1: the service provider fills in externalId (with the id) when the client sends none";
    UserNameTruncated => "username-truncated", "Entra (RFC7643 §4.1.1): userName is silently cut to 20 characters, so it does not come back as sent";
    StringsLowerCased => "strings-lower-cased", "RFC7643 §2.2 / §7: string values are stored lower-cased, caseExact ones (externalId) included";
    BooleansAsStrings => "booleans-as-strings", "RFC7643 §2.3.2: booleans are stored and returned as strings (\"false\")";
    MultiValuedUnwrapped => "multi-valued-unwrapped", "RFC7643 §2.4: a multi-valued attribute with one value is returned as that value, not an array";
    DuplicateValuesKept => "duplicate-values-kept", "RFC7643 §2.4: identical values of a multi-valued attribute are all kept";
    MultiplePrimaryAccepted => "multiple-primary-accepted", "RFC7643 §2.4: a create with two primary values keeps both primary";
    TypeSubAttributeDropped => "type-sub-attribute-dropped", "RFC7643 §2.4: the type of multi-valued values (emails, phoneNumbers, roles) is not stored";
    ReadOnlySubAttributesStored => "read-only-sub-attributes-stored", "RFC7644 §3.3: readOnly sub-attributes sent by the client (manager.displayName) are stored";
    UniquenessNoneEnforced => "uniqueness-none-enforced", "RFC7643 §2.2: User displayName (uniqueness none) must be unique (409)";
    ExtensionFlattened => "extension-flattened", "RFC7643 §3.3: extension attributes are returned at the top level instead of under their schema URI";
    ExtensionSchemaNotListed => "extension-schema-not-listed", "RFC7643 §3: schemas omits the URI of an extension the resource has values for";
    ImmutableChangeable => "immutable-changeable", "RFC7643 §2.2: an immutable attribute (members.value) can be changed";
    UniquenessNotEnforced => "uniqueness-not-enforced", "RFC7643 §2.2 / RFC7644 §3.3: a duplicate userName is accepted";
    UserNameCaseExact => "username-case-exact", "RFC7643 §4.1: userName uniqueness is case-sensitive (caseExact=false broken)";
    LastModifiedNotUpdated => "last-modified-not-updated", "RFC7643 §3.1: meta.lastModified is not updated when the resource changes";
    UserGroupsNotDerived => "user-groups-not-derived", "RFC7643 §4.1: User.groups does not reflect group membership";
    UserGroupsWritable => "user-groups-writable", "RFC7643 §4.1.2: User.groups (readOnly) sent on create or PUT adds the user to those groups";
    MemberValueIsName => "member-value-is-name", "RFC7643 §4.2: members.value holds the member's userName (displayName) instead of its id";
    RefIsBareId => "ref-is-bare-id", "RFC7643 §2.3.7: the $ref the server fills in (members, groups) is a bare id, not the resource's URI";
    InactiveUsersHidden => "inactive-users-hidden", "Entra E-DISABLE-USER (RFC7643 §4.1.1): a user with active false is answered 404 by GET and left out of queries";
    // Error format
    ErrorStatusNumber => "error-status-number", "RFC7644 §3.12: the error status is a JSON number instead of a string";
    ErrorSchemaMissing => "error-schema-missing", "RFC7644 §3.12: error bodies lack the Error schema URI";
    ErrorHtml => "error-html", "RFC7644 §3.12: errors are answered with an HTML page";
    ErrorNoScimType => "error-no-scim-type", "RFC7644 §3.12: 400 errors omit scimType";
    // Discovery
    ResourceTypesMissingGroup => "resource-types-missing-group", "RFC7644 §4: /ResourceTypes omits Group although /Groups works";
    SchemasNotListResponse => "schemas-not-list-response", "RFC7644 §4: /Schemas answers a bare JSON array instead of a ListResponse";
    SpcNoAuthSchemes => "spc-no-auth-schemes", "RFC7643 §5: ServiceProviderConfig lacks the required authenticationSchemes";
    DiscoveryFilterAccepted => "discovery-filter-accepted", "RFC7644 §4: a filter on a discovery endpoint is ignored instead of 403";
    DiscoveryAcceptsWrites => "discovery-accepts-writes", "RFC7644 §3.2: a write (POST, PUT, PATCH, DELETE) to a discovery endpoint answers 200 instead of being refused";
    DiscoveryByIdUnsupported => "discovery-by-id-unsupported", "RFC7644 §4: /Schemas/{uri} and /ResourceTypes/{name} answer 404; only the lists are served";
    DiscoveryPaginated => "discovery-paginated", "RFC7644 §4: count and startIndex page /Schemas and /ResourceTypes instead of being ignored";
    DiscoverySchemasMissing => "discovery-schemas-missing", "RFC7643 §6 / §7: Schema and ResourceType resources lack their schemas attribute";
    SchemasListsMessages => "schemas-lists-messages", "RFC7644 §3.1: /Schemas lists protocol message schemas (urn:ietf:params:scim:api:…)";
    SchemaNestedComplex => "schema-nested-complex", "RFC7643 §2.3.8: schema documents give a sub-attribute sub-attributes of its own";
    ResourceTypeSchemaNotUri => "resource-type-schema-not-uri", "RFC7643 §6: a ResourceType's schema is its name instead of the schema URI";
    ResourceTypeEndpointAbsolute => "resource-type-endpoint-absolute", "RFC7643 §6: a ResourceType's endpoint is an absolute URL instead of relative to the base URL";
    SpcIntegersAsStrings => "spc-integers-as-strings", "RFC7643 §2.3.4 / §5: ServiceProviderConfig limits (maxOperations, maxPayloadSize, maxResults) are strings";
    // Authentication
    NoAuth => "no-auth", "RFC7644 §2 / §7.4: requests without valid credentials are served";
    Auth403 => "auth-403", "RFC7644 §3.12: missing credentials answer 403 instead of 401";
    NoWwwAuthenticate => "no-www-authenticate", "RFC7235 §3.1 / RFC7644 §2: 401 answers lack WWW-Authenticate";
    // Bulk
    BulkIdNotResolved => "bulk-id-not-resolved", "RFC7644 §3.7.2: bulkId references are not resolved";
    BulkMaxOperationsIgnored => "bulk-max-operations-ignored", "RFC7644 §3.7.4: more than maxOperations is accepted instead of 413";
    BulkReturns201 => "bulk-returns-201", "RFC7644 §3.7: a processed bulk request answers 201 instead of 200";
    BulkReportsErrorsOnly => "bulk-reports-errors-only", "RFC7644 §3.7.3: the BulkResponse lists only the failed operations";
    BulkIdUsedAsId => "bulk-id-used-as-id", "RFC7643 §3.1: a bulk POST gives the new resource the client's bulkId as its id";
    // Entra dialects
    PatchOpCaseSensitive => "patch-op-case-sensitive", "Entra ENTRA.md §4 (RFC7644 §3.5.2): capitalised ops (Add/Replace/Remove) are rejected";
    StringBooleansRejected => "string-booleans-rejected", "Entra ENTRA.md §4: string booleans (\"False\") are rejected";
    DottedKeysRejected => "dotted-keys-rejected", "Entra ENTRA.md §4 (RFC7644 §3.5.2.3): path-less replace with dotted keys is rejected";
    MemberRemoveWipesAll => "member-remove-wipes-all", "Entra ENTRA.md §4: remove on members with a value list removes every member";
    MemberNullRefRejected => "member-null-ref-rejected", "Entra ENTRA.md §3 (RFC7643 §2.5): a member with \"$ref\": null is rejected";
    ManagerStringRejected => "manager-string-rejected", "Entra ENTRA-CATALOG §1.6: manager given as a plain id string is rejected";
    AdscimSchemaRejected => "adscim-schema-rejected", "Entra ENTRA.md §3: group create with the ADSCIM schema URI is rejected";
    NullAttributesRejected => "null-attributes-rejected", "RFC7643 §2.5: null attribute values on create are rejected instead of meaning unassigned";
    // Okta
    ReplaceMembersAppends => "replace-members-appends", "Okta O-GROUP-PUSH-REPLACE (RFC7644 §3.5.2.3): replace on members adds the sent members to the current ones instead of replacing them";
    EmptyReplaceIgnored => "empty-replace-ignored", "Okta O-GROUP-PUSH-REPLACE (RFC7643 §2.5): replace on members with [] leaves the members in place instead of emptying the group";
    RenameWithIdRefused => "rename-with-id-refused", "Okta O-GROUP-RENAME: a path-less replace whose value repeats the group's own readOnly id answers 400 mutability, so the rename is lost";
    PathlessActiveIgnored => "pathless-active-ignored", "Okta O-DEACTIVATE (RFC7644 §3.5.2.3): a path-less replace {\"active\": false} answers 200 but leaves the user active";
    PagingPastEndError => "paging-past-end-error", "Okta O-IMPORT-PAGING (RFC7644 §3.4.2.4): a startIndex past the last result answers 400 instead of an empty page";
    ConflictWithoutUniqueness => "conflict-without-uniqueness", "Okta O-CREATE-CONFLICT (RFC7644 §3.3): a duplicate userName answers 409 without scimType \"uniqueness\"";
    BatchMemberUnknownRejectsAll => "batch-member-unknown-rejects-all", "Okta O-GROUP-PUSH-PARTIAL: one unknown member id in a PATCH adding members answers 400, so the valid members are not added either";
    // Concurrency, atomicity, advertised capabilities
    LostMemberUpdate => "lost-member-update", "RFC7644 §3.5.2: a PATCH of a Group's members reads the group, waits, then writes its change onto that stale copy, so concurrent member additions are lost";
    LostAttributeUpdate => "lost-attribute-update", "RFC7644 §3.5.2: a PATCH of a User reads the user, waits, then writes its change onto that stale copy, so concurrent changes of other attributes are lost";
    UnknownOpIgnored => "unknown-op-ignored", "RFC7644 §3.5.2: an operation whose op is not add, remove or replace (\"move\") is skipped and the PATCH succeeds";
    RequiredRemoved => "required-removed", "RFC7644 §3.5.2.2: remove of a required attribute (userName) succeeds and leaves the User without it";
    MetaCreatedMoves => "meta-created-moves", "RFC7643 §3.1: meta.created is set anew on every update (PUT, PATCH)";
    ReadOnlyIdOverwritten => "readonly-id-overwritten", "RFC7643 §2.2 / §3.1: the id in a PUT body (readOnly) becomes the resource's id";
    PatchClaimedRefused => "patch-claimed-refused", "RFC7643 §5: ServiceProviderConfig says patch.supported=true but every PATCH answers 501";
    BulkClaimedRefused => "bulk-claimed-refused", "RFC7643 §5: ServiceProviderConfig says bulk.supported=true but POST /Bulk answers 501";
    ChangePasswordClaimedRefused => "change-password-claimed-refused", "RFC7643 §5: ServiceProviderConfig says changePassword.supported=true but a PATCH of password answers 400 mutability";
    // Filter robustness, pagination, incremental cycle
    EqPrefixMatch => "eq-prefix-match", "RFC7644 §3.4.2.2: eq on a string matches every value starting with the operand, so displayName eq \"<x>app\" also finds \"<x>app-test\"";
    FilterDoubleUnescape => "filter-double-unescape", "RFC7644 §3.4.2.2: the filter is URL-decoded twice, so a '+' in a value (sent as %2B) becomes a space";
    FilterEscapeIgnored => "filter-escape-ignored", "RFC7644 §3.4.2.2: the JSON escapes \\\" and \\\\ in filter string values are compared as written instead of unescaped";
    ExternalIdCaseInsensitive => "externalid-case-insensitive", "RFC7643 §3.1 / RFC7644 §3.4.2.2: filters compare externalId (caseExact true) ignoring case";
    FilterKeywordCaseSensitive => "filter-keyword-case-sensitive", "RFC7644 §3.4.2.2: a filter operator not written in lower case (EQ, And) answers 400 invalidFilter";
    FilterAttributeCaseSensitive => "filter-attribute-case-sensitive", "RFC7644 §3.4.2.2: an attribute name in a filter spelled in another case (USERNAME) answers 400 invalidFilter";
    SwCaseSensitive => "sw-case-sensitive", "RFC7644 §3.4.2.2: a filter using sw, ew or co compares case-sensitively, caseExact=false attributes (userName) included";
    StartIndexNotEchoed => "start-index-not-echoed", "RFC7644 §3.4.2.4: the response's startIndex is the page number (1, 2, 3…) instead of the index of the page's first result";
    LastPageRepeats => "last-page-repeats", "RFC7644 §3.4.2.4: a partial last page is filled up to count with results of the page before";
    PageDropsItem => "page-drops-item", "RFC7644 §3.4.2.4: a page after the first starts one result late, so the result at startIndex is never listed";
    AddSameValueConflict => "add-same-value-conflict", "Entra E-PATCH-ADD-SINGLE (RFC7644 §3.5.2.1): add of the value an attribute already has answers 409 instead of succeeding";
    RemoveDeletedMemberError => "remove-deleted-member-error", "Entra E-GROUP-REMOVE-MEMBERS (RFC7644 §3.5.2.2): removing a member that is no longer in the group (its user deleted) answers 400 noTarget";
    CharsetContentTypeRefused => "charset-content-type-refused", "Entra E-CONTENT-TYPE (RFC7644 §3.8): a request Content-Type with a charset parameter (application/scim+json; charset=utf-8) answers 415";
    FilterStringBooleanRefused => "filter-string-boolean-refused", "Entra E-ROLES: a filter comparing a boolean with the string \"True\" or \"false\" (the validator's primary eq \"True\") answers 400 invalidFilter";
    DanglingManagerRefused => "dangling-manager-refused", "Entra E-MANAGER (RFC7643 §4.3): a user whose manager.value names no existing user is refused with 400";
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fault::all()
            .iter()
            .copied()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFault(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = HashSet::new();
        for f in Fault::all() {
            assert!(seen.insert(f.name()), "duplicate {}", f.name());
            assert!(f
                .name()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            assert_eq!(f.name().parse::<Fault>(), Ok(*f));
            assert!(!f.rule().is_empty() && !f.rule().contains('\n'));
        }
        assert!(Fault::all().len() >= 40);
        assert_eq!("nope".parse::<Fault>(), Err(UnknownFault("nope".into())));
    }
}
