//! The `hookcert` command. Its commands (certify, listen, send, catalog, keygen) are built in
//! issues 4 and 5; today it only says so, with a usage error, so scripts do not mistake it for
//! a certifier.

fn main() -> std::process::ExitCode {
    eprintln!("hookcert: no commands yet; `hookcert certify` arrives with issue 4 (see README.md)");
    std::process::ExitCode::from(2)
}
