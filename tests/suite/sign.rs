//! `build --sign` and `verify`: PAdES signatures made with throw-away keys (see
//! `pki`), checked by our verifier and by reading the file back; pdfsig and
//! pyHanko check the same in CI (.ci/run).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use crate::common::*;
use crate::pki::{Ca, Identity, Leaf};

/// The default document's date, 2026-11-25, as SOURCE_DATE_EPOCH; inside the test
/// certificates' validity.
const EPOCH: &str = "1795564800";

/// Runs the binary in `dir` with a fixed SOURCE_DATE_EPOCH and `env`.
fn run(dir: &Scratch, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(&dir.0)
        .env("SOURCE_DATE_EPOCH", EPOCH);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// The default document.
const INPUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/kamiless.yaml");

fn sign_args<'a>(id: &'a Identity, out: &'a str) -> Vec<&'a str> {
    vec![
        "build",
        INPUT,
        "-o",
        out,
        "--sign",
        s(&id.key),
        "--cert",
        s(&id.cert),
    ]
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// Checks what every signed file of ours must hold: the unsigned build as its
/// prefix (an incremental update), our verifier's approval, the same text, the
/// same structure tree, a signature field on page 1 and a checksum of the signed
/// bytes.
fn check_signed(dir: &Scratch, signed: &Path, extra: &[&str]) {
    let unsigned_path = dir.path("unsigned.pdf");
    let mut args = vec![
        "build",
        s(Box::leak(default_input().into_boxed_path())),
        "-o",
    ];
    args.push(s(&unsigned_path));
    args.extend_from_slice(extra);
    assert_code(&run(dir, &args, &[]), 0);
    let unsigned = read(&unsigned_path);
    let bytes = read(signed);
    assert!(
        bytes.starts_with(&unsigned),
        "the signature is an incremental update: the unsigned file is unchanged inside"
    );
    let report = disclosure_pdf::sign::verify(&bytes).expect("our verifier accepts it");
    assert_eq!(report.appended, 0);
    assert_eq!(
        report.time, "D:20261125000000+00'00'",
        "/M is the document date"
    );
    assert_eq!(
        report.reason.as_deref(),
        Some("情報セキュリティに関する情報開示（第1.0版）の発行")
    );
    assert!(
        report
            .signature
            .signer
            .starts_with("株式会社カミレス 署名テスト")
    );
    assert_eq!(report.signature.issuer, "CN=disclosure-pdf test CA");

    // The text and the structure tree are those of the unsigned file.
    let text = |pdf: &[u8]| {
        drawn_text(pdf)
            .into_iter()
            .map(|d| d.text)
            .collect::<Vec<_>>()
    };
    assert_eq!(text(&bytes), text(&unsigned));
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let before = lopdf::Document::load_mem(&unsigned).unwrap();
    let catalog = doc.catalog().unwrap();
    assert_eq!(
        catalog.get(b"StructTreeRoot").unwrap(),
        before.catalog().unwrap().get(b"StructTreeRoot").unwrap(),
        "the structure tree is the unsigned file's"
    );
    let form = catalog.get(b"AcroForm").unwrap().as_dict().unwrap();
    assert_eq!(form.get(b"SigFlags").unwrap().as_i64().unwrap(), 3);
    let page = doc.get_pages()[&1];
    let annots = doc
        .get_dictionary(page)
        .unwrap()
        .get(b"Annots")
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    let widget = doc
        .get_dictionary(annots.last().unwrap().as_reference().unwrap())
        .unwrap();
    assert_eq!(widget.get(b"FT").unwrap().as_name().unwrap(), b"Sig");
    assert_eq!(
        widget.get(b"F").unwrap().as_i64().unwrap(),
        132,
        "Print and Locked"
    );
    let rect: Vec<f32> = widget
        .get(b"Rect")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_float().unwrap())
        .collect();
    assert_eq!(rect, [0.0; 4], "invisible");
    let sig = doc
        .get_dictionary(widget.get(b"V").unwrap().as_reference().unwrap())
        .unwrap();
    assert_eq!(
        sig.get(b"SubFilter").unwrap().as_name().unwrap(),
        b"ETSI.CAdES.detached"
    );
    // The checksum beside the PDF is of the signed file.
    let sum = std::fs::read_to_string(signed.with_extension("pdf.sha256")).unwrap();
    use sha2::Digest;
    let hex: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(sum.starts_with(&hex), "{sum}");
}

#[test]
fn p256_and_rsa_signatures_verify_and_are_reproducible() {
    let dir = Scratch::new("sign-keys");
    let ca = Ca::new(&dir.0);
    for (name, id) in [
        ("p256", ca.p256("p256", Leaf::Good)),
        ("rsa", ca.rsa("rsa", 2048)),
    ] {
        let a = dir.path(&format!("{name}-a.pdf"));
        let b = dir.path(&format!("{name}-b.pdf"));
        let out = run(&dir, &sign_args(&id, s(&a)), &[]);
        assert_code(&out, 0);
        assert_code(&run(&dir, &sign_args(&id, s(&b)), &[]), 0);
        assert_eq!(
            read(&a),
            read(&b),
            "{name}: two signed builds are byte-identical"
        );
        check_signed(&dir, &a, &[]);
        let verified = run(&dir, &["verify", s(&a)], &[]);
        assert_code(&verified, 0);
        let text = stdout(&verified);
        assert!(text.contains("signature valid and intact"), "{text}");
        assert!(
            text.contains(if name == "rsa" {
                "RSA 2048 / SHA-256"
            } else {
                "ECDSA P-256 / SHA-256"
            }),
            "{text}"
        );
        assert!(text.contains("nothing was changed after signing"), "{text}");
        let json = run(&dir, &["verify", "--json", s(&a)], &[]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
        assert_eq!(v["valid"], true);
        assert_eq!(v["appended_bytes"], 0);
    }
}

#[test]
fn a_changed_byte_or_an_appended_update_fails_verification() {
    let dir = Scratch::new("sign-tamper");
    let ca = Ca::new(&dir.0);
    let id = ca.p256("signer", Leaf::Good);
    let signed = dir.path("signed.pdf");
    assert_code(&run(&dir, &sign_args(&id, s(&signed)), &[]), 0);
    let bytes = read(&signed);

    // One byte of the binary-marker comment on line 2: the file still reads, but
    // is not what was signed.
    let mut flipped = bytes.clone();
    let at = flipped.iter().position(|&b| b == 0xE2).unwrap();
    flipped[at] = 0xE3;
    let flipped_path = dir.path("flipped.pdf");
    std::fs::write(&flipped_path, &flipped).unwrap();
    let out = run(&dir, &["verify", s(&flipped_path)], &[]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("the signed bytes were changed"),
        "{}",
        stderr(&out)
    );

    // A byte of the signature value itself.
    let mut broken = bytes.clone();
    let contents = find(&bytes, b"/Contents<").unwrap() + 12;
    broken[contents] = if broken[contents] == b'0' { b'1' } else { b'0' };
    let broken_path = dir.path("broken.pdf");
    std::fs::write(&broken_path, &broken).unwrap();
    assert_code(&run(&dir, &["verify", s(&broken_path)], &[]), 1);

    // An incremental update appended after signing.
    let mut appended = bytes.clone();
    appended.extend_from_slice(b"% an edit after signing\n");
    let appended_path = dir.path("appended.pdf");
    std::fs::write(&appended_path, &appended).unwrap();
    let out = run(&dir, &["verify", s(&appended_path)], &[]);
    assert_code(&out, 1);
    assert!(
        stdout(&out).contains("the file was changed after signing"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        disclosure_pdf::sign::verify(&appended).unwrap().appended,
        24
    );

    // An unsigned file is no signed file.
    let unsigned = dir.path("unsigned.pdf");
    let input = default_input();
    assert_code(
        &run(&dir, &["build", s(&input), "-o", s(&unsigned)], &[]),
        0,
    );
    let out = run(&dir, &["verify", s(&unsigned)], &[]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("not signed"), "{}", stderr(&out));
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Runs `openssl` with `args` in `dir`, failing the test on an error.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is on PATH (the signing tests use it for PKCS#8, PKCS#12 and the TSA)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn encrypted_keys_take_their_passphrase_from_a_variable_or_a_file_only() {
    let dir = Scratch::new("sign-passphrase");
    let ca = Ca::new(&dir.0);
    let id = ca.p256("signer", Leaf::Good);
    let secret = "correct horse 電池";
    let pass_file = dir.write("pass.txt", &format!("{secret}\n"));
    openssl(
        &dir.0,
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            "signer.key",
            "-out",
            "enc.key",
            "-passout",
            "file:pass.txt",
        ],
    );
    openssl(
        &dir.0,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "signer.key",
            "-in",
            "signer.pem",
            "-certfile",
            "ca.pem",
            "-out",
            "signer.p12",
            "-passout",
            "file:pass.txt",
        ],
    );
    let input = default_input();
    let build = |out: &str, key: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["build", s(&input), "-o", out];
        args.extend_from_slice(key);
        run(&dir, &args, env)
    };
    let enc = ["--sign", "enc.key", "--cert", "signer.pem"];

    // No passphrase: told how to give one, nothing written.
    let out = build("a.pdf", &enc, &[]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("--passphrase-env"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path("a.pdf").exists());

    // A wrong one.
    let out = build(
        "a.pdf",
        &[&enc[..], &["--passphrase-env", "SIGNING_PASS"]].concat(),
        &[("SIGNING_PASS", "wrong")],
    );
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("passphrase is wrong"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path("a.pdf").exists(), "nothing is written");

    // A variable that is not set.
    let out = build(
        "a.pdf",
        &[&enc[..], &["--passphrase-env", "NOT_SET_ANYWHERE"]].concat(),
        &[],
    );
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("NOT_SET_ANYWHERE"),
        "{}",
        stderr(&out)
    );

    // The right one, from the environment and from a file: the same signature as
    // the plain key gives, since the key is the same.
    let out = build(
        "env.pdf",
        &[&enc[..], &["--passphrase-env", "SIGNING_PASS"]].concat(),
        &[("SIGNING_PASS", secret)],
    );
    assert_code(&out, 0);
    let out = build(
        "file.pdf",
        &[&enc[..], &["--passphrase-file", s(&pass_file)]].concat(),
        &[],
    );
    assert_code(&out, 0);
    assert_code(&run(&dir, &sign_args(&id, "plain.pdf"), &[]), 0);
    assert_eq!(read(&dir.path("env.pdf")), read(&dir.path("plain.pdf")));
    assert_eq!(read(&dir.path("file.pdf")), read(&dir.path("plain.pdf")));

    // PKCS#12, with its chain.
    let out = build(
        "p12.pdf",
        &["--p12", "signer.p12", "--passphrase-env", "SIGNING_PASS"],
        &[("SIGNING_PASS", secret)],
    );
    assert_code(&out, 0);
    assert!(disclosure_pdf::sign::verify(&read(&dir.path("p12.pdf"))).is_ok());
    let out = build(
        "p12.pdf",
        &["--p12", "signer.p12", "--passphrase-env", "SIGNING_PASS"],
        &[("SIGNING_PASS", "wrong")],
    );
    assert_code(&out, 1);
    assert!(stderr(&out).contains("passphrase"), "{}", stderr(&out));

    // There is no flag that takes the passphrase itself.
    let out = build(
        "a.pdf",
        &[&enc[..], &["--passphrase", secret]].concat(),
        &[],
    );
    assert_code(&out, 2);
    // Even then the passphrase is not echoed back.
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        !text.contains(secret) && !text.contains("PRIVATE KEY"),
        "{text}"
    );
}

