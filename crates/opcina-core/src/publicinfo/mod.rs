//! Public information: what the municipality publishes on its website (news, announcements,
//! public calls, acts with their official gazette number, standing pages), the editorial
//! workflow that puts it there, and what the public may see of it at a given moment.
//!
//! - [`piece`]: kinds, states, the workflow by role, validation of a piece and its texts;
//! - [`visible`]: what the public sees and when (scheduled publishing, embargo), the language
//!   a text is shown in and the fallback to Bosnian;
//! - [`attachment`]: the files a piece carries (documents and images with their words);
//! - [`media`]: the media list and the letter a press release becomes for each contact;
//! - [`message`]: citizens' questions, suggestions and complaints, and their deadline;
//! - [`desk`]: journalists' questions, the answer terms and the response-time figures;
//! - [`information`]: requests for access to information (ZOSPI), their decisions and the
//!   quarter's figures;
//! - [`report`]: reports of communal problems, their states and the services Open311 offers;
//! - [`text`]: the checks every text shares;
//! - [`key`]: the stable keys of addresses, categories, tags and local communities.

pub mod attachment;
pub mod desk;
pub mod information;
pub mod key;
pub mod media;
pub mod message;
pub mod piece;
pub mod report;
pub mod text;
pub mod visible;
