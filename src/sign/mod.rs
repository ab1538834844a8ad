//! PAdES signatures (ETSI EN 319 142-1, baseline B-B, and B-T with a timestamp) on
//! the finished PDF, and their verification.
//!
//! Signing runs after [`crate::pdf`] on the file's bytes and knows nothing of the
//! layout:
//!
//! - `keys`: the key and certificates, loaded and checked before the build;
//! - `update`: the incremental update that carries the signature, and its byte range;
//! - `cms`: the CMS SignedData over that range (and checking one);
//! - `tsa`: the RFC 3161 timestamp for B-T.
//!
//! With the same input, key and time, two signed files are byte-identical: ECDSA
//! nonces come from RFC 6979, RSA PKCS#1 v1.5 is deterministic, the time is `/M`
//! (the document date or `SOURCE_DATE_EPOCH`), and the CMS has no signing-time.
//! A timestamp is the exception: the authority's answer differs on every call.

mod cms;
mod keys;
mod tsa;
mod update;

use std::path::PathBuf;

use sha2::{Digest, Sha256};

pub use cms::Verified;
pub use keys::{KeySource, PassphraseSource, Signer};

/// How a build signs its PDF.
#[derive(Debug, Clone)]
pub struct SignOptions {
    pub signer: std::sync::Arc<Signer>,
    /// `/Reason`; a default naming the document when `None`.
    pub reason: Option<String>,
    /// An RFC 3161 timestamp authority's URL, for PAdES B-T.
    pub tsa: Option<String>,
}

/// Why a signature could not be made or checked.
#[derive(Debug)]
pub enum SignError {
    /// A key, certificate or passphrase file could not be read.
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    /// The private key is unusable (its file's content is never quoted).
    Key { path: PathBuf, message: String },
    /// A certificate is unusable for this key or for signing.
    Certificate { path: PathBuf, message: String },
    /// The signing time is outside the certificate's validity.
    Validity(String),
    /// The passphrase could not be had.
    Passphrase(String),
    /// The timestamp authority failed.
    Timestamp(String),
    /// Building the signature failed.
    Signing(String),
}

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignError::Io {
                path,
                action,
                source,
            } => write!(f, "{}: cannot {action}: {source}", path.display()),
            SignError::Key { path, message } => {
                write!(f, "{}: error: the private key is {message}", path.display())
            }
            SignError::Certificate { path, message } => {
                write!(f, "{}: error: the certificate: {message}", path.display())
            }
            SignError::Validity(m) | SignError::Passphrase(m) | SignError::Signing(m) => {
                write!(f, "error: cannot sign: {m}")
            }
            SignError::Timestamp(m) => {
                write!(
                    f,
                    "error: cannot timestamp the signature (nothing was written): {m}"
                )
            }
        }
    }
}

impl std::error::Error for SignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SignError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The DER signature room reserved in `/Contents` beyond the certificates: the
/// signature value and attributes need under 1 KB.
const RESERVE_SIGNATURE: usize = 2048;
/// Room for a timestamp token (its authority's certificates included).
const RESERVE_TIMESTAMP: usize = 16384;

/// `pdf` (a file of ours) with a PAdES signature by `opts.signer` at `epoch`
/// (seconds since 1970), in an incremental update. `default_reason` is `/Reason`
/// when the options give none.
pub fn sign(
    pdf: &[u8],
    opts: &SignOptions,
    epoch: i64,
    default_reason: &str,
) -> Result<Vec<u8>, SignError> {
    let signer = &opts.signer;
    signer.check_valid_at(epoch)?;
    let base = update::Base::read(pdf).map_err(SignError::Signing)?;
    let certs: usize = std::iter::once(&signer.cert)
        .chain(&signer.chain)
        .map(|c| keys::cert_der(c).len())
        .sum();
    let reserve = certs
        + RESERVE_SIGNATURE
        + if opts.tsa.is_some() {
            RESERVE_TIMESTAMP
        } else {
            0
        };
    let time = pdf_date(epoch);
    let name = signer.subject();
    let fields = update::Fields {
        time: &time,
        name: &name,
        reason: opts.reason.as_deref().unwrap_or(default_reason),
    };
    let prepared = update::prepare(pdf, &base, &fields, reserve);
    let mut hash = Sha256::new();
    for part in prepared.signed_parts() {
        hash.update(part);
    }
    let digest: [u8; 32] = hash.finalize().into();
    let stamp = opts
        .tsa
        .as_deref()
        .map(|url| move |signature: &[u8]| tsa::timestamp(url, signature));
    let der = cms::signed_data(
        signer,
        &digest,
        stamp
            .as_ref()
            .map(|s| s as &dyn Fn(&[u8]) -> Result<Vec<u8>, SignError>),
    )?;
    prepared.fill(&der).map_err(|size| {
        SignError::Signing(format!(
            "the signature ({size} bytes) is larger than the room reserved for it ({reserve} bytes); the certificate chain or timestamp is unusually large"
        ))
    })
}

