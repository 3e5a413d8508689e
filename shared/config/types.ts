/** A published notice to watch. */
export interface NoticeConfig {
  /** Safe id ([a-z0-9][a-z0-9._-]*): it becomes part of blob names. */
  readonly id: string;
  readonly url: string;
  readonly format: 'markdown' | 'html';
  /** CSS selector of the article body, for `html` notices. */
  readonly selector?: string;
  readonly description?: string;
}

export type TlsVersionName = '1.0' | '1.1' | '1.2' | '1.3';

/** A TLS endpoint whose transport promises we verify. */
export interface EndpointConfig {
  readonly id: string;
  readonly host: string;
  /** Default 443. */
  readonly port?: number;
  /** SNI name and name to match the certificate against; default `host`. */
  readonly servername?: string;
  /** Lowest acceptable version; default `1.2`. */
  readonly minTls?: TlsVersionName;
  /** Watchlist notices whose promises this endpoint must keep (their minimum TLS version, when stricter). */
  readonly notices?: readonly string[];
  /** Check every address the name resolves to, not just the first. */
  readonly allAddresses?: boolean;
  /** Path to a PEM CA bundle that anchors trust instead of the system roots. */
  readonly ca?: string;
  readonly description?: string;
}
