/**
 * Every problem code noticewatch can produce: a public contract. Reports store `error.code`, run
 * summaries store `problems[].code`, the HTTP API answers `{ error: { code } }`, and dashboards and
 * scripts key on them, so a code is never renamed lightly and never invented at a call site:
 * `fail()` accepts only the codes listed here, and the README's table is generated from this list
 * (`npm run docs:codes`; a test fails when the two differ).
 *
 * Naming: `SUBJECT_CONDITION` — `X_INVALID` for a value that breaks its rules, `X_NOT_FOUND` for
 * something that does not exist, `X_UNREADABLE` for a file that cannot be read.
 *
 * `status` is the HTTP status of an API answer whose error is this code; for codes that only ever
 * appear inside results (one notice's or endpoint's error), the status it stands for.
 *
 * Adding a code: one line below, then `npm run docs:codes`.
 */
export const PROBLEM_CODES = {
  // Watchlist and configuration
  WATCHLIST_UNREADABLE: [500, 'config', 'The watchlist file cannot be read.'],
  WATCHLIST_JSON_INVALID: [500, 'config', 'The watchlist is not valid JSON.'],
  WATCHLIST_INVALID: [500, 'config', 'The watchlist is not an object of arrays, or has an unknown top-level field.'],
  WATCHLIST_ENTRY_INVALID: [500, 'config', 'A watchlist entry breaks the schema or the URL rules; it is skipped.'],
  WATCHLIST_DUPLICATE_ID: [500, 'config', 'A watchlist entry reuses an id; it is skipped.'],
  WATCHLIST_TOO_LARGE: [500, 'config', 'More than 10,000 entries of one kind; the rest are ignored.'],
  SCHEDULE_INVALID: [500, 'config', 'DRIFT_SCHEDULE or TLS_SCHEDULE is not a valid NCRONTAB expression.'],
  URL_INVALID: [500, 'config', 'A notice URL (or the base of its includes) is not an absolute http(s) URL.'],
  SELECTOR_INVALID: [500, 'config', "The notice's `selector` is not a valid CSS selector."],
  CA_BUNDLE_UNREADABLE: [500, 'config', "The CA bundle (`--ca`, an endpoint's `ca`) cannot be read."],
  WATCHLIST_CHANNEL_UNKNOWN: [500, 'config', 'A watchlist entry names an alert channel that is not defined.'],
  WATCHLIST_NOTICE_UNKNOWN: [
    500,
    'config',
    'An endpoint names a notice that is not on the watchlist; that promise goes unchecked.',
  ],
  CHANNEL_URL_REQUIRED: [500, 'config', "An alert channel's URL setting is not set."],
  CHANNEL_URL_INVALID: [500, 'config', "An alert channel's URL is not an http(s) URL."],
  CHANNEL_SECRET_REQUIRED: [500, 'config', "A signed alert channel's secret setting is not set."],

  // Storage
  STORAGE_NOT_CONFIGURED: [503, 'storage', 'No storage is configured.'],
  STORAGE_CONFIG_INVALID: [503, 'storage', 'The connection string or account URL cannot be used.'],
  STORAGE_ERROR: [503, 'storage', 'A storage call failed after its retries.'],
  STORAGE_CORRUPT: [503, 'storage', 'A stored JSON blob (pointer, latest.json, report) is not valid JSON.'],
  STORAGE_CONTENTION: [503, 'storage', 'A blob kept changing under every compare-and-swap attempt; try again.'],
  STORAGE_UNAVAILABLE: [503, 'storage', 'Storage kept failing, so the drift run stopped starting checks.'],
  AZURITE_NOT_FOUND: [503, 'storage', 'No storage is configured and the Azurite emulator is not installed.'],
  AZURITE_START_FAILED: [503, 'storage', 'The embedded Azurite emulator did not start.'],
  SNAPSHOT_NOT_FOUND: [500, 'storage', "The snapshot named by a notice's pointer is missing."],
  STORAGE_LOCATION_UNWRITABLE: [503, 'storage', 'The folder for the embedded storage cannot be written.'],

  // Fetching a notice or an include
  FETCH_TIMEOUT: [504, 'fetch', 'The server did not finish answering within the fetch timeout.'],
  FETCH_NETWORK: [502, 'fetch', 'The host could not be resolved or refused the connection, or the request failed.'],
  CONNECTION_RESET: [502, 'fetch', 'The connection was reset while the body was being read.'],
  TRUNCATED_BODY: [502, 'fetch', 'The connection closed before the whole body arrived.'],
  BODY_OVERRUN: [502, 'fetch', 'More bytes arrived than the response framing announced.'],
  TOO_LARGE: [502, 'fetch', 'The body is over the size limit (5 MiB); the download stopped.'],
  EMPTY_BODY: [502, 'fetch', 'The server answered with an empty body.'],
  HTTP_STATUS: [502, 'fetch', 'The server answered with an HTTP error status.'],
  NOT_TEXT: [502, 'fetch', 'The body is not text: a binary type, NUL bytes, or mostly undecodable.'],
  UNSUPPORTED_CHARSET: [502, 'fetch', 'The declared charset cannot be decoded.'],
  REDIRECT_INVALID: [502, 'fetch', 'A redirect has no Location, or one that is not a URL.'],
  REDIRECT_SCHEME: [502, 'fetch', 'A redirect leads to a scheme other than http(s).'],
  REDIRECT_OFF_SITE: [502, 'fetch', "A redirect leaves the notice's site while fetching an include."],
  REDIRECT_LOOP: [502, 'fetch', 'Redirects lead back to a URL already visited.'],
  REDIRECT_LIMIT: [502, 'fetch', 'More than 5 redirects.'],
  UNEXPECTED_NOT_MODIFIED: [502, 'fetch', 'The server answered 304 Not Modified to an unconditional request.'],
  CANCELLED: [504, 'fetch', "The fetch was cancelled at the run's hard deadline."],
  FETCH_ADDRESS_FORBIDDEN: [403, 'fetch', "A host other than the notice's own resolves to a non-public address."],

  // Reading a notice
  NOT_MARKDOWN: [502, 'notice', 'An HTML page came back where markdown was expected.'],
  FRONT_MATTER_INVALID: [502, 'notice', 'The YAML front matter is unclosed, invalid, not a mapping, or too large.'],
  SELECTOR_NOT_FOUND: [502, 'notice', "The page has no element matching the notice's `selector`."],
  SUSPECT_BODY: [
    502,
    'notice',
    'The body does not look like the notice (error page, truncated render, another document); it is held for review.',
  ],
  INCLUDE_INVALID: [502, 'notice', 'An include path is not a valid URL or path.'],
  INCLUDE_OUTSIDE_SITE: [502, 'notice', "An include points outside the notice's own site."],
  INCLUDE_CYCLE: [502, 'notice', 'Includes include each other in a cycle.'],
  INCLUDE_TOO_DEEP: [502, 'notice', 'Includes are nested deeper than the limit.'],
  INCLUDE_LIMIT: [502, 'notice', 'The notice uses more includes than the limit.'],
  INCLUDE_DOCSET_UNKNOWN: [
    502,
    'notice',
    'An include starts at a DocFX docset or dependent repository that is not known.',
  ],
  PUBLISH_CONFIG_INVALID: [
    502,
    'notice',
    "The docs repository's publishing configuration is not valid JSON of its shape.",
  ],
  REDIRECTION_FILE_INVALID: [502, 'notice', "The docs repository's redirection file is not valid JSON of its shape."],
  HTML_TOO_DEEP: [502, 'notice', 'The page nests HTML elements deeper than can be converted.'],
  HTML_TOO_COMPLEX: [502, 'notice', 'The page has too many elements, open elements or nested text to parse in time.'],
  NOTICE_MOVED: [502, 'notice', "The notice answers 404 and its repository's redirection file says where it moved."],

  // Runs
  NOTICE_NOT_FOUND: [404, 'run', 'A notice id asked for is not on the watchlist.'],
  RUN_DEADLINE: [504, 'run', "The run's deadline passed before a check or a closing write finished."],
  REPORT_NOT_WRITTEN: [503, 'run', 'A report could not be written (the check itself was recorded).'],
  NOTICE_NOT_CHECKED: [500, 'run', 'A linked notice has no good version yet, so its promises are unknown.'],
  INTERNAL_ERROR: [500, 'run', 'A defect while checking one notice or endpoint; please report it.'],

  // Alerts
  ALERTS_INCOMPLETE: [503, 'alerts', "Some of a run's alerts could not be recorded or delivered yet."],
  ALERT_REPORT_NOT_FOUND: [500, 'alerts', 'The report an alert points to is missing, so the alert is not sent.'],
  CHANNEL_NOT_FOUND: [404, 'alerts', '`notify test` names a channel that is not on the watchlist.'],
  CHANNEL_NOT_CONFIGURED: [500, 'alerts', 'An alert waits for a channel that is no longer on the watchlist.'],
  CHANNEL_HTTP_ERROR: [502, 'alerts', 'The channel answered with an HTTP error status.'],
  CHANNEL_TIMEOUT: [504, 'alerts', 'The channel did not answer in time.'],
  CHANNEL_UNREACHABLE: [502, 'alerts', 'The channel could not be reached.'],
  CHANNEL_ERROR: [502, 'alerts', 'The channel refused a test alert without saying why.'],
  DELIVERY_GAVE_UP: [502, 'alerts', 'An alert was not delivered after its last attempt.'],
  DELIVERY_EXPIRED: [502, 'alerts', 'An alert was not delivered in time and is too old to send.'],
  DELIVERY_FAILED: [500, 'alerts', 'Delivering an alert failed unexpectedly; please report it.'],
  OUTBOX_CONFLICT: [503, 'alerts', 'An outbox record changed while this run held its claim; another run sends it.'],

  // TLS targets
  HOST_INVALID: [400, 'tls', 'A host is not a valid name or IP address.'],
  PORT_INVALID: [400, 'tls', 'A port is not an integer from 1 to 65535.'],
  TARGET_INVALID: [400, 'tls', 'A target is not "host[:port]" or { host, port }, or the list is empty.'],
  TOO_MANY_TARGETS: [400, 'tls', 'More targets than one on-demand request may name (20).'],
  TARGET_NOT_ALLOWED: [403, 'tls', 'On demand: the target is not on the watchlist, or resolves to a refused address.'],
  ADDRESS_FORBIDDEN: [403, 'tls', 'The name resolves to a loopback, private, metadata or other refused address.'],
  DNS_LOOKUP_FAILED: [502, 'tls', 'The host name could not be resolved, or has no addresses.'],

  // HTTP API
  METHOD_NOT_ALLOWED: [405, 'http', 'The route does not take this HTTP method.'],
  BODY_TOO_LARGE: [413, 'http', 'The request body is over its size limit.'],
  JSON_INVALID: [400, 'http', 'The request body is not JSON of the expected shape.'],
  NOTICE_ID_INVALID: [400, 'http', 'A `notice` parameter is not a watchlist id.'],
  REPORT_NAME_INVALID: [400, 'http', 'A report name breaks the naming rules.'],
  PREFIX_INVALID: [400, 'http', 'A report prefix breaks the naming rules.'],
  PREFIX_REQUIRED: [400, 'http', 'Listing reports needs a `prefix`.'],
  LIMIT_INVALID: [400, 'http', 'A listing `limit` is not a whole number in range.'],
  CONTINUATION_INVALID: [400, 'http', 'A listing `continuation` is not the token of a previous listing.'],
  FEED_NOT_FOUND: [404, 'http', 'No feed has this name.'],
  ROUTE_NOT_FOUND: [404, 'http', 'No such route (`noticewatch serve`) or view of a notice.'],
  MEDIA_TYPE_UNSUPPORTED: [415, 'http', 'The request body is not sent as application/json.'],

  // History and reviews
  HISTORY_NOT_FOUND: [404, 'history', 'No change of the notice is recorded yet, so there is nothing to compare.'],
  CURSOR_INVALID: [400, 'history', 'A history `before` is not the name of a change report of that notice.'],
  CURSOR_NOT_FOUND: [400, 'history', "A history `before` names a change that is not in the notice's history."],
  REPORT_REQUIRED: [400, 'history', 'A review does not say which change report it is about.'],
  REVIEW_STATUS_INVALID: [400, 'history', 'A review status is not acknowledged, not-material or needs-action.'],
  NOTE_INVALID: [400, 'history', "A review's note is not text, is too long or has control characters."],
  REVIEWER_INVALID: [400, 'history', "A reviewer's name is not text, is too long or has control characters."],
  REVIEWER_REQUIRED: [400, 'history', 'A review does not say who reviewed (no reviewer, no signed-in user).'],
  REPORT_NOT_A_CHANGE: [409, 'history', 'The report reviewed records a check that is not a change.'],
  REPORT_NOT_IN_HISTORY: [
    409,
    'history',
    'The report reviewed predates change numbering, so it has no place in the history.',
  ],
  REPORT_NOT_FOUND: [404, 'http', 'No report has this name.'],
  CODE_INVALID: [400, 'http', "The dashboard's `code` parameter is not a function key."],
  DASHBOARD_FILE_NOT_FOUND: [404, 'http', 'The dashboard has no such file.'],
  DASHBOARD_FILE_UNREADABLE: [500, 'http', 'A dashboard file cannot be read from the package.'],

  // CLI and benchmarks
  USAGE: [400, 'cli', 'A command-line option has an invalid value.'],
  LISTEN_FAILED: [500, 'cli', '`noticewatch serve` cannot listen on its host and port.'],
  REQUEST_INVALID: [400, 'cli', '`noticewatch serve`: the Host header or the request target is not valid.'],
  HOST_NOT_ALLOWED: [403, 'cli', '`noticewatch serve` answers only requests for localhost or 127.0.0.1.'],
  KEY_REQUIRED: [401, 'cli', '`noticewatch serve` needs the key it printed, as `?code=`.'],
  FILE_UNREADABLE: [400, 'cli', '`noticewatch diff` cannot read one of its files.'],
  BENCH_CORPUS_INVALID: [500, 'bench', 'The benchmark corpus manifest has no documents list.'],
  BENCH_CORPUS_UNREADABLE: [500, 'bench', 'The benchmark corpus cannot be read.'],
  BENCH_CORPUS_NOT_FOUND: [500, 'bench', 'A file of the msdocs replay corpus is not there.'],
  BENCH_INCLUDE_NOT_FOUND: [500, 'bench', 'The msdocs replay has no file for an include.'],
} as const satisfies Record<string, readonly [number, ProblemArea, string]>;

