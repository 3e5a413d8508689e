import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

import forge from 'node-forge';

/** A certificate and its key, PEM-encoded. */
export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface DemoPki {
  /** The demo's own root; the checks trust it through the watchlist's `ca`. */
  readonly ca: IssuedCertificate;
  /** For 127.0.0.1 and localhost, valid for a year. */
  readonly server: IssuedCertificate;
  /** The same names, expiring in 12 days: a warning, not a violation. */
  readonly expiringSoon: IssuedCertificate;
}

const DAY_MS = 86_400_000;
export const EXPIRING_SOON_DAYS = 12;

interface DemoKey {
  readonly forgeKey: forge.pki.rsa.PrivateKey;
  readonly publicKey: forge.pki.rsa.PublicKey;
  readonly pem: string;
}

async function rsaKey(): Promise<DemoKey> {
  // Node generates the key natively and off the main thread; forge's own RSA generation would take seconds.
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem };
}

interface Spec {
  readonly commonName: string;
  readonly notAfter: Date;
  readonly isCa?: boolean;
  /** Self-signed when absent. */
  readonly issuer?: IssuedCertificate;
}

/** Node can read X.509 but not write it, so node-forge builds and signs the certificates. */
function issue(spec: Spec, key: DemoKey): IssuedCertificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  // A positive random serial, as RFC 5280 asks.
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = spec.notAfter;
  const subject = [
    { name: 'commonName', value: spec.commonName },
    { name: 'organizationName', value: 'noticewatch demo' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(spec.issuer ? forge.pki.certificateFromPem(spec.issuer.certPem).subject.attributes : subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: Boolean(spec.isCa), critical: true },
    spec.isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    ...(spec.isCa
      ? []
      : [
          { name: 'extKeyUsage', serverAuth: true },
          {
            name: 'subjectAltName',
            altNames: [
              { type: 2, value: 'localhost' },
              { type: 7, ip: '127.0.0.1' },
            ],
          },
        ]),
    { name: 'subjectKeyIdentifier' },
  ]);
  const signer = spec.issuer
    ? (forge.pki.privateKeyFromPem(spec.issuer.keyPem) as forge.pki.rsa.PrivateKey)
    : key.forgeKey;
  cert.sign(signer, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.pem };
}

/** Generated at every start, so nothing in the package can expire and no key is shared between runs. */
export async function createDemoPki(now = Date.now()): Promise<DemoPki> {
  const [caKey, serverKey, expiringKey] = await Promise.all([rsaKey(), rsaKey(), rsaKey()]);
  const ca = issue(
    { commonName: 'noticewatch demo root', isCa: true, notAfter: new Date(now + 2 * 365 * DAY_MS) },
    caKey,
  );
  return {
    ca,
    server: issue({ commonName: 'localhost', issuer: ca, notAfter: new Date(now + 365 * DAY_MS) }, serverKey),
    // An hour past the day, so the count of days left reads 12 for the whole demo.
    expiringSoon: issue(
      { commonName: 'localhost', issuer: ca, notAfter: new Date(now + EXPIRING_SOON_DAYS * DAY_MS + 3_600_000) },
      expiringKey,
    ),
  };
}
