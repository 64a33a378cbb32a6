//! Share links: a whole session in a URL fragment, which browsers never send to a server.
//!
//! # Format
//!
//! ```text
//! #s1.<base64url of raw deflate of JSON>
//!  ^^ ^
//!  |  version number, then a dot
//!  's' for session
//! ```
//!
//! Version 1's JSON has short keys, each left out when it holds its default:
//!
//! | key | what                                   | default          |
//! |-----|----------------------------------------|------------------|
//! | `s` | the cluster's seed                     | 42               |
//! | `a` | the session log's actions (`Action`)   | none             |
//! | `y` | the editor text                        | empty            |
//! | `l` | the lesson in progress (its id)        | none (sandbox)   |
//! | `t` | the bottom tab shown                   | `console`        |
//! | `e` | whether the editor column is shown     | true             |
//! | `h` | panels hidden (`cluster`, `desired`)   | none             |
//!
//! The seed and the actions rebuild the cluster exactly ([`SessionLog::replay`]); the
//! defaults are constants of the format, not of the page, so a later starter manifest or
//! seed does not change what an old link means. base64url is RFC 4648 §5 without
//! padding. Deflate is raw (RFC 1951, no zlib header), through `miniz_oxide`, the pure
//! Rust inflater flate2 uses; base64 is written here (forty lines) so a bad character
//! can be named by its position.
//!
//! A session file (the download offered for links too long for a URL) is the same
//! JSON with `"v": 1` added.
//!
//! # Reading links from earlier versions
//!
//! [`decode`] dispatches on the version number; every version ever written keeps its
//! decoder, and a test pins a version 1 link so it keeps opening.
//!
//! # Hostile links
//!
//! A fragment is input: [`decode`] never panics, unpacks at most [`MAX_UNPACKED`]
//! bytes, and refuses a session the page could not replay ([`SessionLog::check`], and
//! at most [`MAX_TICKS`] timer ticks), with an error that says what is wrong.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::state::{Action, SessionLog};
use crate::engine::{decode, locate};

/// The version [`encode`] writes.
pub const VERSION: u32 = 1;
/// At most this many bytes are unpacked from a link (1 MB).
pub const MAX_UNPACKED: usize = 1_000_000;
/// Links longer than this many characters are offered as a file instead: some browsers,
/// chat programs and servers cut longer URLs.
pub const MAX_LINK: usize = 8_000;
/// At most this many timer ticks are replayed (12 hours of play at 1×, 100 ms a tick):
/// each tick runs the controllers, so a link of millions of 1 ms ticks would freeze the
/// page although its total time passes [`SessionLog::check`].
pub const MAX_TICKS: u64 = 432_000;

/// What a link carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    /// The seed and actions that rebuild the cluster.
    pub log: SessionLog,
    /// The editor text.
    pub editor: String,
    /// The lesson in progress, if any.
    pub lesson: Option<String>,
    /// The bottom tab shown.
    pub tab: String,
    /// Whether the editor column is shown.
    pub editor_shown: bool,
    /// Panels hidden (`cluster`, `desired`).
    pub hidden: Vec<String>,
}

/// Why a link could not be opened. `Display` says it in words for the page.
#[derive(Debug, Clone, PartialEq)]
pub enum ShareError {
    /// Not a share fragment, or its frame (`s1.`) is broken.
    NotALink,
    /// A character that is not base64url, at this 1-based position in the fragment.
    BadBase64 {
        /// Position of the character, counting from the first after `#`.
        at: usize,
        /// The character.
        found: char,
    },
    /// The base64 is cut short (a lone last character).
    Truncated,
    /// The packed data is not valid deflate, or ends early.
    BadDeflate,
    /// More than [`MAX_UNPACKED`] bytes when unpacked.
    TooLarge,
    /// Written by a later kubeplay.
    Newer(u32),
    /// A version number no kubeplay ever wrote.
    UnknownVersion(u32),
    /// The unpacked JSON is wrong: where and what.
    Json {
        /// The field path (`a[3].ms`), `.` for the top.
        path: String,
        /// serde's message.
        message: String,
    },
    /// A session the page will not replay (too long, too much time).
    Refused(String),
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::NotALink => write!(
                f,
                "share link is damaged: it does not start with a version such as #s1."
            ),
            ShareError::BadBase64 { at, found } => write!(
                f,
                "share link is damaged: not valid base64 at character {at} ({found:?})"
            ),
            ShareError::Truncated => write!(f, "share link is damaged: it is cut short"),
            ShareError::BadDeflate => write!(
                f,
                "share link is damaged: the packed session cannot be unpacked (cut short or altered)"
            ),
            ShareError::TooLarge => write!(
                f,
                "share link is too large: more than 1 MB when unpacked"
            ),
            ShareError::Newer(v) => write!(
                f,
                "share link is from a newer kubeplay (version {v}); this page reads versions 1 to {VERSION}"
            ),
            ShareError::UnknownVersion(v) => {
                write!(f, "share link has an unknown version ({v})")
            }
            ShareError::Json { path, message } => {
                write!(f, "share link is damaged: {message} (at {path})")
            }
            ShareError::Refused(why) => write!(
                f,
                "share link holds a session this page will not replay: {why}"
            ),
        }
    }
}