#[test]
fn unusable_keys_and_certificates_are_refused_before_anything_is_written() {
    let dir = Scratch::new("sign-refused");
    let ca = Ca::new(&dir.0);
    let good = ca.p256("good", Leaf::Good);
    let other = ca.p256("other", Leaf::Good);
    let cases: Vec<(Identity, &str)> = vec![
        (ca.p256("expired", Leaf::Expired), "expired"),
        (ca.p256("notyet", Leaf::NotYet), "SOURCE_DATE_EPOCH"),
        (ca.p256("nosign", Leaf::NoSigning), "digitalSignature"),
        (
            Identity {
                key: good.key.clone(),
                cert: other.cert.clone(),
            },
            "belongs to the private key",
        ),
        (
            Identity {
                key: dir.write("not-a-key.pem", "hello"),
                cert: good.cert.clone(),
            },
            "not a private key",
        ),
    ];
    for (id, message) in cases {
        let out = run(&dir, &sign_args(&id, "out.pdf"), &[]);
        assert_code(&out, 1);
        let err = stderr(&out);
        assert!(err.contains(message), "{message}: {err}");
        assert!(!err.contains("BEGIN"), "no key material in: {err}");
        assert!(
            !dir.path("out.pdf").exists(),
            "{message}: nothing is written"
        );
    }
    // An RSA key under 2048 bits.
    let small = ca.rsa("small", 1024);
    let out = run(&dir, &sign_args(&small, "out.pdf"), &[]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("2048 bits"), "{}", stderr(&out));
    // --tsa without a key is a usage error.
    let out = run(&dir, &["build", "--tsa", "http://127.0.0.1:9/"], &[]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("--sign KEY --cert CERT"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn pdfa_survives_signing() {
    let dir = Scratch::new("sign-pdfa");
    let ca = Ca::new(&dir.0);
    let id = ca.p256("signer", Leaf::Good);
    let signed = dir.path("signed.pdf");
    let mut args = sign_args(&id, s(&signed));
    args.push("--pdfa");
    assert_code(&run(&dir, &args, &[]), 0);
    check_signed(&dir, &signed, &["--pdfa"]);
    let bytes = read(&signed);
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("<pdfaid:part>2</pdfaid:part>"));
    // The widget has an appearance (PDF/A-2 6.3.3) and is printed.
    assert!(
        text.contains("/AP<</N "),
        "the signature widget has an appearance"
    );
}

/// A timestamp authority on 127.0.0.1: `openssl ts -reply` behind a minimal HTTP
/// responder, answering `requests` requests. Returns its URL.
fn local_tsa(dir: &Path, tsa: &Identity, requests: usize) -> String {
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    std::fs::write(
        dir.join("ts.cnf"),
        "[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\nserial = ./serial\nsigner_digest = sha256\n\
         default_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\nordering = no\n\
         tsa_name = yes\ness_cert_id_alg = sha256\n",
    )
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    let dir = dir.to_path_buf();
    let (cert, key) = (tsa.cert.clone(), tsa.key.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            // Headers, then Content-Length bytes of body.
            let body = loop {
                let n = stream.read(&mut buf).unwrap();
                data.extend_from_slice(&buf[..n]);
                if let Some(end) = find(&data, b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map_or(0, |v| v.trim().parse().unwrap());
                    while data.len() < end + 4 + len {
                        let n = stream.read(&mut buf).unwrap();
                        data.extend_from_slice(&buf[..n]);
                    }
                    break data[end + 4..end + 4 + len].to_vec();
                }
            };
            std::fs::write(dir.join("query.tsq"), body).unwrap();
            openssl(
                &dir,
                &[
                    "ts",
                    "-reply",
                    "-config",
                    "ts.cnf",
                    "-queryfile",
                    "query.tsq",
                    "-signer",
                    s(&cert),
                    "-inkey",
                    s(&key),
                    "-out",
                    "reply.tsr",
                ],
            );
            let reply = std::fs::read(dir.join("reply.tsr")).unwrap();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reply.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(&reply).unwrap();
        }
    });
    url
}

