//! The signature itself: a detached CMS SignedData (RFC 5652) over the PDF's byte
//! range, as PAdES baseline B-B wants it (ETSI EN 319 142-1, 5.1): SHA-256, the
//! content-type, message-digest and ESS signing-certificate-v2 signed attributes,
//! no signing-time attribute (the time is the signature dictionary's `/M`), the
//! signer's certificate and its chain embedded. For B-T, the RFC 3161 timestamp
//! token over the signature value goes in as the signature-time-stamp unsigned
//! attribute. Verification of our own signatures lives here too, beside the
//! building it mirrors.

use cms::cert::IssuerAndSerialNumber;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;

use super::keys::{Key, Signer, cert_der};

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
/// id-aa-signingCertificateV2 (RFC 5035).
const ID_SIGNING_CERT_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// id-aa-timeStampToken (RFC 3161, appendix A).
pub(super) const ID_TIMESTAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
/// id-ct-TSTInfo.
const ID_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// ESSCertIDv2 (RFC 5035): the hash of the signer's certificate, so that it cannot
/// be swapped for another with the same key. The hash algorithm is the default,
/// SHA-256, and so is left out (DER omits defaults).
#[derive(Clone, Debug, Sequence)]
struct EssCertIdV2 {
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    issuer_serial: Option<IssuerSerial>,
}

/// IssuerSerial (RFC 5035).
#[derive(Clone, Debug, Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

/// SigningCertificateV2 (RFC 5035), without policies.
#[derive(Clone, Debug, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    }
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, der::Error> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value])?,
    })
}

/// Gets a timestamp token (DER) over a signature value.
pub(super) type Stamp<'a> = &'a dyn Fn(&[u8]) -> Result<Vec<u8>, super::SignError>;

/// The DER ContentInfo of a SignedData by `signer` over content whose SHA-256 is
/// `digest`. `timestamp` is given the signature value and returns the DER
/// timestamp token to embed (B-T), or is `None` (B-B).
pub(super) fn signed_data(
    signer: &Signer,
    digest: &[u8; 32],
    timestamp: Option<Stamp<'_>>,
) -> Result<Vec<u8>, super::SignError> {
    let cert = &signer.cert;
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(Sha256::digest(cert_der(cert)).to_vec())?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    cert.tbs_certificate.issuer.clone(),
                )],
                serial_number: cert.tbs_certificate.serial_number.clone(),
            }),
        }],
    };
    let signed_attrs = SetOfVec::try_from(vec![
        attribute(ID_CONTENT_TYPE, Any::encode_from(&ID_DATA)?)?,
        attribute(
            ID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec())?)?,
        )?,
        attribute(ID_SIGNING_CERT_V2, Any::encode_from(&ess)?)?,
    ])?;
    // The signature is over the DER of the attributes as a SET (RFC 5652, 5.4),
    // not over their [0] IMPLICIT form inside SignerInfo.
    let message = signed_attrs.to_der()?;
    let (signature, signature_algorithm) = match &signer.key {
        Key::P256(key) => {
            use p256::ecdsa::signature::Signer as _;
            let sig: p256::ecdsa::Signature = key.sign(&message);
            (
                sig.to_der().as_bytes().to_vec(),
                AlgorithmIdentifierOwned {
                    oid: ECDSA_WITH_SHA256,
                    parameters: None,
                },
            )
        }
        Key::Rsa(key) => {
            use rsa::signature::{SignatureEncoding as _, Signer as _};
            let sig = key
                .try_sign(&message)
                .map_err(|e| super::SignError::Signing(format!("the RSA signature failed: {e}")))?;
            (
                sig.to_vec(),
                AlgorithmIdentifierOwned {
                    oid: SHA256_WITH_RSA,
                    parameters: Some(Any::null()),
                },
            )
        }
    };
    let unsigned_attrs = match timestamp {
        Some(stamp) => {
            let token = stamp(&signature)?;
            let token = Any::from_der(&token).map_err(|e| {
                super::SignError::Timestamp(format!("the timestamp token is not DER: {e}"))
            })?;
            Some(SetOfVec::try_from(vec![attribute(
                ID_TIMESTAMP_TOKEN,
                token,
            )?])?)
        }
        None => None,
    };
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256_algorithm(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm,
        signature: OctetString::new(signature.to_vec())?,
        unsigned_attrs,
    };
    let certificates = std::iter::once(cert)
        .chain(&signer.chain)
        .map(|c| cms::cert::CertificateChoices::Certificate(c.clone()))
        .collect::<Vec<_>>();
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256_algorithm()])?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(SetOfVec::try_from(certificates)?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info])?),
    };
    let info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed)?,
    };
    Ok(info.to_der()?)
}

