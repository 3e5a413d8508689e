/**
 * Rule-based claims extraction: what a notice promises (minimum TLS version, encryption, services
 * and what they receive, retention periods, contact addresses), each claim with the heading path
 * and sentence that say it. Rules are few and stated here; the words are in the vocabulary.
 */
import { type Token, tokenize } from './phrase-matcher';
import { scanSentences, type Sentence } from './sentences';
import type {
  ClaimsRecord,
  ContactClaim,
  EncryptionClaim,
  EncryptionScope,
  Evidence,
  KeyHolder,
  RetentionClaim,
  ServiceClaim,
  TlsMinimum,
} from './types';
import { defaultVocabulary, type PeriodUnit, type Vocabulary } from './vocabulary';

/** Evidence sentences are quoted up to this many characters. */
export const MAX_EVIDENCE_CHARS = 300;
const MAX_SERVICES = 300;
const MAX_RETENTION = 200;
const MAX_CONTACTS = 200;
/** Bounded anyway by the number of data categories in the vocabulary. */
const MAX_RECEIVES = 50;
const MAX_PURPOSES = 3;
const MAX_PURPOSE_CHARS = 120;
/** A version number must follow a TLS name within this many words. */
const TLS_VERSION_WINDOW = 8;
/** A negation this many words before an encryption term voids the statement. */
const NEGATION_WINDOW = 3;

const TLS_VERSIONS: readonly TlsMinimum[] = ['1.0', '1.1', '1.2', '1.3'];
const TLS_RANK: Record<TlsMinimum, number> = { '1.0': 0, '1.1': 1, '1.2': 2, '1.3': 3 };
const KEY_ORDER: readonly KeyHolder[] = ['provider', 'customer', 'end-to-end'];

function evidenceOf(sentence: Sentence): Evidence {
  const text =
    sentence.text.length > MAX_EVIDENCE_CHARS ? `${sentence.text.slice(0, MAX_EVIDENCE_CHARS - 1)}…` : sentence.text;
  return { heading: sentence.heading, text };
}

/** The document's claims, filled sentence by sentence. */
class ClaimsBuilder {
  tls: { value: TlsMinimum; evidence: Evidence } | null = null;
  readonly encryption = new Map<EncryptionScope, { keys: Set<KeyHolder>; evidence: Evidence; hasKeys: boolean }>();
  readonly services = new Map<
    string,
    { receives: Set<string>; purposes: string[]; evidence: Evidence; fromFlow: boolean }
  >();
  readonly retention = new Map<string, Evidence>();
  readonly contacts = new Map<string, Evidence>();
  truncated = false;

