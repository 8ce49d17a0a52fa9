//! `hookcert keygen`'s files, read by OpenSSL: the PEMs parse, and signatures made on either
//! side (OpenSSL with private.pem, hookcert with the key read back) verify with public.pem.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use hookcert::{KeygenError, write_key_pair as write_pair};
use hookcert_events::auth::rsa_sha256;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ensure_openssl() {
    let root = workspace_root();
    let status = Command::new("bash")
        .arg(root.join("scripts/ensure-test-tools.sh"))
        .current_dir(&root)
        .status()
        .unwrap_or_else(|e| panic!("cannot run bash scripts/ensure-test-tools.sh: {e}"));
    assert!(
        status.success(),
        "scripts/ensure-test-tools.sh failed ({status}): openssl is needed to read the keys; \
         see its message above"
    );
}

fn openssl(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run openssl: {e}"));
    assert!(
        out.status.success(),
        "openssl {}: {}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn openssl_reads_the_pair_and_signatures_verify_both_ways() {
    ensure_openssl();
    let tmp = tempfile::tempdir().expect("a temp dir");
    let dir = tmp.path().join("keys/salesiq");
    let (private, public) = write_pair(&dir).expect("the pair is written");
    assert_eq!(private, dir.join("private.pem"));
    assert_eq!(public, dir.join("public.pem"));

    let private_pem = std::fs::read_to_string(&private).expect("read private.pem");
    let public_pem = std::fs::read_to_string(&public).expect("read public.pem");
    assert!(
        private_pem.starts_with("-----BEGIN PRIVATE KEY-----"),
        "not PKCS#8"
    );
    assert!(
        public_pem.starts_with("-----BEGIN PUBLIC KEY-----"),
        "not SPKI"
    );

    openssl(&dir, &["pkey", "-in", "private.pem", "-noout"]);
    openssl(&dir, &["pkey", "-pubin", "-in", "public.pem", "-noout"]);
    let text = openssl(
        &dir,
        &["pkey", "-pubin", "-in", "public.pem", "-noout", "-text"],
    );
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("2048 bit"), "{text}");

    let body = br#"{"event":"visitor.added","entity_id":"1"}"#;
    std::fs::write(dir.join("body"), body).expect("write the body");

    openssl(
        &dir,
        &[
            "dgst",
            "-sha256",
            "-sign",
            "private.pem",
            "-out",
            "sig",
            "body",
        ],
    );
    let verified = openssl(
        &dir,
        &[
            "dgst",
            "-sha256",
            "-verify",
            "public.pem",
            "-signature",
            "sig",
            "body",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&verified.stdout).trim(),
        "Verified OK"
    );

    let key = rsa_sha256::private_key_from_pem(&private_pem).expect("hookcert reads private.pem");
    let signature = base64::engine::general_purpose::STANDARD
        .decode(rsa_sha256::sign(&key, body))
        .expect("base64");
    std::fs::write(dir.join("sig-hookcert"), signature).expect("write the signature");
    let verified = openssl(
        &dir,
        &[
            "dgst",
            "-sha256",
            "-verify",
            "public.pem",
            "-signature",
            "sig-hookcert",
            "body",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&verified.stdout).trim(),
        "Verified OK"
    );

    // And OpenSSL's signature is what hookcert's verifier accepts.
    let openssl_signature = std::fs::read(dir.join("sig")).expect("read sig");
    let public_key = rsa_sha256::public_key_from_pem(&public_pem).expect("hookcert reads it");
    rsa_sha256::verify(
        &public_key,
        body,
        &base64::engine::general_purpose::STANDARD.encode(openssl_signature),
    )
    .expect("OpenSSL's signature verifies in hookcert");
}

#[cfg(unix)]
#[test]
fn the_private_key_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("a temp dir");
    let (private, _) = write_pair(tmp.path()).expect("the pair is written");
    let mode = std::fs::metadata(&private)
        .expect("stat private.pem")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "private.pem mode {:o}", mode & 0o777);
}

#[test]
fn a_second_run_refuses_and_leaves_the_files_alone() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let (private, public) = write_pair(tmp.path()).expect("the first pair");
    let before = (
        std::fs::read(&private).expect("read"),
        std::fs::read(&public).expect("read"),
        std::fs::metadata(&private)
            .and_then(|m| m.modified())
            .expect("mtime"),
    );

    let err = write_pair(tmp.path()).expect_err("a second pair would overwrite");
    assert!(
        matches!(&err, KeygenError::Exists { path } if *path == private),
        "{err:?}"
    );
    assert!(err.to_string().contains("private.pem"), "{err}");
    assert_eq!(std::fs::read(&private).expect("read"), before.0);
    assert_eq!(std::fs::read(&public).expect("read"), before.1);
    assert_eq!(
        std::fs::metadata(&private)
            .and_then(|m| m.modified())
            .expect("mtime"),
        before.2
    );

    // Only the public half left over: still refused, naming it, and nothing is written.
    std::fs::remove_file(&private).expect("remove private.pem");
    let err = write_pair(tmp.path()).expect_err("public.pem exists");
    assert!(err.to_string().contains("public.pem"), "{err}");
    assert!(
        !private.exists(),
        "a private key was written beside an old public key"
    );

    assert_eq!(std::fs::read(&public).expect("read"), before.1);
}

#[test]
fn an_unwritable_directory_is_named_in_the_error() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let file = tmp.path().join("not-a-dir");
    std::fs::write(&file, b"x").expect("write");
    let err = write_pair(&file.join("keys")).expect_err("a file is in the way");
    assert!(matches!(err, KeygenError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}