#[test]
fn a_timestamp_from_a_local_authority_makes_b_t_and_a_failing_one_writes_nothing() {
    let dir = Scratch::new("sign-tsa");
    let ca = Ca::new(&dir.0);
    let id = ca.p256("signer", Leaf::Good);
    let tsa = ca.tsa();
    let url = local_tsa(&dir.0, &tsa, 1);
    let signed = dir.path("signed.pdf");
    let mut args = sign_args(&id, s(&signed));
    args.extend_from_slice(&["--tsa", &url]);
    let out = run(&dir, &args, &[]);
    assert_code(&out, 0);
    check_signed(&dir, &signed, &[]);
    let report = disclosure_pdf::sign::verify(&read(&signed)).unwrap();
    assert_eq!(
        report.signature.timestamp_authority.as_deref(),
        Some("disclosure-pdf test TSA")
    );
    let time = report.signature.timestamp.unwrap();
    assert!(time.starts_with("20"), "{time}");
    let out = run(&dir, &["verify", s(&signed)], &[]);
    assert_code(&out, 0);
    assert!(stdout(&out).contains("timestamp  20"), "{}", stdout(&out));

    // An authority that is not there: a clear error, and no file, signed or not.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/tsa", closed.local_addr().unwrap());
    drop(closed);
    let failed = dir.path("failed.pdf");
    let mut args = sign_args(&id, s(&failed));
    args.extend_from_slice(&["--tsa", &dead]);
    let out = run(&dir, &args, &[]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("cannot timestamp the signature (nothing was written)"),
        "{}",
        stderr(&out)
    );
    assert!(!failed.exists());
    assert!(!dir.path("failed.pdf.sha256").exists());
}
