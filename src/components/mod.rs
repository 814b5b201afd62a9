//! Widgets named after what the user sees.

pub mod announcer;
pub mod ca_row;
pub mod connections_card;
pub mod context_bar;
pub mod copy_button;
pub mod credential_action_dialog;
pub mod error_notice;
pub mod event_row;
pub mod expiry_countdown;
pub mod jwt_credentials_card;
pub mod jwt_tokens_list;
pub mod language_switch;
pub mod live_sessions;
pub mod modal;
pub mod organisation_picker;
pub mod reveal_once_dialog;
pub mod snippet_list;
pub mod static_credentials_table;
pub mod test_client_card;
pub mod value_row;

pub use announcer::LiveRegion;
pub use connections_card::ConnectionsCard;
pub use context_bar::ContextBar;
pub use copy_button::CopyButton;
pub use credential_action_dialog::{CredentialAction, CredentialActionDialog};
pub use error_notice::ErrorNotice;
pub use expiry_countdown::ExpiryCountdown;
pub use jwt_credentials_card::JwtCredentialsCard;
pub use language_switch::LanguageSwitch;
pub use modal::Modal;
pub use organisation_picker::OrganisationPicker;
pub use reveal_once_dialog::RevealOnceDialog;
pub use snippet_list::SnippetList;
pub use static_credentials_table::StaticCredentialsTable;
pub use test_client_card::TestClientCard;
pub use value_row::ValueRow;
