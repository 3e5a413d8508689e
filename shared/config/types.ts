/** A published notice to watch. */
export interface NoticeConfig {
  /** Safe id (WATCHLIST_ID): it becomes part of blob names. */
  readonly id: string;
  readonly url: string;
  readonly format: 'markdown' | 'html';
  /** CSS selector of the article body, for `html` notices. */
  readonly selector?: string;
  /**
   * The notice's site is an intranet that redirects across internal hosts: redirects and includes on
   * hosts other than the URL's own may reach loopback/private addresses (never metadata or platform ones).
   */
  readonly allowPrivateRedirects?: boolean;
  readonly description?: string;
  /**
   * Absolute URL of the notice's repository root at the watched branch, ending in `/`; `url` lies
   * under it. Derived for raw.githubusercontent.com URLs when absent (see repositoryRootOf). When
   * known, DocFX `~/` includes, dependent repositories and recorded moves are read from the
   * repository's publishing files.
   */
  readonly repositoryRoot?: string;
  /** Repository path of the DocFX docset root (`~/`) holding the notice; overrides the publishing config. */
  readonly docsetRoot?: string;
  /**
   * `{ "<path_to_root>": "<URL of that folder's contents, ending in />" }`: where the folders that
   * dependent repositories are mounted at are read from; overrides the publishing config's entries.
   */
  readonly dependentRepositories?: Readonly<Record<string, string>>;
  /** Channel ids this notice's alerts go to; absent: every channel. */
  readonly notify?: string[];
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
  /** Channel ids this endpoint's alerts go to; absent: every channel. */
  readonly notify?: string[];
}

export type ChannelKind = 'webhook' | 'teams';

/**
 * Where alerts are sent. The URL is given literally (`url`) or, better, by the name of the app
 * setting that holds it (`urlSetting`): Teams and most webhook URLs are secrets themselves.
 */
export interface ChannelConfig {
  readonly id: string;
  readonly kind: ChannelKind;
  readonly url?: string;
  readonly urlSetting?: string;
  /** App setting holding the HMAC signing secret of a webhook channel; the secret is never written in the watchlist. */
  readonly secretSetting?: string;
  readonly description?: string;
}