impl From<der::Error> for super::SignError {
    fn from(e: der::Error) -> Self {
        super::SignError::Signing(format!("encoding the signature: {e}"))
    }
}

/// What [`verify`] found in a CMS signature.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The signer certificate's common name.
    pub signer: String,
    /// The signer certificate's issuer.
    pub issuer: String,
    /// `ECDSA P-256 / SHA-256` or `RSA 2048 / SHA-256`.
    pub algorithm: String,
    /// The timestamp's time (RFC 3339), if the signature carries one.
    pub timestamp: Option<String>,
    /// Who issued the timestamp.
    pub timestamp_authority: Option<String>,
}

/// Checks a DER ContentInfo (trailing zero padding allowed) as a detached
/// signature over content whose SHA-256 is `digest`: the message-digest attribute,
/// the signature against the embedded signer certificate, the ESS certificate
/// hash, and the timestamp token if there is one (its signature, and that it
/// stamps this signature value).
pub(super) fn verify(der: &[u8], digest: &[u8]) -> Result<Verified, String> {
    let der = strip_padding(der)?;
    let info = ContentInfo::from_der(der).map_err(|e| format!("the signature is not CMS: {e}"))?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(format!(
            "the CMS content is {}, not SignedData",
            info.content_type
        ));
    }
    let signed: SignedData = info
        .content
        .decode_as()
        .map_err(|e| format!("unreadable SignedData: {e}"))?;
    if signed.encap_content_info.econtent.is_some() {
        return Err("the signature is not detached (it holds content of its own)".into());
    }
    let (signer_info, cert) = check_signer(&signed, digest)?;
    if signer_info
        .signed_attrs
        .iter()
        .flat_map(|s| s.iter())
        .any(|a| a.oid == ID_SIGNING_TIME)
    {
        return Err("a signing-time attribute, which PAdES forbids (the time is /M)".into());
    }
    let ess = find_attribute(signer_info.signed_attrs.as_ref(), ID_SIGNING_CERT_V2)
        .ok_or("no ESS signing-certificate-v2 attribute (PAdES needs it)")?;
    let ess: SigningCertificateV2 = ess
        .decode_as()
        .map_err(|e| format!("unreadable signing-certificate-v2 attribute: {e}"))?;
    let hash = Sha256::digest(cert_der(cert));
    if ess.certs.first().map(|c| c.cert_hash.as_bytes()) != Some(hash.as_slice()) {
        return Err("the signing-certificate-v2 attribute names another certificate".into());
    }
    let mut verified = Verified {
        signer: super::keys::common_name(cert),
        issuer: cert.tbs_certificate.issuer.to_string(),
        algorithm: algorithm_name(cert),
        timestamp: None,
        timestamp_authority: None,
    };
    if let Some(token) = find_attribute(signer_info.unsigned_attrs.as_ref(), ID_TIMESTAMP_TOKEN) {
        let (time, authority) = verify_timestamp(token, signer_info.signature.as_bytes())?;
        verified.timestamp = Some(time);
        verified.timestamp_authority = Some(authority);
    }
    Ok(verified)
}

/// A timestamp token's time and authority, after checking its signature and that
/// its message imprint is the SHA-256 of `stamped`.
fn verify_timestamp(token: &Any, stamped: &[u8]) -> Result<(String, String), String> {
    let info: ContentInfo = token
        .decode_as()
        .map_err(|e| format!("unreadable timestamp token: {e}"))?;
    let signed: SignedData = info
        .content
        .decode_as()
        .map_err(|e| format!("unreadable timestamp token: {e}"))?;
    if signed.encap_content_info.econtent_type != ID_TST_INFO {
        return Err("the timestamp token holds no TSTInfo".into());
    }
    let content = signed
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or("the timestamp token holds no TSTInfo")?;
    let tst_der = content
        .decode_as::<OctetString>()
        .map_err(|e| format!("unreadable TSTInfo: {e}"))?;
    let tst = x509_tsp::TstInfo::from_der(tst_der.as_bytes())
        .map_err(|e| format!("unreadable TSTInfo: {e}"))?;
    if tst.message_imprint.hashed_message.as_bytes() != Sha256::digest(stamped).as_slice() {
        return Err("the timestamp is over something else than this signature".into());
    }
    let (_, cert) = check_signer(&signed, &Sha256::digest(tst_der.as_bytes()))
        .map_err(|e| format!("the timestamp token: {e}"))?;
    let time = tst.gen_time.to_date_time().to_string();
    Ok((time, super::keys::common_name(cert)))
}

