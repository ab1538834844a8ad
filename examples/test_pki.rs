//! Writes a throw-away PKI into a folder, for CI's pdfsig and pyHanko checks of
//! `build --sign`: `ca.pem`, the signers `p256.key`/`p256.pem` and
//! `rsa.key`/`rsa.pem` (valid 2020-2040), and the timestamp authority
//! `tsa.key`/`tsa.pem`. The same code makes the certificates of the signing tests.
//!
//! `cargo run --release --example test_pki -- DIR`

#[allow(dead_code)] // the tests use every kind of leaf; CI needs the good ones
#[path = "../tests/suite/pki.rs"]
mod pki;

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: test_pki DIR");
        std::process::exit(2);
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("the folder can be made");
    let ca = pki::Ca::new(&dir);
    ca.p256("p256", pki::Leaf::Good);
    ca.rsa("rsa", 2048);
    ca.tsa();
    println!(
        "wrote a test CA, P-256 and RSA signers and a TSA to {}",
        dir.display()
    );
}
