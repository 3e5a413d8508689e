import { XMLBuilder } from 'fast-xml-parser';

import type { ChangeEntry } from './change-index';

/** A feed reader needs the recent changes, not the archive: the reports API has everything. */
export const MAX_FEED_ENTRIES = 50;

export interface FeedOptions {
  /** Absolute base URL of the app, for links (`https://<app>.azurewebsites.net`). */
  readonly baseUrl: string;
  /** The feed's own URL, without any function key. */
  readonly selfUrl: string;
  /** A per-notice feed; absent for the feed of every change. */
  readonly noticeId?: string;
  /** `updated` of a feed with no entries. */
  readonly now: Date;
}

const ATOM_NS = 'http://www.w3.org/2005/Atom';
/** Tag URIs (RFC 4151): stable ids that do not change when the app moves to another host name. */
const TAG = 'tag:noticewatch.dev,2026:';

/**
 * Text from notices is hostile: the builder escapes markup, and characters XML 1.0 cannot carry
 * at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped here so the feed stays well-formed.
 */
function xmlText(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}

function reportLink(baseUrl: string, report: string): string {
  return `${baseUrl}/api/reports/${report.split('/').map(encodeURIComponent).join('/')}`;
}

function changeLink(baseUrl: string, report: string): string {
  return `${baseUrl}/api/dashboard/#change=${encodeURIComponent(report)}`;
}

function entryContent(entry: ChangeEntry): string {
  const { summary } = entry;
  const lines = [summary.text];
  if (summary.sections?.length)
    lines.push(`Sections: ${summary.sections.map((section) => `${section.heading} (${section.change})`).join('; ')}`);
  if (summary.metadataKeys?.length) lines.push(`Metadata: ${summary.metadataKeys.join(', ')}`);
  if (summary.words?.removed) lines.push(`Removed: ${summary.words.removed}`);
  if (summary.words?.added) lines.push(`Added: ${summary.words.added}`);
  lines.push(`Notice: ${entry.url}`);
  return xmlText(lines.join('\n'));
}

function category(entry: ChangeEntry): string {
  if (entry.recurrence) return 'recurrence';
  return entry.substantive ? 'wording' : 'metadata';
}

/** An Atom 1.0 (RFC 4287) feed of changes, newest first, at most MAX_FEED_ENTRIES entries. */
export function changesFeed(entries: readonly ChangeEntry[], options: FeedOptions): string {
  const chosen = entries
    .filter((entry) => options.noticeId === undefined || entry.noticeId === options.noticeId)
    .slice()
    .sort((a, b) => (a.checkedAt < b.checkedAt ? 1 : a.checkedAt > b.checkedAt ? -1 : 0))
    .slice(0, MAX_FEED_ENTRIES);
  const updated = chosen[0]?.checkedAt ?? options.now.toISOString();
  const title = options.noticeId ? `noticewatch: changes of ${options.noticeId}` : 'noticewatch: notice changes';
  const feed = {
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    feed: {
      '@_xmlns': ATOM_NS,
      id: options.noticeId ? `${TAG}feed:notice:${options.noticeId}` : `${TAG}feed:changes`,
      title: xmlText(title),
      subtitle: 'Changes of published privacy notices, as recorded by noticewatch.',
      updated,
      link: [
        { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': options.selfUrl },
        { '@_rel': 'alternate', '@_type': 'text/html', '@_href': `${options.baseUrl}/api/dashboard/` },
      ],
      author: { name: 'noticewatch' },
      generator: 'noticewatch',
      entry: chosen.map((entry) => ({
        id: `${TAG}change:${entry.report}`,
        title: xmlText(`${entry.noticeId}: ${entry.summary.text}`),
        updated: entry.checkedAt,
        published: entry.checkedAt,
        link: [
          { '@_rel': 'alternate', '@_type': 'text/html', '@_href': changeLink(options.baseUrl, entry.report) },
          {
            '@_rel': 'related',
            '@_type': 'application/json',
            '@_title': 'Change report',
            '@_href': reportLink(options.baseUrl, entry.report),
          },
        ],
        category: [{ '@_term': category(entry) }, ...(entry.alert ? [{ '@_term': 'alert' }] : [])],
        summary: { '@_type': 'text', '#text': entryContent(entry) },
      })),
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    suppressEmptyNode: true,
  });
  return builder.build(feed);
}
