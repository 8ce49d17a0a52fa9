//! Near misses of a secret (what a forger who knows part of it would send), and the list of
//! everything that must not be shown: the secrets and their near misses, built once from the
//! credentials.

use super::credentials::Credentials;

/// A way to get a secret almost right. Every one must be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NearMiss {
    /// The secret's first half (by characters).
    FirstHalf,
    /// The last character changed (to `x`, or `y` when it was `x`).
    LastCharacterChanged,
    /// A space appended. HTTP strips blanks around header values, so this one is only a near
    /// miss in a body.
    SpaceAppended,
}

impl NearMiss {
    pub const ALL: [NearMiss; 3] = [
        NearMiss::FirstHalf,
        NearMiss::LastCharacterChanged,
        NearMiss::SpaceAppended,
    ];

    /// The near miss of `secret`.
    pub fn of(self, secret: &str) -> String {
        match self {
            NearMiss::FirstHalf => secret.chars().take(secret.chars().count() / 2).collect(),
            NearMiss::LastCharacterChanged => {
                let mut chars: Vec<char> = secret.chars().collect();
                if let Some(c) = chars.last_mut() {
                    *c = if *c == 'x' { 'y' } else { 'x' };
                }
                chars.into_iter().collect()
            }
            NearMiss::SpaceAppended => format!("{secret} "),
        }
    }

    /// In words, after "the secret": `truncated to its first half`.
    pub fn describe(self) -> &'static str {
        match self {
            NearMiss::FirstHalf => "truncated to its first half",
            NearMiss::LastCharacterChanged => "with its last character changed",
            NearMiss::SpaceAppended => "with a space appended",
        }
    }

    /// A stable name, for case ids: `first-half`.
    pub fn name(self) -> &'static str {
        match self {
            NearMiss::FirstHalf => "first-half",
            NearMiss::LastCharacterChanged => "last-character-changed",
            NearMiss::SpaceAppended => "space-appended",
        }
    }

    /// Whether it still differs from the secret once carried in an HTTP header value.
    pub fn survives_a_header(self) -> bool {
        self != NearMiss::SpaceAppended
    }
}

/// What a text to hide is: a secret, or a near miss of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretForm {
    Exact,
    NearMiss(NearMiss),
}

/// A text that must never be shown, and what it is.
#[derive(Clone, PartialEq, Eq)]
pub struct Redaction {
    pub text: String,
    pub form: SecretForm,
}

impl std::fmt::Debug for Redaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redaction({:?}, <redacted>)", self.form)
    }
}

/// Texts shorter than this are not hidden: they would hide ordinary words and digits.
const SHORTEST: usize = 4;

impl Credentials {
    /// Everything to hide in what is shown: each secret and each near miss of it, longest
    /// first (so that a secret is replaced whole before any prefix of it). RSA keys never
    /// travel in a request, so they are not listed.
    pub fn redactions(&self) -> Vec<Redaction> {
        let mut out = Vec::new();
        for secret in self.secrets() {
            let text = secret.text();
            if text.is_empty() {
                continue;
            }
            for miss in NearMiss::ALL {
                out.push(Redaction {
                    text: miss.of(&text),
                    form: SecretForm::NearMiss(miss),
                });
            }
            out.push(Redaction {
                text,
                form: SecretForm::Exact,
            });
        }
        out.retain(|r| r.text.len() >= SHORTEST);
        out.sort_by_key(|r| std::cmp::Reverse(r.text.len()));
        // The secret itself wins over a near miss of another secret spelled the same.
        let mut seen = std::collections::HashSet::new();
        let mut unique: Vec<Redaction> = Vec::with_capacity(out.len());
        for r in out {
            if seen.insert(r.text.clone()) {
                unique.push(r);
            } else if r.form == SecretForm::Exact {
                if let Some(kept) = unique.iter_mut().find(|k| k.text == r.text) {
                    kept.form = SecretForm::Exact;
                }
            }
        }
        unique
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_differ_from_the_secret() {
        let secret = "wh_0123456789abcdef";
        for miss in NearMiss::ALL {
            assert_ne!(miss.of(secret), secret, "{miss:?}");
        }
        assert_eq!(NearMiss::FirstHalf.of(secret), "wh_012345");
        assert_eq!(NearMiss::LastCharacterChanged.of("abcx"), "abcy");
    }

    #[test]
    fn redactions_are_longest_first_and_name_their_form() {
        let r = Credentials::Secret("wh_0123456789abcdef".into()).redactions();
        assert_eq!(r.len(), 4);
        assert!(r.windows(2).all(|w| w[0].text.len() >= w[1].text.len()));
        assert!(
            r.iter()
                .any(|x| x.form == SecretForm::Exact && x.text == "wh_0123456789abcdef")
        );
        assert!(!format!("{r:?}").contains("0123"));
        assert!(
            Credentials::PrivateKeyPem("-----BEGIN".into())
                .redactions()
                .is_empty()
        );
    }
}