  /** `publisher`: services the notice's own title names (its publisher), which are not listed as services. */
  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly publisher: ReadonlySet<string>,
  ) {}

  scan(sentence: Sentence): void {
    const tokens = tokenize(sentence.text);
    if (tokens.length > 0) {
      this.tlsPromise(sentence, tokens);
      this.encryptionStatements(sentence, tokens);
      this.servicesNamed(sentence, tokens);
      this.retentionPeriods(sentence, tokens);
    }
    this.contactAddresses(sentence);
  }

  /**
   * A TLS version named within a few words of "TLS" is a promise about the minimum: the lowest
   * version named; or, where the sentence says versions are turned away ("TLS 1.0 and 1.1 are
   * disabled"), the one above the highest named (the highest named when it also says "required").
   */
  private tlsPromise(sentence: Sentence, tokens: Token[]): void {
    const names = this.vocabulary.tlsNames.findAll(tokens);
    if (names.length === 0) return;
    const versions = new Set<TlsMinimum>();
    let plus = false;
    for (const name of names) {
      for (let i = name.end; i < Math.min(tokens.length, name.end + TLS_VERSION_WINDOW); i++) {
        const version = TLS_VERSIONS.find((v) => v === tokens[i].norm);
        if (!version) continue;
        versions.add(version);
        if (sentence.text[tokens[i].end] === '+') plus = true;
      }
    }
    if (versions.size === 0) return;
    const ranks = [...versions].map((version) => TLS_RANK[version]);
    const deprecated = this.vocabulary.tlsDeprecated.occursIn(tokens);
    const minimum = plus || this.vocabulary.tlsMinimum.occursIn(tokens);
    let rank: number;
    if (deprecated) rank = minimum ? Math.max(...ranks) : Math.max(...ranks) + 1;
    else rank = Math.min(...ranks);
    if (rank >= TLS_VERSIONS.length) return;
    const value = TLS_VERSIONS[rank];
    if (!this.tls || TLS_RANK[value] > TLS_RANK[this.tls.value]) this.tls = { value, evidence: evidenceOf(sentence) };
  }

  /** Encryption named and not negated; its scope from transit or storage words, its keys where said. */
  private encryptionStatements(sentence: Sentence, tokens: Token[]): void {
    const v = this.vocabulary;
    const terms = v.encryptionTerms.findAll(tokens);
    const keys = new Set(v.keyHolders.findAll(tokens).map((match) => match.value));
    if (terms.length === 0 && !keys.has('end-to-end')) return;
    const affirmed =
      keys.has('end-to-end') ||
      terms.some((term) => !v.negations.occursIn(tokens, Math.max(0, term.start - NEGATION_WINDOW), term.start));
    if (!affirmed) return;
    const scopes: EncryptionScope[] = [];
    if (v.inTransit.occursIn(tokens) || keys.has('end-to-end')) scopes.push('in transit');
    if (v.atRest.occursIn(tokens)) scopes.push('at rest');
    if (scopes.length === 0) scopes.push('unspecified');
    for (const scope of scopes) {
      const existing = this.encryption.get(scope);
      if (!existing) {
        this.encryption.set(scope, { keys: new Set(keys), evidence: evidenceOf(sentence), hasKeys: keys.size > 0 });
        continue;
      }
      for (const key of keys) existing.keys.add(key);
      // The sentence that says whose keys is the better evidence.
      if (!existing.hasKeys && keys.size > 0) {
        existing.evidence = evidenceOf(sentence);
        existing.hasKeys = true;
      }
    }
  }

  /**
   * Services named in the vocabulary. What a service receives (data categories) and why (the words
   * after "for the purpose of" and the like) are taken only from sentences that say data goes to or
   * is handled by it ("sent to", "uses", "shared with").
   */
  private servicesNamed(sentence: Sentence, tokens: Token[]): void {
    const v = this.vocabulary;
    const named = v.services.findAll(tokens);
    if (named.length === 0) return;
    const inName = new Uint8Array(tokens.length);
    for (const match of named) inName.fill(1, match.start, match.end);
    // Words inside a name ("Azure Storage") are not the sentence saying anything.
    const flow = v.flows.findAll(tokens).some((match) => !inName[match.start]);
    const receives: string[] = [];
    // Purposes by the service they follow ("(1) A for the purpose of X, and (2) B for the purpose of Y").
    const purposes = new Map<number, string[]>();
    if (flow) {
      for (const category of v.dataCategories.findAll(tokens)) {
        if (!inName[category.start] && !receives.includes(category.value)) receives.push(category.value);
      }
      for (const cue of v.purposes.findAll(tokens)) {
        const purpose = purposeAfter(sentence.text, tokens, cue.end);
        if (!purpose) continue;
        let owner = named.findIndex((match) => match.start >= cue.end);
        for (let m = 0; m < named.length; m++) if (named[m].end <= cue.start) owner = m;
        const list = purposes.get(owner) ?? [];
        if (!list.includes(purpose)) list.push(purpose);
        purposes.set(owner, list);
      }
    }
    named.forEach((match, index) => {
      if (this.publisher.has(match.value)) return;
      const own = purposes.get(index) ?? [];
      const existing = this.services.get(match.value);
      if (!existing) {
        if (this.services.size >= MAX_SERVICES) {
          this.truncated = true;
          return;
        }
        this.services.set(match.value, {
          receives: new Set(receives),
          purposes: own.slice(0, MAX_PURPOSES),
          evidence: evidenceOf(sentence),
          fromFlow: flow,
        });
        return;
      }
      for (const category of receives) existing.receives.add(category);
      for (const purpose of own)
        if (existing.purposes.length < MAX_PURPOSES && !existing.purposes.includes(purpose))
          existing.purposes.push(purpose);
      if (!existing.fromFlow && flow) {
        existing.evidence = evidenceOf(sentence);
        existing.fromFlow = true;
      }
    });
  }

  /** "N days/months/years" (digits or number words) in a sentence that speaks of keeping or deleting data. */
  private retentionPeriods(sentence: Sentence, tokens: Token[]): void {
    const v = this.vocabulary;
    if (!v.retentionCues.occursIn(tokens) || v.retentionExclusions.occursIn(tokens)) return;
    for (let i = 0; i < tokens.length; i++) {
      let count: number | null = null;
      let next = i + 1;
      if (/^\d{1,4}$/.test(tokens[i].norm)) count = Number(tokens[i].norm);
      else {
        const word = v.numbers.matchAt(tokens, i);
        if (word) {
          count = word.value;
          next = word.end;
        }
      }
      if (count === null || count === 0 || next >= tokens.length) continue;
      const unit = v.units.matchAt(tokens, next);
      if (!unit) continue;
      const isAge =
        unit.value === 'year' &&
        ((unit.end < tokens.length && v.ages.matchAt(tokens, unit.end) !== null) ||
          (i > 0 && v.ages.matchAt(tokens, i - 1) !== null));
      i = unit.end - 1;
      if (isAge) continue;
      const period = formatPeriod(count, unit.value);
      if (this.retention.has(period)) continue;
      if (this.retention.size >= MAX_RETENTION) {
        this.truncated = true;
        return;
      }
      this.retention.set(period, evidenceOf(sentence));
    }
  }

  private contactAddresses(sentence: Sentence): void {
    for (const address of emailAddresses(sentence.raw)) {
      if (this.contacts.has(address)) continue;
      if (this.contacts.size >= MAX_CONTACTS) {
        this.truncated = true;
        return;
      }
      this.contacts.set(address, evidenceOf(sentence));
    }
  }

  build(): ClaimsRecord {
    const encryption: EncryptionClaim[] = (['in transit', 'at rest', 'unspecified'] as const)
      .filter((scope) => this.encryption.has(scope))
      .map((scope) => {
        const found = this.encryption.get(scope)!;
        return { scope, keys: KEY_ORDER.filter((key) => found.keys.has(key)), evidence: found.evidence };
      });
    const services: ServiceClaim[] = [...this.services].map(([name, found]) => ({
      name,
      receives: [...found.receives].sort().slice(0, MAX_RECEIVES),
      purposes: found.purposes,
      evidence: found.evidence,
    }));
    const retention: RetentionClaim[] = [...this.retention].map(([period, evidence]) => ({ period, evidence }));
    const contacts: ContactClaim[] = [...this.contacts].map(([address, evidence]) => ({ address, evidence }));
    return {
      tlsMinimum: this.tls?.value ?? null,
      tlsEvidence: this.tls?.evidence ?? null,
      encryption,
      services,
      retention,
      contacts,
      ...(this.truncated ? { truncated: true } : {}),
    };
  }
}

