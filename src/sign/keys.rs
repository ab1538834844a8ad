//! The signer's credentials: a private key and its certificate (with the chain up
//! to the CA), from PEM or DER files or a PKCS#12 file, checked before anything is
//! built: the key matches the certificate, the certificate allows signing and is
//! valid at the signing time.
//!
//! The key never leaves this module but as a signature: [`Signer`]'s `Debug` shows
//! the certificate's subject only, no error message quotes a key file's content,
//! and the passphrase is read from an environment variable or a file, never from
//! the command line (where `ps` and shell history would show it).

use std::path::{Path, PathBuf};

use der::{Decode, Encode};
use p256::pkcs8::DecodePrivateKey as _;
use rsa::traits::PublicKeyParts as _;
use x509_cert::Certificate;

use super::SignError;

/// Where the private key's passphrase comes from.
#[derive(Debug, Clone)]
pub enum PassphraseSource {
    /// The value of this environment variable (its name, not its value).
    Env(String),
    /// The first line of this file.
    File(PathBuf),
}

/// Where the key and certificates come from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// A private key file (PKCS#8, SEC1 or PKCS#1; PEM or DER), the signer's
    /// certificate (PEM or DER; a PEM file may go on with its chain) and an
    /// optional file of intermediate certificates.
    Files {
        key: PathBuf,
        cert: PathBuf,
        chain: Option<PathBuf>,
    },
    /// A PKCS#12 (.p12/.pfx) file holding the key and its certificates.
    Pkcs12(PathBuf),
}

/// A private key we can sign with.
pub(super) enum Key {
    /// ECDSA on P-256 with SHA-256; nonces by RFC 6979, so the same input gives
    /// the same signature.
    P256(p256::ecdsa::SigningKey),
    /// RSA PKCS#1 v1.5 with SHA-256 (deterministic by construction).
    Rsa(Box<rsa::pkcs1v15::SigningKey<sha2::Sha256>>),
}

/// A checked signing identity: the key, its certificate, and the certificates
/// between it and the CA (embedded in the signature for the verifier).
pub struct Signer {
    pub(super) key: Key,
    pub(super) cert: Certificate,
    pub(super) chain: Vec<Certificate>,
}

impl std::fmt::Debug for Signer {
    /// The subject only: a key must never end up in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("subject", &self.subject())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Loads and checks the key and certificates. `passphrase` is read only if
    /// the key is encrypted (or the file is PKCS#12).
    pub fn load(
        source: &KeySource,
        passphrase: Option<&PassphraseSource>,
    ) -> Result<Signer, SignError> {
        let (key, mut certs) = match source {
            KeySource::Files { key, cert, chain } => {
                let key_bytes = read(key, "read the private key")?;
                let pass = |what: &'static str| {
                    read_passphrase(passphrase).and_then(|p| {
                        p.ok_or_else(|| SignError::Key {
                            path: key.clone(),
                            message: format!(
                                "{what} is encrypted: give its passphrase with --passphrase-env VAR or --passphrase-file FILE"
                            ),
                        })
                    })
                };
                let key = parse_key(&key_bytes, pass).map_err(|message| SignError::Key {
                    path: key.clone(),
                    message,
                })?;
                let mut certs = read_certificates(cert)?;
                if let Some(chain) = chain {
                    certs.extend(read_certificates(chain)?);
                }
                (key, certs)
            }
            KeySource::Pkcs12(path) => {
                let bytes = read(path, "read the PKCS#12 file")?;
                let pass = read_passphrase(passphrase)?.unwrap_or_default();
                let (key_der, certs) =
                    parse_pkcs12(&bytes, &pass).map_err(|message| SignError::Key {
                        path: path.clone(),
                        message,
                    })?;
                let key =
                    parse_key(&key_der, |_| Ok(Passphrase::default())).map_err(|message| {
                        SignError::Key {
                            path: path.clone(),
                            message,
                        }
                    })?;
                (key, certs)
            }
        };
        let cert_path = match source {
            KeySource::Files { cert, .. } => cert.clone(),
            KeySource::Pkcs12(path) => path.clone(),
        };
        // The signer's certificate is the one whose public key is the key's; the
        // rest form the chain.
        let public = public_key_der(&key);
        let Some(index) = certs.iter().position(|c| spki_key(c) == public.as_slice()) else {
            return Err(SignError::Certificate {
                path: cert_path,
                message: "no certificate in it belongs to the private key (their public keys differ): give the certificate issued for this key".into(),
            });
        };
        let cert = certs.remove(index);
        check_usage(&cert).map_err(|message| SignError::Certificate {
            path: cert_path.clone(),
            message,
        })?;
        Ok(Signer {
            key,
            cert,
            chain: certs,
        })
    }

    /// The certificate subject's common name (or the whole subject when it has none).
    pub fn subject(&self) -> String {
        common_name(&self.cert)
    }

    /// Refuses a signing time outside the certificate's validity.
    pub fn check_valid_at(&self, epoch: i64) -> Result<(), SignError> {
        let validity = &self.cert.tbs_certificate.validity;
        let from = validity.not_before.to_unix_duration().as_secs() as i64;
        let until = validity.not_after.to_unix_duration().as_secs() as i64;
        let at = super::pdf_date(epoch);
        if epoch < from {
            return Err(SignError::Validity(format!(
                "the signing time {at} (the document date, or SOURCE_DATE_EPOCH) is before the certificate of {} is valid (from {}): set SOURCE_DATE_EPOCH to a time inside its validity, or use a certificate valid then",
                self.subject(),
                validity.not_before
            )));
        }
        if epoch > until {
            return Err(SignError::Validity(format!(
                "the certificate of {} expired on {}, before the signing time {at}: renew it",
                self.subject(),
                validity.not_after
            )));
        }
        Ok(())
    }
}

