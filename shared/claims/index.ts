/**
 * Claims: what a notice promises (minimum TLS version, encryption, services and what they receive,
 * retention periods, contact addresses), found by rules and a vocabulary kept in content/claims/,
 * each with the section and sentence that say it; and what changed in them between two versions.
 */
export { changeClaimFields, type NoticePromises, promisesOf } from './change-claims';
export { raisesAlert } from './compare-claims';
export { extractClaims } from './extract-claims';
export type {
  ChangeSeverity,
  ClaimChange,
  ClaimKind,
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
export { compileVocabulary, SHIPPED_VOCABULARY, type Vocabulary, type VocabularyFile } from './vocabulary';
