//! The resource types the server offers (RFC 7643 §6).

use crate::scim::embedded;
use crate::scim::schema::ResourceSchema;

/// A resource type served under its own endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    User,
    Group,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::User, Kind::Group];

    /// The resource type's schema (core, extensions, common attributes).
    pub fn schema(self) -> &'static ResourceSchema {
        match self {
            Kind::User => embedded::user(),
            Kind::Group => embedded::group(),
        }
    }

    /// `meta.resourceType` and the ResourceType name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::Group => "Group",
        }
    }

    /// The endpoint segment under the base URL.
    pub fn segment(self) -> &'static str {
        match self {
            Kind::User => "Users",
            Kind::Group => "Groups",
        }
    }

    /// The kind whose endpoint segment is `segment` (case-sensitive, as URLs are).
    pub fn from_segment(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.segment() == segment)
    }
}