/// The signer info of `signed` and its certificate, after checking its
/// message-digest attribute against `digest` and its signature.
fn check_signer<'a>(
    signed: &'a SignedData,
    digest: &[u8],
) -> Result<(&'a SignerInfo, &'a Certificate), String> {
    let signer_info = signed
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or("no signer in the signature")?;
    let SignerIdentifier::IssuerAndSerialNumber(sid) = &signer_info.sid else {
        return Err("the signer is named by key identifier, which we do not write".into());
    };
    let cert = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .find_map(|c| match c {
            cms::cert::CertificateChoices::Certificate(c)
                if c.tbs_certificate.issuer == sid.issuer
                    && c.tbs_certificate.serial_number == sid.serial_number =>
            {
                Some(c)
            }
            _ => None,
        })
        .ok_or("the signer's certificate is not in the signature")?;
    if signer_info.digest_alg.oid != ID_SHA256 {
        return Err(format!(
            "digest algorithm {}, not SHA-256",
            signer_info.digest_alg.oid
        ));
    }
    let attrs = signer_info
        .signed_attrs
        .as_ref()
        .ok_or("no signed attributes")?;
    let md = find_attribute(Some(attrs), ID_MESSAGE_DIGEST).ok_or("no message-digest attribute")?;
    let md: OctetString = md
        .decode_as()
        .map_err(|e| format!("unreadable message digest: {e}"))?;
    if md.as_bytes() != digest {
        return Err(
            "the document digest does not match the signed one: the signed bytes were changed"
                .into(),
        );
    }
    let message = attrs.to_der().map_err(|e| e.to_string())?;
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| e.to_string())?;
    let signature = signer_info.signature.as_bytes();
    let ok = match signer_info.signature_algorithm.oid {
        ECDSA_WITH_SHA256 => {
            use p256::ecdsa::signature::Verifier as _;
            use p256::pkcs8::DecodePublicKey as _;
            let key = p256::ecdsa::VerifyingKey::from_public_key_der(&spki)
                .map_err(|_| "the certificate's key is not a P-256 key")?;
            let sig = p256::ecdsa::Signature::from_der(signature)
                .map_err(|_| "the ECDSA signature is malformed")?;
            key.verify(&message, &sig).is_ok()
        }
        SHA256_WITH_RSA | RSA_ENCRYPTION => {
            use rsa::pkcs8::DecodePublicKey as _;
            use rsa::signature::Verifier as _;
            let key = rsa::PublicKey::from_public_key_der(&spki)
                .map_err(|_| "the certificate's key is not an RSA key")?;
            let key = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key);
            let sig = rsa::pkcs1v15::Signature::try_from(signature)
                .map_err(|_| "the RSA signature is malformed")?;
            key.verify(&message, &sig).is_ok()
        }
        other => {
            return Err(format!(
                "signature algorithm {other}, not ECDSA or RSA with SHA-256"
            ));
        }
    };
    if !ok {
        return Err("the signature does not verify against the signer's certificate".into());
    }
    Ok((signer_info, cert))
}

fn find_attribute(attrs: Option<&SetOfVec<Attribute>>, oid: ObjectIdentifier) -> Option<&Any> {
    attrs?.iter().find(|a| a.oid == oid)?.values.iter().next()
}

fn algorithm_name(cert: &Certificate) -> String {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    if spki.algorithm.oid == RSA_ENCRYPTION {
        use rsa::pkcs8::DecodePublicKey as _;
        use rsa::traits::PublicKeyParts as _;
        let bits = spki
            .to_der()
            .ok()
            .and_then(|d| rsa::PublicKey::from_public_key_der(&d).ok())
            .map_or(0, |k| k.size() * 8);
        format!("RSA {bits} / SHA-256")
    } else {
        "ECDSA P-256 / SHA-256".into()
    }
}

/// `der` without the zero bytes that pad it to the reserved `/Contents` size.
fn strip_padding(der: &[u8]) -> Result<&[u8], String> {
    use der::Reader as _;
    let not_der = |e: der::Error| format!("the signature is not DER: {e}");
    let mut reader = der::SliceReader::new(der).map_err(not_der)?;
    let header = der::Header::decode(&mut reader).map_err(not_der)?;
    let len = usize::try_from(u32::from(header.length)).map_err(|e| e.to_string())?;
    let total = usize::try_from(u32::from(reader.position())).map_err(|e| e.to_string())? + len;
    if total > der.len() || der[total..].iter().any(|&b| b != 0) {
        return Err("the signature value has bytes after its DER".into());
    }
    Ok(&der[..total])
}