/// A passphrase, wiped from memory when dropped.
#[derive(Default)]
pub(super) struct Passphrase(String);

impl Drop for Passphrase {
    fn drop(&mut self) {
        // SAFETY: zero bytes are valid UTF-8.
        unsafe { self.0.as_bytes_mut() }.fill(0);
    }
}

fn read_passphrase(source: Option<&PassphraseSource>) -> Result<Option<Passphrase>, SignError> {
    match source {
        None => Ok(None),
        Some(PassphraseSource::Env(var)) => match std::env::var(var) {
            Ok(v) => Ok(Some(Passphrase(v))),
            Err(_) => Err(SignError::Passphrase(format!(
                "the environment variable {var} (--passphrase-env) is not set"
            ))),
        },
        Some(PassphraseSource::File(path)) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                SignError::Passphrase(format!(
                    "{}: cannot read the passphrase file: {e}",
                    path.display()
                ))
            })?;
            // The first line, without its line end: `echo secret > file` adds one.
            let line = text.lines().next().unwrap_or_default().to_owned();
            let mut text = text;
            // SAFETY: zero bytes are valid UTF-8.
            unsafe { text.as_bytes_mut() }.fill(0);
            Ok(Some(Passphrase(line)))
        }
    }
}

fn read(path: &Path, action: &'static str) -> Result<Vec<u8>, SignError> {
    std::fs::read(path).map_err(|source| SignError::Io {
        path: path.to_path_buf(),
        action,
        source,
    })
}

