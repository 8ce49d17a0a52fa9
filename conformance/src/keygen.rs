//! `hookcert keygen`: an RSA-2048 key pair for Zoho SalesIQ's signatures, as PEM files a
//! receiver (public key) and `hookcert certify`/`send` (private key) read.

use hookcert_events::auth::KeyError;
use hookcert_events::auth::rsa_sha256::{generate_keypair, to_pem};
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// SalesIQ's keys are 2048-bit.
const BITS: usize = 2048;
pub const PRIVATE_FILE: &str = "private.pem";
pub const PUBLIC_FILE: &str = "public.pem";

#[derive(Debug, thiserror::Error)]
pub enum KeygenError {
    #[error("{} already exists; not overwriting it", path.display())]
    Exists { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("generating the key pair: {0}")]
    Key(#[from] KeyError),
}

/// Writes `dir/private.pem` (PKCS#8, mode 0600 on unix) and `dir/public.pem` (SPKI), creating
/// `dir` if needed; returns their paths. Refuses when either file exists, leaving both alone.
pub fn write_pair(dir: &Path) -> Result<(PathBuf, PathBuf), KeygenError> {
    fs::create_dir_all(dir).map_err(|source| KeygenError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let private_path = dir.join(PRIVATE_FILE);
    let public_path = dir.join(PUBLIC_FILE);
    // Checked before the slow key generation so that a refusal is immediate; the writes below
    // refuse again (create_new) should a file appear in between.
    for path in [&private_path, &public_path] {
        if fs::symlink_metadata(path).is_ok() {
            return Err(KeygenError::Exists { path: path.clone() });
        }
    }
    let key = generate_keypair(BITS)?;
    let (private_pem, public_pem) = to_pem(&key)?;

    write_new(&private_path, private_pem.as_bytes(), Some(0o600))?;
    if let Err(e) = write_new(&public_path, public_pem.as_bytes(), None) {
        // A private key without its public half is of no use; this run created it, so it goes.
        let _ = fs::remove_file(&private_path);
        return Err(e);
    }
    Ok((private_path, public_path))
}

/// Creates `path`, never replacing a file. A `mode` (unix) applies from the first byte on, so
/// that the private key is never readable by others even briefly; without one the umask rules.
fn write_new(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), KeygenError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    let io_error = |source: io::Error| {
        if source.kind() == io::ErrorKind::AlreadyExists {
            KeygenError::Exists {
                path: path.to_owned(),
            }
        } else {
            KeygenError::Io {
                path: path.to_owned(),
                source,
            }
        }
    };
    let mut file = options.open(path).map_err(io_error)?;
    file.write_all(bytes).map_err(io_error)?;
    file.sync_all().map_err(io_error)?;
    // The umask may have narrowed the mode the file was created with; 0600 must hold exactly.
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(io_error)?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(())
}
