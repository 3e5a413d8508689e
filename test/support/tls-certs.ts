import { generateKeyPairSync } from 'node:crypto';

import forge from 'node-forge';

/** Test PKI built at run time so nothing in the repo can expire. */
export interface Issued {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CertSpec {
  readonly commonName: string;
  readonly dnsNames?: string[];
  readonly ipAddresses?: string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly isCa?: boolean;
  /** Signs with this CA; self-signed when absent. */
  readonly issuer?: Issued;
}

let serial = 1;

function newRsaKey(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; pem: string } {
  // Native key generation: forge's pure-JS RSA would cost seconds per key.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem };
}

export function issue(spec: CertSpec): Issued {
  const keys = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = (serial++).toString(16).padStart(2, '0');
  const day = 86_400_000;
  cert.validity.notBefore = spec.notBefore ?? new Date(Date.now() - day);
  cert.validity.notAfter = spec.notAfter ?? new Date(Date.now() + 365 * day);
  const subject = [
    { name: 'commonName', value: spec.commonName },
    { name: 'organizationName', value: 'noticewatch test' },
  ];
  cert.setSubject(subject);
  const issuerCert = spec.issuer ? forge.pki.certificateFromPem(spec.issuer.certPem) : null;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const altNames = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(spec.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: Boolean(spec.isCa), critical: true },
    {
      name: 'keyUsage',
      keyCertSign: Boolean(spec.isCa),
      cRLSign: Boolean(spec.isCa),
      digitalSignature: true,
      keyEncipherment: !spec.isCa,
      critical: true,
    },
    ...(spec.isCa ? [] : [{ name: 'extKeyUsage', serverAuth: true }]),
    ...(altNames.length ? [{ name: 'subjectAltName', altNames }] : []),
    { name: 'subjectKeyIdentifier' },
  ]);
  const signer = spec.issuer
    ? (forge.pki.privateKeyFromPem(spec.issuer.keyPem) as forge.pki.rsa.PrivateKey)
    : keys.privateKey;
  cert.sign(signer, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.pem };
}

export interface TestPki {
  readonly ca: Issued;
  readonly otherCa: Issued;
  /** localhost + 127.0.0.1 + ::1, signed by `ca`. */
  readonly good: Issued;
  readonly expired: Issued;
  readonly notYetValid: Issued;
  readonly expiringSoon: Issued;
  readonly wrongHost: Issued;
  /** Valid for localhost but signed by `otherCa`, which the checks are not given. */
  readonly untrusted: Issued;
}

export function buildTestPki(): TestPki {
  const day = 86_400_000;
  const now = Date.now();
  const ca = issue({ commonName: 'noticewatch test root', isCa: true, notAfter: new Date(now + 3650 * day) });
  const otherCa = issue({ commonName: 'unknown root', isCa: true });
  const names = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] };
  return {
    ca,
    otherCa,
    good: issue({ commonName: 'localhost', ...names, issuer: ca }),
    expired: issue({
      commonName: 'localhost',
      ...names,
      issuer: ca,
      notBefore: new Date(now - 400 * day),
      notAfter: new Date(now - 10 * day),
    }),
    notYetValid: issue({
      commonName: 'localhost',
      ...names,
      issuer: ca,
      notBefore: new Date(now + 10 * day),
      notAfter: new Date(now + 400 * day),
    }),
    expiringSoon: issue({
      commonName: 'localhost',
      ...names,
      issuer: ca,
      notAfter: new Date(now + 10 * day + 3_600_000),
    }),
    wrongHost: issue({ commonName: 'elsewhere.example', dnsNames: ['elsewhere.example'], issuer: ca }),
    untrusted: issue({ commonName: 'localhost', ...names, issuer: otherCa }),
  };
}