/// The private key in `bytes`: PKCS#8 (plain or encrypted), SEC1 `EC PRIVATE KEY`
/// or PKCS#1 `RSA PRIVATE KEY`, as PEM or DER. `pass` gives the passphrase when
/// the key turns out to be encrypted.
fn parse_key(
    bytes: &[u8],
    pass: impl Fn(&'static str) -> Result<Passphrase, SignError>,
) -> Result<Key, String> {
    let (label, der) = if bytes.starts_with(b"-----BEGIN") || is_pem(bytes) {
        let text = std::str::from_utf8(bytes).map_err(|_| "the PEM file is not text".to_owned())?;
        if text.contains("Proc-Type: 4,ENCRYPTED") {
            return Err("the key is encrypted in the legacy OpenSSL PEM format, which is not supported: convert it with `openssl pkcs8 -topk8 -in KEY -out key.p8.pem` (PKCS#8, keeps a passphrase)".into());
        }
        let (label, der) = der::pem::decode_vec(text.trim().as_bytes())
            .map_err(|e| format!("not a PEM private key: {e}"))?;
        (label.to_owned(), der)
    } else {
        (String::new(), bytes.to_vec())
    };
    let der = Zeroed(der);
    let plain = match label.as_str() {
        "EC PRIVATE KEY" => {
            let key = p256::SecretKey::from_sec1_der(&der.0).map_err(|_| {
                "not a P-256 key (SEC1): only P-256 (prime256v1) EC keys can sign".to_owned()
            })?;
            return Ok(Key::P256(key.into()));
        }
        "RSA PRIVATE KEY" => {
            use rsa::pkcs1::DecodeRsaPrivateKey as _;
            let key = rsa::PrivateKey::from_pkcs1_der(&der.0)
                .map_err(|e| format!("not a PKCS#1 RSA key: {e}"))?;
            return rsa_key(key);
        }
        "ENCRYPTED PRIVATE KEY" => decrypt(&der.0, &pass)?,
        "PRIVATE KEY" | "" => {
            if pkcs8::EncryptedPrivateKeyInfoRef::try_from(der.0.as_slice()).is_ok() {
                decrypt(&der.0, &pass)?
            } else {
                Zeroed(der.0.clone())
            }
        }
        other => return Err(format!("a PEM `{other}`, not a private key")),
    };
    let info = pkcs8::PrivateKeyInfoRef::try_from(plain.0.as_slice())
        .map_err(|e| format!("not a private key (PKCS#8, SEC1 or PKCS#1; PEM or DER): {e}"))?;
    const EC_PUBLIC_KEY: pkcs8::ObjectIdentifier =
        pkcs8::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
    const RSA_ENCRYPTION: pkcs8::ObjectIdentifier =
        pkcs8::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
    match info.algorithm.oid {
        EC_PUBLIC_KEY => {
            let key = p256::ecdsa::SigningKey::from_pkcs8_der(&plain.0).map_err(|_| {
                "an EC key on a curve other than P-256: only P-256 (prime256v1) EC keys can sign"
                    .to_owned()
            })?;
            Ok(Key::P256(key))
        }
        RSA_ENCRYPTION => {
            let key = rsa::PrivateKey::from_pkcs8_der(&plain.0)
                .map_err(|e| format!("an unreadable RSA key: {e}"))?;
            rsa_key(key)
        }
        oid => Err(format!(
            "a key of algorithm {oid}: only ECDSA P-256 and RSA keys can sign"
        )),
    }
}

fn rsa_key(key: rsa::PrivateKey) -> Result<Key, String> {
    let bits = key.size() * 8;
    if bits < 2048 {
        return Err(format!(
            "an RSA key of {bits} bits: signatures need 2048 bits or more"
        ));
    }
    Ok(Key::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(key))))
}

