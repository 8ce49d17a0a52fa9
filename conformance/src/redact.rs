//! What must never be shown (the credentials' secrets and their near misses) kept out of every
//! text the harness shows, and rebuilt from the environment in the replay commands.

use hookcert_events::auth::{NearMiss, Redaction, SecretForm};

/// Replaces secrets in anything shown, and rebuilds them in replay commands from the
/// environment.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Longest first, each with what it is (the secret, or a near miss of it).
    secrets: Vec<Redaction>,
}

pub const REDACTED: &str = "[redacted]";

impl Redactor {
    /// From the credentials' [`redactions`](hookcert_events::auth::Credentials::redactions):
    /// built once, by the one owner of the secrets.
    pub fn new(secrets: Vec<Redaction>) -> Self {
        Redactor { secrets }
    }

    pub fn text(&self, s: &str) -> String {
        self.replace(s, REDACTED)
    }

    fn replace(&self, s: &str, with: &str) -> String {
        let mut out = s.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.text.as_str()) {
                out = out.replace(secret.text.as_str(), with);
            }
        }
        out
    }

    pub(crate) fn contains_secret(&self, s: &str) -> bool {
        self.secrets.iter().any(|x| s.contains(x.text.as_str()))
    }

    /// `bytes` cut where a secret starts: text, and the index of the secret found there.
    fn pieces<'b>(&self, bytes: &'b [u8]) -> Vec<(&'b [u8], Option<usize>)> {
        let mut out = Vec::new();
        let (mut start, mut i) = (0, 0);
        while i < bytes.len() {
            let found = self
                .secrets
                .iter()
                .position(|s| !s.text.is_empty() && bytes[i..].starts_with(s.text.as_bytes()));
            match found {
                Some(k) => {
                    out.push((&bytes[start..i], None));
                    out.push((&bytes[i..i], Some(k)));
                    i += self.secrets[k].text.len();
                    start = i;
                }
                None => i += 1,
            }
        }
        out.push((&bytes[start..], None));
        out
    }

    /// A POSIX shell word (to put inside double quotes) that rebuilds secret `k` from the
    /// variable `var`, which holds the real secret.
    fn expression(&self, k: usize, var: &str) -> String {
        let Some(secret) = self.secrets.get(k) else {
            return REDACTED.to_owned();
        };
        match secret.form {
            SecretForm::Exact => format!("${{{var}}}"),
            SecretForm::NearMiss(NearMiss::FirstHalf) => {
                format!("$(printf '%s' \"${var}\" | cut -c -$((${{#{var}}} / 2)))")
            }
            SecretForm::NearMiss(NearMiss::LastCharacterChanged) => {
                let last = secret.text.chars().last().unwrap_or('x');
                format!("${{{var}%?}}{last}")
            }
            SecretForm::NearMiss(NearMiss::SpaceAppended) => format!("${{{var}}} "),
        }
    }

    /// Shell text in which secrets occur only inside single quotes, with each secret replaced
    /// by the expression that rebuilds it from `var`.
    pub(crate) fn in_single_quotes(&self, shell: &str, var: &str) -> String {
        self.pieces(shell.as_bytes())
            .into_iter()
            .map(|(text, secret)| match secret {
                Some(k) => format!("'\"{}\"'", self.expression(k, var)),
                None => String::from_utf8_lossy(text).into_owned(),
            })
            .collect()
    }

    /// A command that prints exactly `body`, its secrets rebuilt from `var`.
    pub(crate) fn printf_body(&self, body: &[u8], var: &str) -> String {
        let pieces = self.pieces(body);
        if pieces.len() == 1 {
            return crate::request::printf_bytes(body);
        }
        let parts: Vec<String> = pieces
            .into_iter()
            .filter(|(text, secret)| secret.is_some() || !text.is_empty())
            .map(|(text, secret)| match secret {
                Some(k) => format!("printf '%s' \"{}\"", self.expression(k, var)),
                None => crate::request::printf_bytes(text),
            })
            .collect();
        format!("{{ {}; }}", parts.join("; "))
    }
}
