//! Signatures checked against implementations we did not write: HMAC against
//! `openssl dgst -sha256 -hmac` and Python's `hmac`; RSA against `openssl dgst -sha256 -sign`
//! and `-verify`. One byte changed makes verification fail on both sides.

use hookcert_events::auth::{Malformation, SignatureError, hmac_sha256_hex, rsa_sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

fn ensure_tools() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/ensure-test-tools.sh");
    let status = Command::new("bash")
        .arg(script)
        .status()
        .expect("run ensure-test-tools.sh");
    assert!(
        status.success(),
        "scripts/ensure-test-tools.sh could not provide openssl and python3"
    );
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("spawn");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn bodies() -> Vec<Vec<u8>> {
    vec![
        br#"{"payload":[{"data":{"id":"5f5214ef2050870001dab572"},"type":"lead.added","date":"2020-09-04T10:20:31.3778028+00:00"}]}"#.to_vec(),
        "{\"company\":\"Ergo Arena\",\"city\":\"Gdańsk\",\"emoji\":\"😀\"}".as_bytes().to_vec(),
        Vec::new(),
        (0u8..=255).collect(),
        vec![b'x'; 70_000],
    ]
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

#[test]
fn hmac_agrees_with_openssl_and_python() {
    ensure_tools();
    let dir = tempfile::tempdir().expect("temp dir");
    for (i, body) in bodies().iter().enumerate() {
        for secret in ["whsec_spotio", "k", "a secret with spaces and ünïcode"] {
            let file = write(dir.path(), &format!("body{i}"), body);
            let ours = hmac_sha256_hex::sign(secret.as_bytes(), body);
            let (ok, text) = run(Command::new("openssl")
                .args(["dgst", "-sha256", "-hmac", secret])
                .arg(&file));
            assert!(ok, "openssl failed: {text}");
            let theirs = text
                .split_whitespace()
                .last()
                .expect("openssl output")
                .to_owned();
            assert_eq!(ours, theirs, "openssl disagrees on body {i}");
            let python = "import hmac, hashlib, sys; print(hmac.new(sys.argv[1].encode(), open(sys.argv[2], 'rb').read(), hashlib.sha256).hexdigest())";
            let (ok, text) = run(Command::new("python3")
                .args(["-c", python, secret])
                .arg(&file));
            assert!(ok, "python failed: {text}");
            assert_eq!(ours, text.trim(), "Python's hmac disagrees on body {i}");
            assert_eq!(
                hmac_sha256_hex::verify(secret.as_bytes(), body, &theirs),
                Ok(())
            );
            let mut changed = body.clone();
            match changed.first_mut() {
                Some(b) => *b ^= 0x01,
                None => changed.push(b'x'),
            }
            assert!(matches!(
                hmac_sha256_hex::verify(secret.as_bytes(), &changed, &theirs),
                Err(SignatureError::Mismatch)
            ));
        }
    }
}

#[test]
fn rsa_signatures_cross_verify_with_openssl() {
    ensure_tools();
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("private.pem");
    let public = dir.path().join("public.pem");
    let (ok, text) = run(Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
        ])
        .arg(&key));
    assert!(ok, "{text}");
    let (ok, text) = run(Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&key)
        .arg("-out")
        .arg(&public));
    assert!(ok, "{text}");
    let private_key =
        rsa_sha256::private_key_from_pem(&std::fs::read_to_string(&key).expect("key"))
            .expect("PKCS#8 key");
    let public_key =
        rsa_sha256::public_key_from_pem(&std::fs::read_to_string(&public).expect("pub"))
            .expect("SPKI key");
    for (i, body) in bodies().iter().enumerate() {
        let file = write(dir.path(), &format!("body{i}"), body);
        // openssl signs, we verify.
        let sig_file = dir.path().join(format!("sig{i}.bin"));
        let (ok, text) = run(Command::new("openssl")
            .args(["dgst", "-sha256", "-sign"])
            .arg(&key)
            .arg("-out")
            .arg(&sig_file)
            .arg(&file));
        assert!(ok, "{text}");
        use base64::Engine;
        let theirs = base64::engine::general_purpose::STANDARD
            .encode(std::fs::read(&sig_file).expect("sig"));
        assert_eq!(
            rsa_sha256::verify(&public_key, body, &theirs),
            Ok(()),
            "body {i}"
        );
        // We sign, openssl verifies. PKCS#1 v1.5 is deterministic: the same bytes as openssl's.
        let ours = rsa_sha256::sign(&private_key, body);
        assert_eq!(ours, theirs, "signatures differ on body {i}");
        let our_sig = write(
            dir.path(),
            &format!("ours{i}.bin"),
            &base64::engine::general_purpose::STANDARD
                .decode(&ours)
                .expect("b64"),
        );
        let (ok, text) = run(Command::new("openssl")
            .args(["dgst", "-sha256", "-verify"])
            .arg(&public)
            .arg("-signature")
            .arg(&our_sig)
            .arg(&file));
        assert!(
            ok && text.contains("Verified OK"),
            "openssl refuses our signature on body {i}: {text}"
        );
        // One byte changed: both sides refuse.
        let mut changed = body.clone();
        match changed.first_mut() {
            Some(b) => *b ^= 0x01,
            None => changed.push(b'x'),
        }
        let changed_file = write(dir.path(), &format!("changed{i}"), &changed);
        let (ok, _) = run(Command::new("openssl")
            .args(["dgst", "-sha256", "-verify"])
            .arg(&public)
            .arg("-signature")
            .arg(&our_sig)
            .arg(&changed_file));
        assert!(!ok, "openssl accepted a changed body {i}");
        assert!(matches!(
            rsa_sha256::verify(&public_key, &changed, &ours),
            Err(SignatureError::Mismatch)
        ));
    }
}