export type ProblemArea =
  'config' | 'storage' | 'fetch' | 'notice' | 'run' | 'alerts' | 'history' | 'tls' | 'http' | 'cli' | 'bench';

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** The HTTP status an API answer carrying this problem as its error has. */
export function httpStatusOf(code: ProblemCode): number {
  return PROBLEM_CODES[code][0];
}

/** Codes renamed when the naming was settled, old → new, for readers of earlier reports. */
export const RENAMED_PROBLEM_CODES: Readonly<Record<string, ProblemCode>> = {
  INVALID_URL: 'URL_INVALID',
  INVALID_HOST: 'HOST_INVALID',
  INVALID_PORT: 'PORT_INVALID',
  INVALID_TARGET: 'TARGET_INVALID',
  INVALID_JSON: 'JSON_INVALID',
  INVALID_NOTICE_ID: 'NOTICE_ID_INVALID',
  INVALID_REPORT_NAME: 'REPORT_NAME_INVALID',
  INVALID_PREFIX: 'PREFIX_INVALID',
  INVALID_CODE: 'CODE_INVALID',
  WATCHLIST_INVALID_ENTRY: 'WATCHLIST_ENTRY_INVALID',
  WATCHLIST_INVALID_JSON: 'WATCHLIST_JSON_INVALID',
  SNAPSHOT_MISSING: 'SNAPSHOT_NOT_FOUND',
  NOT_FOUND: 'DASHBOARD_FILE_NOT_FOUND',
  DASHBOARD_FILE_MISSING: 'DASHBOARD_FILE_UNREADABLE',
  AZURITE_MISSING: 'AZURITE_NOT_FOUND',
};
