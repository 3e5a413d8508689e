/**
 * The claims vocabulary: service names and per-language phrasings, kept as JSON in content/claims/
 * so users can extend them (see content/schemas/claims-vocabulary.schema.json). The files ship with
 * the package and are compiled once into phrase sets; nothing is downloaded.
 */
import phrasesDe from '../../content/claims/phrases-de.json';
import phrasesEn from '../../content/claims/phrases-en.json';
import phrasesFr from '../../content/claims/phrases-fr.json';
import services from '../../content/claims/services.json';
import { PhraseSet } from './phrase-matcher';
import type { KeyHolder } from './types';

type Phrases = readonly string[];

/** One vocabulary file, as described by claims-vocabulary.schema.json. */
export interface VocabularyFile {
  readonly language?: string;
  readonly services?: ReadonlyArray<{ name: string; aliases?: Phrases; caseSensitive?: boolean }>;
  readonly tls?: { names?: Phrases; minimum?: Phrases; deprecated?: Phrases };
  readonly encryption?: {
    terms?: Phrases;
    negations?: Phrases;
    inTransit?: Phrases;
    atRest?: Phrases;
    providerKeys?: Phrases;
    customerKeys?: Phrases;
    endToEnd?: Phrases;
  };
  readonly serviceContext?: { flows?: Phrases; purposes?: Phrases };
  readonly dataCategories?: ReadonlyArray<{ name: string; phrases: Phrases }>;
  readonly retention?: {
    cues?: Phrases;
    exclusions?: Phrases;
    units?: Partial<Record<PeriodUnit, Phrases>>;
    numbers?: Readonly<Record<string, number>>;
    ages?: Phrases;
  };
  readonly abbreviations?: Phrases;
}

export type PeriodUnit = 'hour' | 'day' | 'week' | 'month' | 'year';
const UNITS: readonly PeriodUnit[] = ['hour', 'day', 'week', 'month', 'year'];

export interface Vocabulary {
  readonly services: PhraseSet<string>;
  readonly tlsNames: PhraseSet<true>;
  readonly tlsMinimum: PhraseSet<true>;
  readonly tlsDeprecated: PhraseSet<true>;
  readonly encryptionTerms: PhraseSet<true>;
  readonly negations: PhraseSet<true>;
  readonly inTransit: PhraseSet<true>;
  readonly atRest: PhraseSet<true>;
  readonly keyHolders: PhraseSet<KeyHolder>;
  readonly flows: PhraseSet<true>;
  readonly purposes: PhraseSet<true>;
  readonly dataCategories: PhraseSet<string>;
  readonly retentionCues: PhraseSet<true>;
  readonly retentionExclusions: PhraseSet<true>;
  readonly units: PhraseSet<PeriodUnit>;
  readonly numbers: PhraseSet<number>;
  readonly ages: PhraseSet<true>;
  readonly abbreviations: ReadonlySet<string>;
}

/** The files shipped in content/claims/, in the order they are merged. */
export const SHIPPED_VOCABULARY: readonly VocabularyFile[] = [
  services as VocabularyFile,
  phrasesEn as VocabularyFile,
  phrasesFr as VocabularyFile,
  phrasesDe as VocabularyFile,
];

function flags(phrases: Phrases): Array<{ phrase: string; value: true }> {
  return phrases.map((phrase) => ({ phrase, value: true as const }));
}

/** Merges vocabulary files (later files add to earlier ones) and compiles them into phrase sets. */
export function compileVocabulary(files: readonly VocabularyFile[]): Vocabulary {
  const all = <T>(pick: (file: VocabularyFile) => readonly T[] | undefined): T[] =>
    files.flatMap((file) => pick(file) ?? []);
  const serviceEntries = all((file) => file.services).flatMap((service) =>
    [service.name, ...(service.aliases ?? [])].map((phrase) => ({
      phrase,
      value: service.name,
      caseSensitive: service.caseSensitive,
    })),
  );
  const keyEntries = [
    ...all((file) => file.encryption?.providerKeys).map((phrase) => ({ phrase, value: 'provider' as KeyHolder })),
    ...all((file) => file.encryption?.customerKeys).map((phrase) => ({ phrase, value: 'customer' as KeyHolder })),
    ...all((file) => file.encryption?.endToEnd).map((phrase) => ({ phrase, value: 'end-to-end' as KeyHolder })),
  ];
  return {
    services: new PhraseSet(serviceEntries),
    tlsNames: new PhraseSet(flags(all((file) => file.tls?.names))),
    tlsMinimum: new PhraseSet(flags(all((file) => file.tls?.minimum))),
    tlsDeprecated: new PhraseSet(flags(all((file) => file.tls?.deprecated))),
    encryptionTerms: new PhraseSet(flags(all((file) => file.encryption?.terms))),
    negations: new PhraseSet(flags(all((file) => file.encryption?.negations))),
    inTransit: new PhraseSet(flags(all((file) => file.encryption?.inTransit))),
    atRest: new PhraseSet(flags(all((file) => file.encryption?.atRest))),
    keyHolders: new PhraseSet(keyEntries),
    flows: new PhraseSet(flags(all((file) => file.serviceContext?.flows))),
    purposes: new PhraseSet(flags(all((file) => file.serviceContext?.purposes))),
    dataCategories: new PhraseSet(
      all((file) => file.dataCategories).flatMap((category) =>
        category.phrases.map((phrase) => ({ phrase, value: category.name })),
      ),
    ),
    retentionCues: new PhraseSet(flags(all((file) => file.retention?.cues))),
    retentionExclusions: new PhraseSet(flags(all((file) => file.retention?.exclusions))),
    units: new PhraseSet(
      UNITS.flatMap((unit) => all((file) => file.retention?.units?.[unit]).map((phrase) => ({ phrase, value: unit }))),
    ),
    numbers: new PhraseSet(
      all((file) => Object.entries(file.retention?.numbers ?? {})).map(([phrase, value]) => ({ phrase, value })),
    ),
    ages: new PhraseSet(flags(all((file) => file.retention?.ages))),
    abbreviations: new Set(all((file) => file.abbreviations).map((word) => word.toLowerCase())),
  };
}

let shipped: Vocabulary | null = null;

/** The shipped vocabulary, compiled on first use. */
export function defaultVocabulary(): Vocabulary {
  shipped ??= compileVocabulary(SHIPPED_VOCABULARY);
  return shipped;
}