fn decrypt(
    der: &[u8],
    pass: &impl Fn(&'static str) -> Result<Passphrase, SignError>,
) -> Result<Zeroed, String> {
    let info = pkcs8::EncryptedPrivateKeyInfoRef::try_from(der)
        .map_err(|e| format!("not an encrypted PKCS#8 key: {e}"))?;
    let pass = pass("the private key").map_err(|e| e.to_string())?;
    let doc = info
        .decrypt(pass.0.as_bytes())
        .map_err(|_| "the passphrase is wrong (the key did not decrypt)".to_owned())?;
    Ok(Zeroed(doc.as_bytes().to_vec()))
}

/// Key bytes, wiped when dropped.
struct Zeroed(Vec<u8>);

impl Drop for Zeroed {
    fn drop(&mut self) {
        self.0.fill(0);
    }
}

fn is_pem(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes[start..].starts_with(b"-----BEGIN")
}

/// The certificates in a PEM file (one or more) or a DER file (one).
fn read_certificates(path: &Path) -> Result<Vec<Certificate>, SignError> {
    let bytes = read(path, "read the certificate")?;
    let bad = |message: String| SignError::Certificate {
        path: path.to_path_buf(),
        message,
    };
    if is_pem(&bytes) {
        let certs = Certificate::load_pem_chain(&bytes)
            .map_err(|e| bad(format!("not a PEM certificate: {e}")))?;
        if certs.is_empty() {
            return Err(bad("holds no certificate".into()));
        }
        Ok(certs)
    } else {
        Certificate::from_der(&bytes)
            .map(|c| vec![c])
            .map_err(|e| bad(format!("not a certificate (PEM or DER): {e}")))
    }
}

/// The DER private key and the certificates of a PKCS#12 file.
fn parse_pkcs12(bytes: &[u8], pass: &Passphrase) -> Result<(Vec<u8>, Vec<Certificate>), String> {
    let store = p12_keystore::KeyStore::from_pkcs12(bytes, &pass.0, p12_keystore::Pkcs12ImportPolicy::Strict).map_err(|e| {
        format!("cannot open the PKCS#12 file ({e}); is the passphrase (--passphrase-env, --passphrase-file) right?")
    })?;
    let Some((_, chain)) = store.private_key_chain() else {
        return Err("the PKCS#12 file holds no private key".into());
    };
    let certs = chain
        .certs()
        .iter()
        .map(|c| {
            Certificate::from_der(c.as_der())
                .map_err(|e| format!("a certificate in it is unreadable: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((chain.key().as_der().to_vec(), certs))
}

/// The subjectPublicKey bits of `cert`.
fn spki_key(cert: &Certificate) -> &[u8] {
    cert.tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes()
}

/// The key's public key, as the bits a certificate's subjectPublicKey holds.
fn public_key_der(key: &Key) -> Vec<u8> {
    match key {
        Key::P256(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
        Key::Rsa(k) => {
            use rsa::pkcs1::EncodeRsaPublicKey as _;
            use rsa::signature::Keypair as _;
            let public: rsa::PublicKey = k.verifying_key().as_ref().clone();
            public
                .to_pkcs1_der()
                .map(|d| d.as_bytes().to_vec())
                .unwrap_or_default()
        }
    }
}

/// Refuses a certificate whose key usage extension allows neither
/// digitalSignature nor nonRepudiation (a certificate without the extension may
/// sign: RFC 5280 4.2.1.3).
fn check_usage(cert: &Certificate) -> Result<(), String> {
    use x509_cert::ext::pkix::{KeyUsage, KeyUsages};
    let Some(extensions) = &cert.tbs_certificate.extensions else {
        return Ok(());
    };
    for ext in extensions {
        if ext.extn_id == const_oid::db::rfc5280::ID_CE_KEY_USAGE {
            let usage = KeyUsage::from_der(ext.extn_value.as_bytes())
                .map_err(|e| format!("its key usage extension is unreadable: {e}"))?;
            if !usage.0.contains(KeyUsages::DigitalSignature)
                && !usage.0.contains(KeyUsages::NonRepudiation)
            {
                return Err("its key usage allows neither digitalSignature nor nonRepudiation, so it cannot sign documents: use a document-signing certificate".into());
            }
        }
    }
    Ok(())
}

/// The subject's common name, or the whole subject when it has none.
pub(super) fn common_name(cert: &Certificate) -> String {
    let subject = &cert.tbs_certificate.subject;
    for rdn in subject.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid == const_oid::db::rfc4519::CN
                && let Ok(s) = atv.value.decode_as::<der::asn1::Utf8StringRef<'_>>()
            {
                return s.as_str().to_owned();
            }
            if atv.oid == const_oid::db::rfc4519::CN
                && let Ok(s) = atv.value.decode_as::<der::asn1::PrintableStringRef<'_>>()
            {
                return s.as_str().to_owned();
            }
        }
    }
    subject.to_string()
}

/// The DER of `cert` (cannot fail for a certificate that was decoded).
pub(super) fn cert_der(cert: &Certificate) -> Vec<u8> {
    cert.to_der().unwrap_or_default()
}
