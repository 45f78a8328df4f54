//! Who is asking: passwords, sessions, CSRF, login throttling, and the extractors handlers use.

pub mod cookies;
pub mod csrf;
pub mod current_user;
pub mod password;
pub mod session;
pub mod throttle;
pub mod tokens;

pub use current_user::CurrentUser;
