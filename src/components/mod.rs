//! Widgets named after what the user sees.

pub mod context_bar;
pub mod error_notice;
pub mod language_switch;
pub mod organisation_picker;
pub mod static_credentials_table;

pub use context_bar::ContextBar;
pub use error_notice::ErrorNotice;
pub use language_switch::LanguageSwitch;
pub use organisation_picker::OrganisationPicker;
pub use static_credentials_table::StaticCredentialsTable;
