//! Certifying over HTTPS: the client speaks TLS (rustls), trusts a certificate given with
//! `--ca-cert`, refuses one it does not trust, and sends each request on a TLS connection of its own.

use hookcert::{Certification, Verdict};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A minimal HTTPS endpoint that answers 200 to every request, counting connections.
async fn https_server(cert_pem: &str, key_pem: &str) -> (u16, Arc<AtomicUsize>) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = vec![CertificateDer::from_pem_slice(cert_pem.as_bytes()).expect("cert")];
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).expect("key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 16 * 1024];
                loop {
                    // One request: head, then Content-Length bytes.
                    let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match tls.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    while buf.len() < head_end + 4 + length {
                        match tls.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..head_end + 4 + length);
                    let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
                    if tls.write_all(answer).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, connections)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_a_trusted_certificate() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("a cert");
    let cert_pem = cert.cert.pem();
    let (port, connections) = https_server(&cert_pem, &cert.signing_key.serialize_pem()).await;
    let url = format!("https://localhost:{port}/hooks");
    let report = Certification::new("tomba")
        .expect("a vendor")
        .url(url.clone())
        .ca_cert_pem(cert_pem)
        .suites(&["golden", "generated"])
        .cases(8)
        .run()
        .await
        .expect("a run");
    assert_eq!(
        report.summary.fail,
        0,
        "{:#?}",
        report.failures().collect::<Vec<_>>()
    );
    assert!(
        report
            .cases
            .iter()
            .filter(|c| c.verdict == Verdict::Pass)
            .count()
            >= 9
    );
    // One request per connection, as certify sends (a case's request must not be answered on
    // a connection an earlier case left half read): a TLS handshake for each.
    let requests: usize = report.cases.iter().map(|c| c.attempts.len()).sum();
    assert!(
        connections.load(Ordering::SeqCst) >= requests,
        "{connections:?} connections for {requests} requests"
    );

    // Without the certificate, the server is not trusted: unreachable, a TLS error.
    let untrusted = Certification::new("tomba")
        .expect("a vendor")
        .url(url)
        .suites(&["golden"])
        .run()
        .await
        .expect_err("an untrusted certificate");
    let message = untrusted.to_string();
    assert!(
        message.contains("cannot reach") && message.contains("TLS"),
        "{message}"
    );
}