#[test]
fn a_pkcs1_private_key_from_openssl_loads_and_signs() {
    ensure_tools();
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("traditional.pem");
    let (ok, text) = run(Command::new("openssl")
        .args(["genrsa", "-traditional", "-out"])
        .arg(&key)
        .arg("2048"));
    assert!(ok, "{text}");
    let pem = std::fs::read_to_string(&key).expect("key");
    assert!(
        pem.contains("BEGIN RSA PRIVATE KEY"),
        "openssl did not write PKCS#1"
    );
    let private_key = rsa_sha256::private_key_from_pem(&pem).expect("PKCS#1 key");
    let signature = rsa_sha256::sign(&private_key, b"{}");
    assert_eq!(
        rsa_sha256::verify(&private_key.to_public_key(), b"{}", &signature),
        Ok(())
    );
}

#[test]
fn the_committed_vector_matches_openssl_byte_for_byte() {
    // tests/keys: a test-only key pair and a body openssl signed (see tests/keys/README.md).
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys");
    let read = |name: &str| std::fs::read_to_string(keys.join(name)).expect("test vector file");
    let private_key =
        rsa_sha256::private_key_from_pem(&read("test-only-private.pem")).expect("key");
    let public_key = rsa_sha256::public_key_from_pem(&read("test-only-public.pem")).expect("key");
    let body = std::fs::read(keys.join("signed-body.json")).expect("body");
    let expected = read("signed-body.sig.b64");
    assert_eq!(rsa_sha256::sign(&private_key, &body), expected.trim());
    assert_eq!(rsa_sha256::verify(&public_key, &body, &expected), Ok(()));
    // Failure cases as carefully as success.
    assert!(matches!(
        rsa_sha256::verify(&public_key, &body, ""),
        Err(SignatureError::Empty)
    ));
    assert!(matches!(
        rsa_sha256::verify(&public_key, &body, "!!!not base64!!!"),
        Err(SignatureError::Malformed(Malformation::NotBase64))
    ));
    let truncated = &expected.trim()[..expected.trim().len() - 8];
    assert!(rsa_sha256::verify(&public_key, &body, truncated).is_err());
    assert!(matches!(
        rsa_sha256::verify(
            &public_key,
            b"{\"event\":\"operator.created\",\"attempt\":2}",
            &expected
        ),
        Err(SignatureError::Mismatch)
    ));
    assert!(
        rsa_sha256::public_key_from_pem(
            "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n"
        )
        .is_err()
    );
}