impl std::error::Error for ShareError {}

/// Whether a `location.hash` is meant as a share link (`#s` and a digit), so other
/// fragments are left alone.
pub fn is_share_fragment(hash: &str) -> bool {
    let mut chars = hash.strip_prefix('#').unwrap_or(hash).chars();
    chars.next() == Some('s') && chars.next().is_some_and(|c| c.is_ascii_digit())
}

/// The fragment for `shared`, with its `#`.
pub fn encode(shared: &Shared) -> String {
    let json = serde_json::to_vec(&V1::from(shared)).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("#s{VERSION}.{}", base64url_encode(&packed))
}

/// Reads a fragment (with or without its `#`).
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let body = fragment.strip_prefix('#').unwrap_or(fragment);
    let rest = body.strip_prefix('s').ok_or(ShareError::NotALink)?;
    let (version, payload) = rest.split_once('.').ok_or(ShareError::NotALink)?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ShareError::NotALink);
    }
    let version: u32 = version.parse().map_err(|_| ShareError::Newer(u32::MAX))?;
    // Where the payload starts in `body`, so errors count characters from the `#`.
    let offset = body.len() - payload.len();
    match version {
        1 => decode_v1(payload, offset),
        v if v > VERSION => Err(ShareError::Newer(v)),
        v => Err(ShareError::UnknownVersion(v)),
    }
}

/// The session file offered instead of a link too long for a URL: the version 1 JSON
/// with `"v": 1`, pretty-printed.
pub fn encode_file(shared: &Shared) -> String {
    let file = FileV1 {
        v: 1,
        body: V1::from(shared),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Reads a session file written by [`encode_file`] (of any version).
pub fn decode_file(text: &str) -> Result<Shared, ShareError> {
    if text.len() > MAX_UNPACKED {
        return Err(ShareError::TooLarge);
    }
    #[derive(Deserialize)]
    struct Version {
        v: Option<u32>,
    }
    let version = from_json::<Version>(text.as_bytes())?.v;
    match version {
        Some(1) => from_json::<FileV1>(text.as_bytes()).and_then(|f| f.body.into_shared()),
        Some(v) if v > VERSION => Err(ShareError::Newer(v)),
        Some(v) => Err(ShareError::UnknownVersion(v)),
        None => Err(json_error("missing field `v`".into(), ".")),
    }
}

// Version 1 -------------------------------------------------------------------------

/// The seed a version 1 link means when it has none (the starter seed when it was written).
const V1_SEED: u64 = 42;

#[derive(Serialize, Deserialize)]
struct V1 {
    #[serde(rename = "s", default = "v1_seed", skip_serializing_if = "is_v1_seed")]
    seed: u64,
    #[serde(rename = "a", default, skip_serializing_if = "Vec::is_empty")]
    actions: Vec<Action>,
    #[serde(rename = "y", default, skip_serializing_if = "String::is_empty")]
    editor: String,
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    lesson: Option<String>,
    #[serde(rename = "t", default = "v1_tab", skip_serializing_if = "is_v1_tab")]
    tab: String,
    #[serde(rename = "e", default = "yes", skip_serializing_if = "is_true")]
    editor_shown: bool,
    #[serde(rename = "h", default, skip_serializing_if = "Vec::is_empty")]
    hidden: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct FileV1 {
    v: u32,
    #[serde(flatten)]
    body: V1,
}

fn v1_seed() -> u64 {
    V1_SEED
}
fn is_v1_seed(s: &u64) -> bool {
    *s == V1_SEED
}
fn v1_tab() -> String {
    "console".into()
}
fn is_v1_tab(t: &str) -> bool {
    t == "console"
}
fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}

impl From<&Shared> for V1 {
    fn from(s: &Shared) -> V1 {
        V1 {
            seed: s.log.seed,
            actions: s.log.actions.clone(),
            editor: s.editor.clone(),
            lesson: s.lesson.clone(),
            tab: s.tab.clone(),
            editor_shown: s.editor_shown,
            hidden: s.hidden.clone(),
        }
    }
}

impl V1 {
    fn into_shared(self) -> Result<Shared, ShareError> {
        let log = SessionLog {
            seed: self.seed,
            actions: self.actions,
        };
        check_replayable(&log)?;
        Ok(Shared {
            log,
            editor: self.editor,
            lesson: self.lesson,
            tab: self.tab,
            editor_shown: self.editor_shown,
            hidden: self.hidden,
        })
    }
}

fn decode_v1(payload: &str, offset: usize) -> Result<Shared, ShareError> {
    // Deflate never shrinks data below about a thousandth of its size, but it can grow
    // it only a little: a payload far above the cap cannot unpack under it.
    if payload.len() > MAX_UNPACKED * 2 {
        return Err(ShareError::TooLarge);
    }
    let packed = base64url_decode(payload).map_err(|e| match e {
        ShareError::BadBase64 { at, found } => ShareError::BadBase64 {
            at: at + offset,
            found,
        },
        e => e,
    })?;
    let json =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_UNPACKED).map_err(|e| {
            match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
                _ => ShareError::BadDeflate,
            }
        })?;
    from_json::<V1>(&json)?.into_shared()
}

