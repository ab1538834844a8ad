//! RFC 3161 timestamps for PAdES B-T: a TimeStampReq over the SHA-256 of the
//! signature value, sent by HTTP POST (`application/timestamp-query`, RFC 3161
//! 3.4), and the token of a granted response, embedded as the authority returned
//! it. Whether to trust the authority's certificate is the verifier's concern.

use std::time::Duration;

use der::asn1::{Int, OctetString};
use der::{Decode, Encode};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifier;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion};

use super::SignError;

/// How long a timestamp authority may take to answer.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The largest response we read: tokens are a few kilobytes.
const MAX_RESPONSE: u64 = 1 << 20;

/// The DER timestamp token from the authority at `url` over `signature`.
pub(super) fn timestamp(url: &str, signature: &[u8]) -> Result<Vec<u8>, SignError> {
    let imprint = Sha256::digest(signature);
    // A nonce ties the answer to this request (RFC 3161 2.4.1); it need not be
    // secret, only fresh: the imprint and the clock make it so.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut nonce = Sha256::new();
    nonce.update(imprint);
    nonce.update(now.to_be_bytes());
    let nonce = nonce.finalize();
    // A positive INTEGER: a clear top bit, no leading zero byte.
    let mut nonce_bytes = nonce[..8].to_vec();
    nonce_bytes[0] = (nonce_bytes[0] & 0x7f) | 0x40;
    let fail = |m: String| SignError::Timestamp(format!("{url}: {m}"));
    let nonce = Int::new(&nonce_bytes).map_err(|e| fail(e.to_string()))?;
    let request = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifier {
                oid: const_oid::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1"),
                parameters: None,
            },
            hashed_message: OctetString::new(imprint.to_vec()).map_err(|e| fail(e.to_string()))?,
        },
        req_policy: None,
        nonce: Some(nonce.clone()),
        cert_req: true,
        extensions: None,
    };
    let body = request.to_der().map_err(|e| fail(e.to_string()))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .build()
        .into();
    let mut response = agent
        .post(url)
        .header("Content-Type", "application/timestamp-query")
        .header("Accept", "application/timestamp-reply")
        .send(&body[..])
        .map_err(|e| fail(format!("the timestamp request failed: {e}")))?;
    let bytes = response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE)
        .read_to_vec()
        .map_err(|e| fail(format!("reading the timestamp response: {e}")))?;
    let reply = TimeStampResp::from_der(&bytes).map_err(|e| {
        fail(format!(
            "the answer is not an RFC 3161 timestamp response: {e}"
        ))
    })?;
    use cmpv2::status::PkiStatus;
    if !matches!(
        reply.status.status,
        PkiStatus::Accepted | PkiStatus::GrantedWithMods
    ) {
        let text = reply
            .status
            .status_string
            .iter()
            .flat_map(|t| t.iter())
            .map(|s| s.as_str().to_owned())
            .collect::<Vec<_>>()
            .join("; ");
        return Err(fail(format!(
            "the timestamp authority refused the request ({:?}{}{text})",
            reply.status.status,
            if text.is_empty() { "" } else { ": " }
        )));
    }
    let token = reply
        .time_stamp_token
        .ok_or_else(|| fail("the response holds no timestamp token".into()))?;
    // The token must stamp what we asked for, with our nonce.
    let signed: cms::signed_data::SignedData = token
        .content
        .decode_as()
        .map_err(|e| fail(format!("unreadable timestamp token: {e}")))?;
    let tst = signed
        .encap_content_info
        .econtent
        .as_ref()
        .and_then(|c| c.decode_as::<OctetString>().ok())
        .and_then(|o| x509_tsp::TstInfo::from_der(o.as_bytes()).ok())
        .ok_or_else(|| fail("the timestamp token holds no TSTInfo".into()))?;
    if tst.message_imprint.hashed_message.as_bytes() != imprint.as_slice() {
        return Err(fail(
            "the timestamp is over something else than this signature".into(),
        ));
    }
    if tst.nonce.as_ref() != Some(&nonce) {
        return Err(fail(
            "the timestamp answers another request (its nonce differs)".into(),
        ));
    }
    token.to_der().map_err(|e| fail(e.to_string()))
}