/// What `verify` found in a signed PDF.
#[derive(Debug, Clone)]
pub struct Report {
    /// The CMS signature, checked.
    pub signature: Verified,
    /// `/M`, as written.
    pub time: String,
    /// `/Reason`, if any.
    pub reason: Option<String>,
    /// Bytes after the signed range (an update appended after signing), 0 when
    /// the signature covers the whole file.
    pub appended: usize,
}

/// Checks the signature of a PDF we signed: the byte range covers the file but
/// the signature value, the digest matches and the CMS signature verifies against
/// its embedded certificate. Trust in that certificate is not judged here.
pub fn verify(pdf: &[u8]) -> Result<Report, String> {
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| format!("cannot read the PDF: {e}"))?;
    let catalog = doc.catalog().map_err(|_| "the PDF has no catalogue")?;
    let form = catalog
        .get(b"AcroForm")
        .ok()
        .and_then(|o| resolve(&doc, o).as_dict().ok())
        .ok_or("the PDF is not signed (it has no form)")?;
    let fields = form
        .get(b"Fields")
        .ok()
        .and_then(|o| resolve(&doc, o).as_array().ok())
        .ok_or("the PDF is not signed (its form has no fields)")?;
    let sig = fields
        .iter()
        .filter_map(|f| resolve(&doc, f).as_dict().ok())
        .filter(|f| f.get(b"FT").and_then(|t| t.as_name()).ok() == Some(b"Sig"))
        .find_map(|f| {
            f.get(b"V")
                .ok()
                .and_then(|v| resolve(&doc, v).as_dict().ok())
        })
        .ok_or("the PDF is not signed (no signature field has a value)")?;
    let range: Vec<usize> = sig
        .get(b"ByteRange")
        .and_then(|r| r.as_array())
        .map_err(|_| "the signature has no /ByteRange")?
        .iter()
        .map(|n| n.as_i64().ok().and_then(|n| usize::try_from(n).ok()))
        .collect::<Option<_>>()
        .ok_or("the /ByteRange holds something other than numbers")?;
    let [start, first, gap_end, second] = range[..] else {
        return Err("the /ByteRange is not two ranges".into());
    };
    let end = gap_end
        .checked_add(second)
        .filter(|&e| e <= pdf.len() && first < gap_end && start == 0)
        .ok_or("the /ByteRange does not fit the file")?;
    // The gap must be exactly the /Contents hex string.
    let gap = &pdf[first..gap_end];
    if gap.first() != Some(&b'<')
        || gap.last() != Some(&b'>')
        || !gap[1..gap.len() - 1].iter().all(u8::is_ascii_hexdigit)
    {
        return Err("the part the /ByteRange leaves out is not the signature value alone".into());
    }
    let contents = match sig.get(b"Contents") {
        Ok(lopdf::Object::String(bytes, _)) => bytes.clone(),
        _ => return Err("the signature has no /Contents".into()),
    };
    let mut hash = Sha256::new();
    hash.update(&pdf[..first]);
    hash.update(&pdf[gap_end..end]);
    let digest = hash.finalize();
    let signature = cms::verify(&contents, &digest)?;
    let text = |key: &[u8]| match sig.get(key) {
        Ok(lopdf::Object::String(bytes, _)) => Some(decode_text(bytes)),
        _ => None,
    };
    Ok(Report {
        signature,
        time: text(b"M").unwrap_or_default(),
        reason: text(b"Reason"),
        appended: pdf.len() - end,
    })
}

fn resolve<'a>(doc: &'a lopdf::Document, o: &'a lopdf::Object) -> &'a lopdf::Object {
    match o {
        lopdf::Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

/// A PDF text string: UTF-16BE after a byte-order mark, else taken as Latin-1.
fn decode_text(bytes: &[u8]) -> String {
    match bytes {
        [0xFE, 0xFF, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// `epoch` as a PDF date in UTC: `D:YYYYMMDDHHmmSS+00'00'`.
pub(crate) fn pdf_date(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let date = crate::model::Date::from_days(days);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}+00'00'",
        date.year,
        date.month,
        date.day,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}