fn json_error(message: String, path: &str) -> ShareError {
    ShareError::Json {
        path: path.to_string(),
        message,
    }
}

fn from_json<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, ShareError> {
    let text = std::str::from_utf8(bytes).map_err(|e| json_error(e.to_string(), "."))?;
    decode::from_json(text).map_err(|e| {
        let path = locate::format_path(&e.path);
        json_error(e.message, if path.is_empty() { "." } else { &path })
    })
}

fn check_replayable(log: &SessionLog) -> Result<(), ShareError> {
    log.check().map_err(ShareError::Refused)?;
    let ticks = log.actions.iter().try_fold(0u64, |sum, a| match a {
        Action::Advance { times, .. } => sum.checked_add(*times),
        Action::Step | Action::React | Action::Partial { .. } | Action::RunPartial { .. } => {
            sum.checked_add(1)
        }
        _ => Some(sum),
    });
    match ticks {
        Some(t) if t <= MAX_TICKS => Ok(()),
        _ => Err(ShareError::Refused(format!(
            "more than {MAX_TICKS} timer ticks"
        ))),
    }
}

// base64url (RFC 4648 §5), no padding ----------------------------------------------

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn sextet(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    }))
}

/// Decodes unpadded base64url; a bad character is reported with its 1-based position.
fn base64url_decode(text: &str) -> Result<Vec<u8>, ShareError> {
    // Trailing `=` padding is tolerated (some tools add it).
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, c) in text.char_indices() {
        let v = u8::try_from(c)
            .ok()
            .and_then(sextet)
            .ok_or(ShareError::BadBase64 {
                at: text[..i].chars().count() + 1,
                found: c,
            })?;
        acc = (acc << 6 | v) & 0xff_ffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    if bits == 6 {
        return Err(ShareError::Truncated);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::view::STARTER_YAML;

    fn sample() -> Shared {
        let mut log = SessionLog::starter(1900);
        log.record(Action::Advance { ms: 100, times: 40 });
        log.record(Action::Run {
            line: "kubectl scale deployment web --replicas=5".into(),
        });
        log.record(Action::Advance { ms: 100, times: 30 });
        Shared {
            log,
            editor: STARTER_YAML.into(),
            lesson: None,
            tab: "graph".into(),
            editor_shown: true,
            hidden: Vec::new(),
        }
    }

    fn pack(json: &[u8]) -> String {
        format!(
            "#s1.{}",
            base64url_encode(&miniz_oxide::deflate::compress_to_vec(json, 6))
        )
    }

    #[test]
    fn a_session_round_trips_and_rebuilds_the_same_cluster() {
        let s = sample();
        let link = encode(&s);
        assert!(link.starts_with("#s1."), "{link}");
        assert!(link.len() < 2000, "{}", link.len());
        let back = decode(&link).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.log.replay().snapshot(), s.log.replay().snapshot());
        assert_eq!(decode(link.trim_start_matches('#')).unwrap(), s);
    }

    #[test]
    fn default_values_are_left_out() {
        let s = Shared {
            log: SessionLog {
                seed: 42,
                actions: Vec::new(),
            },
            editor: String::new(),
            lesson: None,
            tab: "console".into(),
            editor_shown: true,
            hidden: Vec::new(),
        };
        assert_eq!(serde_json::to_string(&V1::from(&s)).unwrap(), "{}");
        assert_eq!(decode(&encode(&s)).unwrap(), s);
        let lesson = Shared {
            lesson: Some("first-deployment".into()),
            editor_shown: false,
            hidden: vec!["desired".into()],
            ..s
        };
        assert_eq!(
            serde_json::to_string(&V1::from(&lesson)).unwrap(),
            r#"{"l":"first-deployment","e":false,"h":["desired"]}"#
        );
        assert_eq!(decode(&encode(&lesson)).unwrap(), lesson);
    }

    /// A version 1 link as this page wrote it: it must open in every later version.
    const V1_FIXTURE: &str = "#s1.PYwxCoAwEAS_IltHUBSEfEUsDu9QQWNIok3I3z1B7GbYYTMi7GBAsGMGn7AIl4PBvjlRcSdLRczVC3WPYr6K-CY3i5aHPrRNY5C2Q5S7v4lJPMqki8oSyK8oDw";

    #[test]
    fn a_version_1_link_keeps_opening() {
        let s = decode(V1_FIXTURE).unwrap();
        assert_eq!(s.log.seed, 7);
        assert_eq!(
            s.log.actions,
            vec![
                Action::Run {
                    line: "node add node-4".into()
                },
                Action::Advance { ms: 100, times: 3 },
                Action::Step,
            ]
        );
        assert_eq!(s.tab, "graph");
        assert_eq!(s.editor, "");
        assert!(s.editor_shown);
        assert_eq!(s.log.replay().store.nodes.len(), 4);
    }

    fn err(fragment: &str) -> String {
        decode(fragment).unwrap_err().to_string()
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        let link = encode(&sample());
        assert_eq!(
            err("#s1.@@@"),
            "share link is damaged: not valid base64 at character 4 ('@')"
        );
        assert_eq!(
            err("#s1.AAAAAAAAAAAAA!"),
            "share link is damaged: not valid base64 at character 17 ('!')"
        );
        for cut in [
            link.len() / 2,
            link.len() / 2 + 1,
            link.len() - 1,
            link.len() - 2,
        ] {
            assert!(err(&link[..cut]).starts_with("share link is damaged"));
        }
        let mut altered = link.clone().into_bytes();
        altered[10] = if altered[10] == b'A' { b'B' } else { b'A' };
        assert!(decode(std::str::from_utf8(&altered).unwrap()).is_err());
        assert_eq!(err("#s1.A"), "share link is damaged: it is cut short");
        assert!(err("#s3.AAAA").contains("from a newer kubeplay (version 3)"));
        assert!(err("#s99999999999999999999.AAAA").contains("newer kubeplay"));
        assert!(err("#s0.AAAA").contains("unknown version (0)"));
        assert!(err("#s1").contains("does not start with a version"));
        assert!(err("#sx.AAAA").contains("does not start with a version"));
        assert!(err("").contains("does not start"));
        assert!(err("#s1.é").contains("character 4"));
    }

    #[test]
    fn json_errors_name_the_field() {
        let e = err(&pack(
            br#"{"s":7,"a":[{"do":"advance","ms":"x","times":1}]}"#,
        ));
        assert!(e.contains("a[0]"), "{e}");
        let e = err(&pack(br#"{"s":-1}"#));
        assert!(e.contains("(at s)"), "{e}");
        let e = err(&pack(b"not json"));
        assert!(e.starts_with("share link is damaged: expected"), "{e}");
    }

    #[test]
    fn a_zip_bomb_is_refused() {
        let bomb = vec![b' '; MAX_UNPACKED + 10];
        let link = pack(&bomb);
        assert!(link.len() < 5000, "{}", link.len());
        assert_eq!(
            err(&link),
            "share link is too large: more than 1 MB when unpacked"
        );
        let huge = format!("#s1.{}", "A".repeat(MAX_UNPACKED * 2 + 1));
        assert!(err(&huge).contains("too large"));
    }

    #[test]
    fn sessions_the_page_would_not_replay_are_refused() {
        let forever = format!(
            r#"{{"a":[{{"do":"advance","ms":{},"times":3}}]}}"#,
            u64::MAX / 2
        );
        assert!(err(&pack(forever.as_bytes())).contains("will not replay"));
        let ticks = r#"{"a":[{"do":"advance","ms":1,"times":40000000}]}"#;
        assert!(err(&pack(ticks.as_bytes())).contains("timer ticks"));
        let steps = format!(
            r#"{{"a":[{}]}}"#,
            vec![r#"{"do":"step"}"#; 60_000].join(",")
        );
        assert!(err(&pack(steps.as_bytes())).contains("more than 50000"));
        // A console line cut by a branch runs controllers like a tick: it counts as one.
        let cut = r#"{"do":"runpartial","line":"settle","acts":3}"#;
        let ticks = format!(
            r#"{{"a":[{{"do":"advance","ms":100,"times":{}}},{cut}]}}"#,
            MAX_TICKS
        );
        assert!(err(&pack(ticks.as_bytes())).contains("timer ticks"));
    }

    /// A console line cut by a branch (`RunPartial`) travels in the version 1 JSON shape
    /// beside the older actions, and opens to the cluster it was cut at.
    #[test]
    fn a_console_line_cut_by_a_branch_travels_in_a_link() {
        let json = br#"{"s":7,"a":[{"do":"run","line":"node add node-4"},{"do":"react"},{"do":"runpartial","line":"sleep 30s","acts":2}]}"#;
        let s = decode(&pack(json)).unwrap();
        assert_eq!(
            s.log.actions[2],
            Action::RunPartial {
                line: "sleep 30s".into(),
                acts: 2
            }
        );
        assert_eq!(decode(&encode(&s)).unwrap(), s);
        assert_eq!(s.log.replay().store.nodes.len(), 4);
    }

    #[test]
    fn session_files_round_trip() {
        let s = sample();
        let file = encode_file(&s);
        assert!(file.contains("\"v\": 1"), "{file}");
        assert_eq!(decode_file(&file).unwrap(), s);
        assert!(decode_file(r#"{"v":2}"#)
            .unwrap_err()
            .to_string()
            .contains("newer"));
        assert!(decode_file("{}").is_err());
        assert!(decode_file("[").is_err());
    }

    #[test]
    fn base64url_matches_the_rfc_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(plain.as_bytes()), coded);
            assert_eq!(base64url_decode(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("Zm8=").unwrap(), b"fo");
    }

    #[test]
    fn only_share_fragments_are_taken() {
        assert!(is_share_fragment("#s1.abc"));
        assert!(is_share_fragment("s12.abc"));
        assert!(!is_share_fragment("#graph"));
        assert!(!is_share_fragment(""));
        assert!(!is_share_fragment("#s"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn action() -> impl Strategy<Value = Action> {
            prop_oneof![
                "[ -~\n]{0,40}".prop_map(|text| Action::Apply { text }),
                "[ -~]{0,30}".prop_map(|line| Action::Run { line }),
                (1u64..5000, 1u64..100).prop_map(|(ms, times)| Action::Advance { ms, times }),
                Just(Action::Step),
                ("[a-z]{1,8}", 0usize..100).prop_map(|(svc, n)| Action::Traffic {
                    ns: "default".into(),
                    svc,
                    n
                }),
                "[a-z-]{1,12}".prop_map(|id| Action::Lesson { id }),
                ("[ -~]{0,30}", 1u64..50)
                    .prop_map(|(line, acts)| Action::RunPartial { line, acts }),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            #[test]
            fn any_action_log_round_trips(
                seed in any::<u64>(),
                actions in proptest::collection::vec(action(), 0..30),
                editor in "[ -~\n]{0,60}",
            ) {
                let s = Shared {
                    log: SessionLog { seed, actions },
                    editor,
                    lesson: None,
                    tab: "events".into(),
                    editor_shown: false,
                    hidden: vec!["cluster".into()],
                };
                prop_assert_eq!(decode(&encode(&s)).unwrap(), s);
            }

            #[test]
            fn any_text_is_refused_or_read_never_a_panic(text in "[ -~]{0,80}") {
                let _ = decode(&text);
                let _ = decode(&format!("#s1.{text}"));
            }
        }
    }
}