function formatPeriod(count: number, unit: PeriodUnit): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** The words after a purpose cue up to the next comma, semicolon, bracket or full stop, bounded. */
function purposeAfter(text: string, tokens: readonly Token[], from: number): string | null {
  if (from >= tokens.length) return null;
  const start = tokens[from].start;
  let end = start;
  while (end < text.length && end - start < MAX_PURPOSE_CHARS && !',;:()'.includes(text[end])) {
    if (text[end] === '.' && !/[0-9]/.test(text[end + 1] ?? '')) break;
    end++;
  }
  const purpose = text
    .slice(start, end)
    .trim()
    .replace(/(?:\s+(?:and|or|et|ou|und|oder))+$/i, '');
  return purpose.length >= 3 ? purpose : null;
}

const MARKDOWN_ESCAPE = /\\([\\`*_{}[\]()#+.!-])/g;
const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;
/** Files named like `logo@2x.png` look like addresses; these endings are not top-level domains people write to. */
const FILE_ENDINGS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'css', 'js', 'ico', 'bmp', 'tif', 'tiff']);

/** Email addresses in a text, found around each `@` with bounded look-behind and look-ahead. */
export function emailAddresses(written: string): string[] {
  // Markdown escapes (`privacy\_team@…`) are not part of the address.
  const text = written.replace(MARKDOWN_ESCAPE, '$1');
  const found: string[] = [];
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < 64 && LOCAL_CHAR.test(text[start - 1])) start--;
    let end = at + 1;
    while (end < text.length && end - at <= 253 && DOMAIN_CHAR.test(text[end])) end++;
    const local = text.slice(start, at).replace(/^\.+/, '');
    const domain = text.slice(at + 1, end).replace(/[.-]+$/, '');
    if (local === '' || local.endsWith('.')) continue;
    const labels = domain.split('.');
    const tld = labels[labels.length - 1].toLowerCase();
    if (labels.length < 2 || labels.some((label) => label === '') || !/^[a-z]{2,24}$/.test(tld)) continue;
    if (FILE_ENDINGS.has(tld)) continue;
    const address = `${local}@${domain}`.toLowerCase();
    if (!found.includes(address)) found.push(address);
  }
  return found;
}

/**
 * The claims a snapshot makes; the same text always gives the same record. A service named in the
 * notice's first heading or front matter title ("WhatsApp Privacy Policy") is the notice's own and is
 * not listed among the services it names.
 */
export function extractClaims(
  document: { readonly body: string; readonly metadata?: Readonly<Record<string, unknown>> },
  vocabulary: Vocabulary = defaultVocabulary(),
): ClaimsRecord {
  const { sentences, truncated, title } = scanSentences(document.body, vocabulary.abbreviations);
  const titles = [title, typeof document.metadata?.title === 'string' ? document.metadata.title : null];
  const publisher = new Set(
    titles.flatMap((text) => (text ? vocabulary.services.findAll(tokenize(text)).map((match) => match.value) : [])),
  );
  const builder = new ClaimsBuilder(vocabulary, publisher);
  if (truncated) builder.truncated = true;
  for (const sentence of sentences) builder.scan(sentence);
  return builder.build();
}
