/** What a notice promises, as found by the rule-based extractor; every claim points at its section and sentence. */

export type TlsMinimum = '1.0' | '1.1' | '1.2' | '1.3';

/** Where a claim was found: the section's heading path and the sentence (cut to a bounded length). */
export interface Evidence {
  readonly heading: string;
  readonly text: string;
}

export type EncryptionScope = 'in transit' | 'at rest' | 'unspecified';
/** Who holds the keys, where the text says: the provider, the customer, or only the ends (end-to-end). */
export type KeyHolder = 'provider' | 'customer' | 'end-to-end';

export interface EncryptionClaim {
  readonly scope: EncryptionScope;
  /** Key holders named anywhere for this scope, sorted; empty when the text does not say. */
  readonly keys: KeyHolder[];
  readonly evidence: Evidence;
}

export interface ServiceClaim {
  /** The vocabulary's name for the service (aliases are reported under it). */
  readonly name: string;
  /** Data categories named in sentences that send data to or have it handled by the service, sorted. */
  readonly receives: string[];
  /** Why, in the notice's words ("for the purpose of …"), at most a few. */
  readonly purposes: string[];
  readonly evidence: Evidence;
}

export interface RetentionClaim {
  /** Normalised period: `90 days`, `1 year`. */
  readonly period: string;
  readonly evidence: Evidence;
}

export interface ContactClaim {
  /** Lower-cased email address. */
  readonly address: string;
  readonly evidence: Evidence;
}

export interface ClaimsRecord {
  /** The strictest minimum TLS version the notice promises, or null when it promises none. */
  readonly tlsMinimum: TlsMinimum | null;
  readonly tlsEvidence: Evidence | null;
  readonly encryption: EncryptionClaim[];
  /** In order of first mention. */
  readonly services: ServiceClaim[];
  readonly retention: RetentionClaim[];
  readonly contacts: ContactClaim[];
  /** Set when the text was longer than the scanning bound or a kind hit its cap: claims past it were not looked for. */
  readonly truncated?: boolean;
}

export type ClaimKind = 'tlsMinimum' | 'service' | 'encryption' | 'retention' | 'contact';

export interface ClaimChange {
  readonly claim: ClaimKind;
  readonly change: 'added' | 'removed' | 'changed';
  /** The claim as it was (null when added): `1.2`, `Bing (receives: name)`, `at rest (provider keys)`, `90 days`. */
  readonly before: string | null;
  readonly after: string | null;
  /** The sentence that says it now (for removed claims, the sentence that said it). */
  readonly evidence: Evidence;
  /** For changed claims: the sentence that said it before. */
  readonly previousEvidence?: Evidence;
}

/**
 * How much a change matters, from what it does to the notice's claims (not from line counts):
 * - high: the TLS promise changed, a service was added or removed, or an encryption statement was dropped;
 * - medium: another claim changed, or a section was added or removed;
 * - low: the body changed but every claim and section is still there (rewording);
 * - none: only metadata changed.
 */
export type ChangeSeverity = 'high' | 'medium' | 'low' | 'none';
