//! What a user may do in their shop.

use std::fmt;
use std::str::FromStr;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Answers tickets and returns.
    Agent,
    /// Also manages agents, teams and channels.
    Admin,
    /// Also manages admins and the shop itself. Every shop has at least one.
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Admin, Role::Agent];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    /// Admins and owners reach Settings → Team and Teams.
    pub fn can_manage_people(self) -> bool {
        self >= Role::Admin
    }

    /// Whether a user with `self` may give `target` to someone, or change
    /// someone who currently has `target`. Nobody hands out more than they hold,
    /// and only owners touch other owners and admins.
    pub fn can_assign(self, target: Role) -> bool {
        match self {
            Role::Owner => true,
            Role::Admin => target == Role::Agent,
            Role::Agent => false,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "agent" => Ok(Role::Agent),
            "admin" => Ok(Role::Admin),
            "owner" => Ok(Role::Owner),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

impl TryFrom<String> for Role {
    type Error = UnknownRole;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_table() {
        use Role::*;
        let cases = [
            (Owner, Owner, true),
            (Owner, Admin, true),
            (Owner, Agent, true),
            (Admin, Owner, false),
            (Admin, Admin, false),
            (Admin, Agent, true),
            (Agent, Agent, false),
            (Agent, Admin, false),
            (Agent, Owner, false),
        ];
        for (actor, target, expected) in cases {
            assert_eq!(
                actor.can_assign(target),
                expected,
                "{actor} assigning {target}"
            );
        }
    }

    #[test]
    fn round_trips_through_text() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }
}
