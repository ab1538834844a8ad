//! A throw-away PKI for the signing tests, made at test time: a P-256 CA, signer
//! certificates for P-256 and RSA keys (valid 2020-2040, or deliberately not), and
//! a timestamp authority. Shared with `examples/test_pki.rs`, which writes the same
//! files for CI's pdfsig and pyHanko checks.

use std::fs;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};

/// Which signer certificate to make.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Leaf {
    /// Valid 2020-2040, for digitalSignature and nonRepudiation.
    Good,
    /// Expired in 2001.
    Expired,
    /// Valid only from 2030: after the default document's date.
    NotYet,
    /// Valid, but for key encipherment only.
    NoSigning,
}

/// A PEM key and certificate written to a folder.
pub struct Identity {
    pub key: PathBuf,
    pub cert: PathBuf,
}

/// The CA: its key signs the leaves; its certificate is `ca.pem`.
pub struct Ca {
    issuer: Issuer<'static, KeyPair>,
    dir: PathBuf,
}

/// An RSA public key (PKCS#1 DER) for rcgen to certify.
struct RsaPublic(Vec<u8>);

impl rcgen::PublicKeyData for RsaPublic {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

impl Ca {
    /// A new CA in `dir` (writes `ca.pem`).
    pub fn new(dir: &Path) -> Ca {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::new(Vec::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "disclosure-pdf test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_before = date_time_ymd(2020, 1, 1);
        params.not_after = date_time_ymd(2045, 1, 1);
        let cert = params.self_signed(&key).unwrap();
        let path = dir.join("ca.pem");
        fs::write(&path, cert.pem()).unwrap();
        Ca {
            issuer: Issuer::new(params, key),
            dir: dir.to_path_buf(),
        }
    }

    /// A signer with a new P-256 key, as `name.key` / `name.pem`.
    pub fn p256(&self, name: &str, leaf: Leaf) -> Identity {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        self.leaf(name, &key, &key.serialize_pem(), leaf)
    }

    /// A signer with a new RSA key of `bits` bits (made with the `rsa` crate:
    /// ring, rcgen's provider, refuses keys under 2048 bits, and a test needs one).
    pub fn rsa(&self, name: &str, bits: usize) -> Identity {
        use rand::SeedableRng;
        use rsa::pkcs1::EncodeRsaPublicKey;
        use rsa::pkcs8::EncodePrivateKey;
        let mut rng = rand::rngs::StdRng::seed_from_u64(bits as u64);
        let key = rsa::PrivateKey::new(&mut rng, bits).unwrap();
        let pem = key.to_pkcs8_pem(Default::default()).unwrap();
        let public = RsaPublic(key.to_public_key().to_pkcs1_der().unwrap().into_vec());
        self.leaf(name, &public, &pem, Leaf::Good)
    }

    fn leaf(
        &self,
        name: &str,
        key: &impl rcgen::PublicKeyData,
        key_pem: &str,
        leaf: Leaf,
    ) -> Identity {
        let mut params = CertificateParams::new(Vec::new()).unwrap();
        params.distinguished_name.push(
            DnType::CommonName,
            format!("株式会社カミレス 署名テスト {name}"),
        );
        params
            .distinguished_name
            .push(DnType::OrganizationName, "disclosure-pdf tests");
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ];
        (params.not_before, params.not_after) =
            (date_time_ymd(2020, 1, 1), date_time_ymd(2040, 1, 1));
        match leaf {
            Leaf::Good => {}
            Leaf::Expired => {
                (params.not_before, params.not_after) =
                    (date_time_ymd(2000, 1, 1), date_time_ymd(2001, 1, 1));
            }
            Leaf::NotYet => params.not_before = date_time_ymd(2030, 1, 1),
            Leaf::NoSigning => params.key_usages = vec![KeyUsagePurpose::KeyEncipherment],
        }
        let cert = params.signed_by(key, &self.issuer).unwrap();
        let id = Identity {
            key: self.dir.join(format!("{name}.key")),
            cert: self.dir.join(format!("{name}.pem")),
        };
        fs::write(&id.key, key_pem).unwrap();
        fs::write(&id.cert, cert.pem()).unwrap();
        id
    }

    /// A timestamp authority's key and certificate (extendedKeyUsage timeStamping,
    /// critical, as RFC 3161 2.3 requires).
    pub fn tsa(&self) -> Identity {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::new(Vec::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "disclosure-pdf test TSA");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.not_before = date_time_ymd(2020, 1, 1);
        params.not_after = date_time_ymd(2040, 1, 1);
        // SEQUENCE { id-kp-timeStamping }
        let mut eku = CustomExtension::from_oid_content(
            &[2, 5, 29, 37],
            vec![
                0x30, 0x0A, 0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08,
            ],
        );
        eku.set_criticality(true);
        params.custom_extensions = vec![eku];
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let id = Identity {
            key: self.dir.join("tsa.key"),
            cert: self.dir.join("tsa.pem"),
        };
        fs::write(&id.key, key.serialize_pem()).unwrap();
        fs::write(&id.cert, cert.pem()).unwrap();
        id
    }
}
