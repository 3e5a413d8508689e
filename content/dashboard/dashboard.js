// noticewatch dashboard: reads /api/reports/latest and renders it; per notice, its history
// (/api/reports/notices/<id>), each change with word highlights, and the review trail (/api/reviews).
//
// Security rule for this file: every value that comes from a report (notice ids, URLs,
// headings, diffs, error messages) is attacker-influenced, because notices are published
// by third parties. It is only ever put on the page with textContent / setAttribute on
// known-safe attributes, never parsed as HTML, so markup in it is shown, not run.
(function () {
  'use strict';

  var SCHEMA_VERSION = 1;
  var PROTOCOLS = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  /** Protocols whose acceptance is a compliance failure; the others should be accepted. */
  var LEGACY = { SSLv3: true, TLSv1: true, 'TLSv1.1': true };
  var STATUS_ORDER = { changed: 0, held: 1, error: 2, baseline: 3, unchanged: 4 };
  var STATUS_LABEL = {
    baseline: 'Baseline',
    unchanged: 'Unchanged',
    changed: 'Changed',
    held: 'Held for review',
    error: 'Error',
  };
  /** Same rule as the API: a report name we would ask for must look like one. */
  var REPORT_NAME = /^(drift|runs|tls)\/[A-Za-z0-9._/@-]+\.json$/;
  var MAX_DIFF_LINES = 4000;
  var FETCH_TIMEOUT_MS = 20000;

  /** The API lives next to the dashboard route: `/api/dashboard/` → `/api/`. */
  function apiBase() {
    var path = window.location.pathname;
    var at = path.lastIndexOf('/dashboard');
    return at >= 0 ? path.slice(0, at + 1) : '/api/';
  }

  /** The page's own function key (if any) is forwarded, so one link with ?code= opens everything. */
  function apiUrl(path) {
    var url = new URL(apiBase() + path, window.location.origin);
    var code = new URLSearchParams(window.location.search).get('code');
    if (code) url.searchParams.set('code', code);
    return url.toString();
  }

  function $(id) {
    return document.getElementById(id);
  }

  /** Builds an element; `text` always goes through textContent. */
  function el(tag, options, children) {
    var node = document.createElement(tag);
    options = options || {};
    if (options.className) node.className = options.className;
    if (options.text !== undefined && options.text !== null) node.textContent = String(options.text);
    if (options.title) node.title = String(options.title);
    if (options.attrs) {
      Object.keys(options.attrs).forEach(function (name) {
        node.setAttribute(name, String(options.attrs[name]));
      });
    }
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function pad(number) {
    return number < 10 ? '0' + number : String(number);
  }

  /** `2026-11-29 06:00 UTC`: one unambiguous format for a team spread over time zones. */
  function formatTime(iso) {
    if (!iso) return '—';
    var date = new Date(iso);
    if (isNaN(date.getTime())) return String(iso);
    return (
      date.getUTCFullYear() +
      '-' +
      pad(date.getUTCMonth() + 1) +
      '-' +
      pad(date.getUTCDate()) +
      ' ' +
      pad(date.getUTCHours()) +
      ':' +
      pad(date.getUTCMinutes()) +
      ' UTC'
    );
  }

  function timeCell(iso) {
    return el('td', { className: 'nowrap', text: formatTime(iso), title: iso || '' });
  }

  function badge(kind, text) {
    return el('span', { className: 'badge badge-' + kind, text: text });
  }

  function safeHttpUrl(value) {
    try {
      var url = new URL(String(value));
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
    } catch {
      return null;
    }
  }

  /** GETs JSON from the API, or POSTs `body` as JSON when one is given. */
  async function fetchJson(path, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () {
      controller.abort();
    }, FETCH_TIMEOUT_MS);
    var response;
    try {
      response = await fetch(apiUrl(path), {
        method: body === undefined ? 'GET' : 'POST',
        headers:
          body === undefined
            ? { Accept: 'application/json' }
            : { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'same-origin',
        signal: controller.signal,
      });
    } catch (error) {
      throw new Error(
        error && error.name === 'AbortError'
          ? 'the reports API did not answer in time.'
          : 'the reports API could not be reached.',
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
    var answer = null;
    try {
      answer = await response.json();
    } catch {
      // A proxy or the host may answer with HTML; the status is what matters then.
    }
    if (!response.ok) {
      var detail = answer && answer.error && typeof answer.error.message === 'string' ? answer.error.message : '';
      throw new Error('HTTP ' + response.status + (detail ? ': ' + detail : ''));
    }
    if (answer === null || typeof answer !== 'object')
      throw new Error('the reports API answered with something that is not JSON.');
    return answer;
  }

  function values(record) {
    return record && typeof record === 'object'
      ? Object.keys(record).map(function (key) {
          return record[key];
        })
      : [];
  }

  // ---------------------------------------------------------------- notices

  /** A body held back as not looking like the notice, shown at once so a person can judge it. */
  function hasHeldBody(notice) {
    return !!(notice.heldForReview && typeof notice.heldForReview === 'object');
  }

  /** The latest check is the held body itself (a later failed fetch shows as an error, still with the body on view). */
  function isHeld(notice) {
    return hasHeldBody(notice) && !!notice.error && notice.error.code === 'SUSPECT_BODY';
  }

  function displayStatus(notice) {
    if (isHeld(notice)) return 'held';
    return STATUS_LABEL[notice.status] && notice.status !== 'held' ? notice.status : 'error';
  }

  function heldDetails(held) {
    var lines = Array.isArray(held.firstLines) ? held.firstLines : [];
    return el('div', { className: 'held' }, [
      el('div', {}, [
        el('span', { className: 'code-chip held-signal', text: String(held.signal) }),
        el('span', { text: ' ' + String(held.reason) }),
      ]),
      el('div', {
        className: 'muted small',
        text:
          'Seen in ' +
          held.seen +
          ' of the ' +
          held.needed +
          ' consecutive runs that accept it as a change; first seen ' +
          formatTime(held.firstSeen) +
          '.',
      }),
      el('pre', { className: 'held-lines', text: lines.map(String).join('\n') }),
    ]);
  }

  function noticeRow(notice) {
    var status = displayStatus(notice);
    var url = safeHttpUrl(notice.url);
    var idCell = el('td', { className: 'cell-notice' }, [
      el('div', { className: 'notice-id', text: notice.id }),
      url
        ? el('a', {
            className: 'notice-url',
            text: notice.url,
            attrs: { href: url, target: '_blank', rel: 'noopener noreferrer' },
          })
        : el('div', { className: 'notice-url', text: notice.url }),
    ]);

    var details = el('td', { className: 'cell-details' });
    if (isHeld(notice)) {
      details.appendChild(heldDetails(notice.heldForReview));
    } else if (notice.error) {
      details.appendChild(el('span', { className: 'code-chip', text: notice.error.code }));
      details.appendChild(el('span', { className: 'error-text', text: ' ' + notice.error.message }));
      // The fetch failed after a body was held: that body is still waiting for a person.
      if (hasHeldBody(notice)) details.appendChild(heldDetails(notice.heldForReview));
    } else if (notice.status === 'changed') {
      details.appendChild(el('span', { text: notice.substantive === false ? 'Metadata only' : 'Text changed' }));
    } else if (notice.status === 'baseline') {
      details.appendChild(el('span', { className: 'muted', text: 'First version recorded' }));
    } else if (notice.lastChangedAt && notice.substantive !== undefined) {
      details.appendChild(
        el('span', {
          className: 'muted',
          text: notice.substantive ? 'Last change: text' : 'Last change: metadata only',
        }),
      );
    }

    var action = el('td', { className: 'cell-action' });
    var claims = claimsButton(notice);
    if (claims) action.appendChild(claims);
    if (notice.lastChangeReport) {
      var button = el('button', {
        className: 'button button-small',
        text: 'View change',
        attrs: { type: 'button', 'aria-label': 'View last change of ' + notice.id },
      });
      button.addEventListener('click', function () {
        openChange(notice);
      });
      action.appendChild(button);
    }

    var pending = Number(notice.pendingReview) || 0;
    var review = el('td', { className: 'cell-review' });
    if (pending > 0) review.appendChild(badge('pending', pending + ' to review'));
    else if (Number(notice.changeCount) > 0) review.appendChild(badge('reviewed', 'Reviewed'));
    else review.appendChild(el('span', { className: 'muted', text: '—' }));
    review.setAttribute('data-pending', String(pending));

    var row = el('tr', { attrs: { 'data-notice-id': notice.id, 'data-status': status } }, [
      idCell,
      el('td', {}, [badge(status, STATUS_LABEL[status])]),
      timeCell(notice.checkedAt),
      timeCell(notice.lastChangedAt),
      review,
      details,
      action,
    ]);
    return row;
  }

  function renderNotices(notices) {
    var body = $('notices-table').querySelector('tbody');
    clear(body);
    notices
      .slice()
      .sort(function (a, b) {
        var order = (STATUS_ORDER[displayStatus(a)] ?? 9) - (STATUS_ORDER[displayStatus(b)] ?? 9);
        return order !== 0 ? order : String(a.id).localeCompare(String(b.id));
      })
      .forEach(function (notice) {
        body.appendChild(noticeRow(notice));
      });
    show($('notices-table'), notices.length > 0);
    show($('notices-empty'), notices.length === 0);
  }

  // ---------------------------------------------------------------- endpoints

  function protocolCell(name, verdict) {
    var good = verdict === 'accepted' ? !LEGACY[name] : verdict === 'rejected' ? !!LEGACY[name] : null;
    // A modern protocol that is rejected is not a failure (TLS 1.3 is optional), only worth noticing.
    var kind =
      verdict === 'error' || verdict === undefined ? 'unknown' : good ? 'good' : LEGACY[name] ? 'bad' : 'neutral';
    var text =
      verdict === 'accepted' ? 'Accepted' : verdict === 'rejected' ? 'Rejected' : verdict === 'error' ? 'Error' : '—';
    return el('td', {
      className: 'proto proto-' + kind,
      text: text,
      title: name + ': ' + (verdict || 'not checked'),
      attrs: { 'data-protocol': name },
    });
  }

  function certificateCell(certificate) {
    var cell = el('td', { className: 'cell-cert' });
    if (!certificate) {
      cell.appendChild(el('span', { className: 'muted', text: 'No certificate' }));
      return cell;
    }
    var days = Number(certificate.daysRemaining);
    var kind = days < 0 ? 'bad' : days < 30 ? 'warn' : 'ok';
    var text = days < 0 ? 'Expired ' + Math.abs(days) + ' days ago' : days === 1 ? '1 day left' : days + ' days left';
    cell.appendChild(el('div', { className: 'cert-days cert-' + kind, text: text }));
    cell.appendChild(
      el('div', {
        className: 'muted small',
        text: 'Expires ' + formatTime(certificate.validTo),
        title: 'Subject: ' + certificate.subject + '\nIssuer: ' + certificate.issuer,
      }),
    );
    return cell;
  }

  function findingsCell(endpoint) {
    var cell = el('td', { className: 'cell-findings' });
    var list = el('ul', { className: 'findings' });
    if (endpoint.problem) {
      list.appendChild(
        el('li', {}, [
          el('span', { className: 'severity severity-error', text: endpoint.problem.code }),
          el('span', { text: ' ' + endpoint.problem.message }),
        ]),
      );
    }
    (endpoint.findings || []).forEach(function (finding) {
      var severity = String(finding.severity || 'info').toLowerCase();
      var known =
        ['critical', 'high', 'medium', 'low', 'info', 'warning', 'error'].indexOf(severity) >= 0 ? severity : 'info';
      list.appendChild(
        el('li', { title: finding.id }, [
          el('span', { className: 'severity severity-' + known, text: finding.severity }),
          el('span', { text: ' ' + finding.message }),
        ]),
      );
    });
    if (list.childNodes.length === 0) cell.appendChild(el('span', { className: 'muted', text: 'None' }));
    else cell.appendChild(list);
    return cell;
  }

  function endpointRow(endpoint) {
    var protocols = endpoint.protocols || {};
    var where = endpoint.host + ':' + endpoint.port;
    var cells = [
      el('td', { className: 'cell-notice' }, [
        el('div', { className: 'notice-id', text: endpoint.id }),
        el('div', {
          className: 'endpoint-host',
          text: where + (endpoint.address && endpoint.address !== endpoint.host ? ' (' + endpoint.address + ')' : ''),
        }),
        el('div', {
          className: 'muted small',
          text: 'Checked ' + formatTime(endpoint.checkedAt),
          title: endpoint.checkedAt,
        }),
      ]),
      el('td', {}, [endpoint.compliant ? badge('compliant', 'Yes') : badge('noncompliant', 'No')]),
    ];
    PROTOCOLS.forEach(function (name) {
      cells.push(protocolCell(name, protocols[name]));
    });
    cells.push(certificateCell(endpoint.certificate));
    cells.push(findingsCell(endpoint));
    return el(
      'tr',
      { attrs: { 'data-endpoint-id': endpoint.id, 'data-compliant': endpoint.compliant ? 'yes' : 'no' } },
      cells,
    );
  }

  function renderEndpoints(endpoints) {
    var body = $('endpoints-table').querySelector('tbody');
    clear(body);
    endpoints
      .slice()
      .sort(function (a, b) {
        if (!!a.compliant !== !!b.compliant) return a.compliant ? 1 : -1;
        return String(a.id).localeCompare(String(b.id));
      })
      .forEach(function (endpoint) {
        body.appendChild(endpointRow(endpoint));
      });
    show($('endpoints-table'), endpoints.length > 0);
    show($('endpoints-empty'), endpoints.length === 0);
  }

  // ---------------------------------------------------------------- one notice: timeline, change, review

  var REVIEW_LABEL = { acknowledged: 'Acknowledged', 'not-material': 'Not material', 'needs-action': 'Needs action' };
  var KIND_LABEL = { 'new-wording': 'New wording', 'metadata-only': 'Metadata only', 'known-version': 'Known version' };
  var HISTORY_PAGE = 10;
  var REVIEWER_KEY = 'noticewatch.reviewer';

  /** What the panel shows: one notice, its loaded history, and the change (or since-review view) open in it. */
  var view = {
    notice: null,
    entries: [],
    next: null,
    history: null,
    report: null,
    reportName: null,
    /** The change the review buttons record a review of: the open change, or the newest in "since the last review". */
    reviewTarget: null,
    mode: 'change',
    layout: 'unified',
    diffSource: null,
  };
  var openRequest = 0;

  function encodePath(name) {
    return String(name).split('/').map(encodeURIComponent).join('/');
  }

  function metaItem(list, term, value, className) {
    // A <div> around each dt/dd pair (valid in a <dl>) keeps label and value together in the grid.
    list.appendChild(
      el('div', { className: 'meta-item' }, [
        el('dt', { text: term }),
        el('dd', { text: value, className: className }),
      ]),
    );
  }

  function renderValue(value) {
    if (value === null || value === undefined) return '(none)';
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  function reviewBadge(review) {
    if (!review || !review.latest) return badge('unreviewed', 'Not reviewed');
    var status = REVIEW_LABEL[review.latest.status] ? review.latest.status : 'needs-action';
    return badge('review-' + status, REVIEW_LABEL[status]);
  }

  // ------------------------------------------------ diff model: unified lines with word highlights

  /** Splits a word diff's parts for one side into lines of {text, changed} pieces. */
  function partsToLines(parts, side) {
    var lines = [[]];
    parts.forEach(function (part) {
      if (part.kind !== 'same' && part.kind !== side) return;
      String(part.text)
        .split('\n')
        .forEach(function (piece, index) {
          if (index > 0) lines.push([]);
          if (piece !== '') lines[lines.length - 1].push({ text: piece, changed: part.kind === side });
        });
    });
    return lines;
  }

  function findWordChange(wordChanges, removed, added) {
    for (var i = 0; i < wordChanges.length; i++) {
      var change = wordChanges[i];
      if (!change || typeof change.removed !== 'string' || typeof change.added !== 'string') continue;
      var exact = change.removed === removed && change.added === added;
      var cut = change.truncated && removed.indexOf(change.removed) === 0 && added.indexOf(change.added) === 0;
      if (exact || cut) return change;
    }
    return null;
  }

  /** Gives each changed line its word pieces, when the report's word diff matches that block exactly. */
  function attachWords(block, wordChanges) {
    var removed = block.del.map(function (row) {
      return row.content;
    });
    var added = block.add.map(function (row) {
      return row.content;
    });
    var change = findWordChange(wordChanges, removed.join('\n'), added.join('\n'));
    if (!change || !Array.isArray(change.parts)) return;
    // Only a real word diff (some text kept) is worth showing inside the lines; whole blocks are already coloured.
    var hasSame = change.parts.some(function (part) {
      return part.kind === 'same' && part.text !== '';
    });
    if (!hasSame) return;
    [
      ['removed', block.del],
      ['added', block.add],
    ].forEach(function (pair) {
      var lines = partsToLines(change.parts, pair[0]);
      pair[1].forEach(function (row, index) {
        var pieces = lines[index];
        if (!pieces) return;
        var joined = pieces
          .map(function (piece) {
            return piece.text;
          })
          .join('');
        // Never show highlights that do not spell the line exactly.
        if (joined === row.content) row.pieces = pieces;
      });
    });
  }

  /** Parses a unified diff into rows with line numbers and word pieces. */
  function diffRows(diff, wordChanges) {
    var lines = diff.replace(/\n$/, '').split('\n');
    var rows = [];
    var oldLine = 0;
    var newLine = 0;
    var block = null;
    function closeBlock() {
      if (block && (block.del.length || block.add.length)) attachWords(block, wordChanges);
      block = null;
    }
    lines.slice(0, MAX_DIFF_LINES).forEach(function (line) {
      var type = 'context';
      if (line.indexOf('+++') === 0 || line.indexOf('---') === 0)
        type = rows.length < 2 ? 'file' : line.charAt(0) === '+' ? 'add' : 'del';
      else if (line.indexOf('@@') === 0) type = 'hunk';
      else if (line.charAt(0) === '+') type = 'add';
      else if (line.charAt(0) === '-') type = 'del';
      else if (line.charAt(0) === '\\') type = 'note';
      var row = { type: type, text: line, content: line.slice(1) };
      if (type === 'hunk') {
        closeBlock();
        var numbers = /^@@ -(\d+)(?:,\d+)? \+(\d+)/.exec(line);
        oldLine = numbers ? Number(numbers[1]) : 0;
        newLine = numbers ? Number(numbers[2]) : 0;
      } else if (type === 'context') {
        closeBlock();
        row.oldNumber = oldLine++;
        row.newNumber = newLine++;
      } else if (type === 'del' || type === 'add') {
        if (!block) block = { del: [], add: [] };
        if (type === 'del') {
          row.oldNumber = oldLine++;
          block.del.push(row);
        } else {
          row.newNumber = newLine++;
          block.add.push(row);
        }
      }
      rows.push(row);
    });
    closeBlock();
    return { rows: rows, total: lines.length };
  }

  /** A changed line's text: plain, or with the changed words marked (<del>/<ins>, text only). */
  function lineContent(node, row, withPrefix) {
    if (withPrefix) node.appendChild(document.createTextNode(row.text.charAt(0)));
    if (!row.pieces) {
      node.appendChild(document.createTextNode(withPrefix ? row.content : row.text.slice(1)));
      return node;
    }
    row.pieces.forEach(function (piece) {
      if (!piece.changed) node.appendChild(document.createTextNode(piece.text));
      else
        node.appendChild(el(row.type === 'del' ? 'del' : 'ins', { className: 'word-' + row.type, text: piece.text }));
    });
    return node;
  }

  function renderUnified(model) {
    var pre = el('pre', { className: 'diff', attrs: { id: 'diff', 'aria-label': 'Unified diff' } });
    model.rows.forEach(function (row) {
      var span = el('span', { className: 'diff-line diff-' + row.type });
      if (row.type === 'add' || row.type === 'del') lineContent(span, row, true);
      else span.textContent = row.text === '' ? ' ' : row.text;
      pre.appendChild(span);
    });
    return pre;
  }

  function splitCell(row, side) {
    var number = el('td', {
      className: 'split-number',
      text: row && row[side + 'Number'] !== undefined ? row[side + 'Number'] : '',
    });
    var text = el('td', { className: 'split-text' + (row ? ' split-' + row.type : ' split-empty') });
    if (row && (row.type === 'add' || row.type === 'del')) lineContent(text, row, false);
    else if (row) text.textContent = row.content;
    return [number, text];
  }

  function renderSideBySide(model) {
    var body = el('tbody');
    var pending = { del: [], add: [] };
    function flush() {
      var count = Math.max(pending.del.length, pending.add.length);
      for (var i = 0; i < count; i++)
        body.appendChild(
          el(
            'tr',
            { className: 'split-change' },
            splitCell(pending.del[i], 'old').concat(splitCell(pending.add[i], 'new')),
          ),
        );
      pending = { del: [], add: [] };
    }
    model.rows.forEach(function (row) {
      if (row.type === 'del' || row.type === 'add') {
        pending[row.type].push(row);
        return;
      }
      flush();
      if (row.type === 'file' || row.type === 'note') return;
      if (row.type === 'hunk') {
        body.appendChild(el('tr', { className: 'split-hunk' }, [el('td', { text: row.text, attrs: { colspan: 4 } })]));
        return;
      }
      body.appendChild(el('tr', {}, splitCell(row, 'old').concat(splitCell(row, 'new'))));
    });
    flush();
    return el('div', { className: 'diff diff-split-wrap' }, [
      el('table', { className: 'diff-split', attrs: { id: 'diff-split', 'aria-label': 'Side-by-side diff' } }, [
        el('colgroup', {}, [
          el('col', { className: 'split-number-col' }),
          el('col', {}),
          el('col', { className: 'split-number-col' }),
          el('col', {}),
        ]),
        el('thead', {}, [
          el('tr', {}, [
            el('th', { text: 'Before', attrs: { colspan: 2 } }),
            el('th', { text: 'After', attrs: { colspan: 2 } }),
          ]),
        ]),
        body,
      ]),
    ]);
  }

  function renderDiff() {
    var holder = $('diff-holder');
    if (!holder || !view.diffSource) return;
    clear(holder);
    var source = view.diffSource;
    var model = diffRows(source.diff, Array.isArray(source.wordChanges) ? source.wordChanges : []);
    holder.appendChild(view.layout === 'split' ? renderSideBySide(model) : renderUnified(model));
    if (model.total > MAX_DIFF_LINES) {
      holder.appendChild(
        el('p', {
          className: 'muted',
          text:
            'Showing the first ' +
            MAX_DIFF_LINES +
            ' of ' +
            model.total +
            ' diff lines; the full diff is in the report.',
        }),
      );
    }
    Array.prototype.forEach.call(document.querySelectorAll('[data-layout]'), function (button) {
      button.setAttribute('aria-pressed', String(button.getAttribute('data-layout') === view.layout));
    });
  }

  function setLayout(layout) {
    view.layout = layout;
    renderDiff();
  }

  /** Metadata, sections and diff: the same for a stored change and for "since the last review". */
  function renderChangeBody(container, change) {
    var metadataChanges = Array.isArray(change.metadataChanges) ? change.metadataChanges : [];
    container.appendChild(el('h3', { text: 'Metadata changes (' + metadataChanges.length + ')' }));
    if (metadataChanges.length === 0) {
      container.appendChild(el('p', { className: 'muted', text: 'No front matter changed.' }));
    } else {
      var metaBody = el('tbody');
      metadataChanges.forEach(function (item) {
        metaBody.appendChild(
          el('tr', {}, [
            el('td', { className: 'mono', text: item.key }),
            el('td', { className: 'mono value-before', text: renderValue(item.before) }),
            el('td', { className: 'mono value-after', text: renderValue(item.after) }),
          ]),
        );
      });
      container.appendChild(
        el('table', { className: 'table table-compact', attrs: { id: 'metadata-changes' } }, [
          el('thead', {}, [
            el('tr', {}, [el('th', { text: 'Key' }), el('th', { text: 'Before' }), el('th', { text: 'After' })]),
          ]),
          metaBody,
        ]),
      );
    }

    var sections = Array.isArray(change.sections) ? change.sections : [];
    container.appendChild(el('h3', { text: 'Changed sections (' + sections.length + ')' }));
    if (sections.length === 0) {
      container.appendChild(el('p', { className: 'muted', text: 'No section of the text changed.' }));
    } else {
      var list = el('ul', { className: 'sections', attrs: { id: 'changed-sections' } });
      sections.forEach(function (section) {
        var kind = ['added', 'removed', 'modified'].indexOf(section.change) >= 0 ? section.change : 'modified';
        list.appendChild(
          el('li', { attrs: { 'data-change': kind } }, [
            badge('section-' + kind, kind),
            el('span', { className: 'section-heading', text: section.heading }),
            el('span', {
              className: 'section-counts',
              text: '+' + (section.linesAdded || 0) + ' −' + (section.linesRemoved || 0),
            }),
          ]),
        );
      });
      container.appendChild(list);
    }

    var head = el('div', { className: 'diff-head' }, [
      el('h3', { text: 'Diff' }),
      el('div', { className: 'segmented', attrs: { role: 'group', 'aria-label': 'Diff layout' } }, [
        layoutButton('unified', 'Unified'),
        layoutButton('split', 'Side by side'),
      ]),
    ]);
    container.appendChild(head);
    var diff = typeof change.diff === 'string' ? change.diff : '';
    view.diffSource = diff === '' ? null : { diff: diff, wordChanges: change.wordChanges };
    if (diff === '') {
      container.appendChild(el('p', { className: 'muted', text: 'There is no diff to show.' }));
      return;
    }
    container.appendChild(el('div', { attrs: { id: 'diff-holder' } }));
    renderDiff();
  }

  function layoutButton(layout, label) {
    var button = el('button', {
      className: 'button button-small segment',
      text: label,
      attrs: { type: 'button', 'data-layout': layout, 'aria-pressed': String(view.layout === layout) },
    });
    button.addEventListener('click', function () {
      setLayout(layout);
    });
    return button;
  }

  function renderChange(report, entry) {
    var meta = $('change-meta');
    clear(meta);
    metaItem(meta, 'Notice', String(report.id));
    if (entry) metaItem(meta, 'Change', '#' + entry.change);
    metaItem(meta, 'Checked', formatTime(report.checkedAt));
    var kind = report.recurrence ? 'known-version' : report.substantive === false ? 'metadata-only' : 'new-wording';
    metaItem(meta, 'Kind', KIND_LABEL[kind]);
    // `alert` is set by the pipeline from the change's severity: a changed claim or section needs a
    // reviewer; rewording, metadata or a known version does not.
    if (typeof report.alert === 'boolean')
      metaItem(
        meta,
        'Attention',
        report.alert ? 'Needed: ' + (report.severity ? report.severity + ' severity' : 'new wording') : 'Not needed',
        report.alert ? 'error-text' : '',
      );
    metaItem(meta, 'Lines', '+' + (report.linesAdded || 0) + ' / −' + (report.linesRemoved || 0));
    metaItem(meta, 'Run', String(report.runId), 'mono');
    metaItem(meta, 'Report', String(report.report), 'mono');

    var container = $('change-body');
    clear(container);
    if (report.recurrence) {
      container.appendChild(
        el('p', {
          className: 'banner banner-warning',
          text:
            'This version was published before: first seen ' +
            formatTime(report.recurrence.firstSeen) +
            ', last seen ' +
            formatTime(report.recurrence.lastSeen) +
            '. The notice may be switching between versions.',
        }),
      );
    }
    renderClaimChanges(container, report);
    renderChangeBody(container, report);
  }

  // ------------------------------------------------ timeline

  function entryFor(reportName) {
    for (var i = 0; i < view.entries.length; i++) if (view.entries[i].report === reportName) return view.entries[i];
    return null;
  }

  function renderTimeline() {
    var list = $('timeline');
    clear(list);
    var history = view.history;
    var summary = $('timeline-summary');
    if (!history) {
      summary.textContent = '';
    } else if (history.changes === 0) {
      summary.textContent = 'No change recorded yet.';
    } else {
      summary.textContent =
        history.changes +
        (history.changes === 1 ? ' change, ' : ' changes, ') +
        history.pendingReview +
        ' waiting for review' +
        (history.reviewedThrough ? ' (reviewed through #' + history.reviewedThrough.change + ')' : '');
    }
    view.entries.forEach(function (entry) {
      var current = entry.report === view.reportName && view.mode === 'change';
      var kind = KIND_LABEL[entry.kind] ? entry.kind : 'new-wording';
      var button = el(
        'button',
        {
          className: 'timeline-entry' + (current ? ' is-current' : ''),
          attrs: {
            type: 'button',
            'data-report': entry.report,
            'data-change': entry.change,
            'aria-current': current ? 'true' : 'false',
          },
        },
        [
          el('span', { className: 'timeline-top' }, [
            el('span', { className: 'timeline-number', text: '#' + entry.change }),
            el('span', { className: 'timeline-time', text: formatTime(entry.checkedAt), title: entry.checkedAt }),
          ]),
          el('span', { className: 'timeline-kind' }, [
            badge('kind-' + kind, KIND_LABEL[kind]),
            el('span', {
              className: 'timeline-counts',
              text:
                '+' +
                (entry.linesAdded || 0) +
                ' −' +
                (entry.linesRemoved || 0) +
                ' · ' +
                entry.sectionCount +
                (entry.sectionCount === 1 ? ' section' : ' sections'),
            }),
          ]),
          el('span', { className: 'timeline-review' }, [
            reviewBadge(entry.review),
            entry.review && entry.review.latest
              ? el('span', { className: 'muted small', text: ' ' + entry.review.latest.reviewer })
              : null,
          ]),
        ],
      );
      button.addEventListener('click', function () {
        openReport(entry.report);
      });
      list.appendChild(el('li', {}, [button]));
    });
    show($('timeline-more'), !!view.next);
  }

  async function loadHistory(append) {
    var id = view.notice.id;
    var path = 'reports/notices/' + encodeURIComponent(id) + '?limit=' + HISTORY_PAGE;
    if (append && view.next) path += '&before=' + encodeURIComponent(view.next);
    var page = await fetchJson(path);
    if (!view.notice || view.notice.id !== id) return;
    view.history = page;
    view.entries = append ? view.entries.concat(page.entries || []) : page.entries || [];
    view.next = page.next || null;
    renderTimeline();
  }

  // ------------------------------------------------ reviews

  function renderReviewTrail(trail) {
    var list = $('review-trail');
    clear(list);
    var reviews = trail && Array.isArray(trail.reviews) ? trail.reviews : [];
    var latest = reviews[reviews.length - 1];
    $('review-state').textContent = latest
      ? (REVIEW_LABEL[latest.status] || latest.status) +
        ' by ' +
        latest.reviewer +
        ', ' +
        formatTime(latest.reviewedAt) +
        (trail.count > 1 ? ' · ' + trail.count + ' reviews' : '')
      : 'Not reviewed yet.';
    reviews.forEach(function (review) {
      list.appendChild(
        el('li', { attrs: { 'data-status': review.status } }, [
          el('div', { className: 'review-line' }, [
            reviewBadge({ latest: review }),
            el('span', { className: 'review-who', text: review.reviewer }),
            el('span', {
              className: 'muted small',
              text: formatTime(review.reviewedAt) + (review.identity === 'app-service' ? ' · signed in' : ''),
            }),
          ]),
          review.note ? el('p', { className: 'review-note', text: review.note }) : null,
        ]),
      );
    });
  }

  async function loadReviews(reportName) {
    var trail = await fetchJson('reviews/' + encodePath(reportName));
    if (view.reportName !== reportName) return;
    renderReviewTrail(trail);
  }

  async function submitReview(status) {
    var reportName = view.reviewTarget;
    if (!reportName) return;
    var result = $('review-result');
    var reviewer = $('reviewer-name').value.trim();
    if (reviewer === '') {
      result.className = 'review-result error-text';
      result.textContent = 'Say who you are in "Reviewer" first.';
      $('reviewer-name').focus();
      return;
    }
    try {
      window.localStorage.setItem(REVIEWER_KEY, reviewer);
    } catch {
      // Storage may be disabled; the name is then asked again next time.
    }
    var buttons = document.querySelectorAll('[data-review-status]');
    Array.prototype.forEach.call(buttons, function (button) {
      button.disabled = true;
    });
    result.className = 'review-result';
    result.textContent = 'Recording…';
    try {
      var recorded = await fetchJson('reviews', {
        report: reportName,
        status: status,
        note: $('review-note').value,
        reviewer: reviewer,
      });
      $('review-note').value = '';
      result.textContent =
        'Recorded: ' +
        (REVIEW_LABEL[recorded.review.status] || recorded.review.status) +
        '. ' +
        recorded.pendingReview +
        (recorded.pendingReview === 1 ? ' change' : ' changes') +
        ' of this notice waiting for review.';
      var reload = view.mode === 'since' ? openSinceReview(recorded) : loadReviews(reportName);
      await Promise.all([reload, loadHistory(false), refresh()]);
    } catch (error) {
      result.className = 'review-result error-text';
      result.textContent = 'Could not record the review: ' + error.message;
    } finally {
      Array.prototype.forEach.call(buttons, function (button) {
        button.disabled = false;
      });
    }
  }

  // ------------------------------------------------ opening things

  function setStatus(text, isError) {
    var status = $('change-status');
    status.className = 'change-status' + (isError ? ' error-text' : '');
    status.textContent = text;
  }

  async function openReport(reportName) {
    var request = ++openRequest;
    var name = String(reportName);
    view.mode = 'change';
    view.reportName = name;
    view.reviewTarget = name;
    renderTimeline();
    clear($('change-meta'));
    clear($('change-body'));
    show($('review-box'), false);
    if (!REPORT_NAME.test(name) || name.indexOf('..') >= 0) {
      setStatus('The change report name is not valid: ' + name, true);
      return;
    }
    setStatus('Loading the change report…', false);
    try {
      var report = await fetchJson('reports/' + encodePath(name));
      if (request !== openRequest) return; // The user opened another change meanwhile.
      var entry = entryFor(name);
      var last = view.notice && view.notice.lastChangeReport === name;
      $('change-heading').textContent =
        (last ? 'Last change of ' : entry ? 'Change #' + entry.change + ' of ' : 'Change of ') + view.notice.id;
      setStatus('', false);
      renderChange(report, entry);
      clear($('review-trail'));
      $('review-state').textContent = 'Loading the reviews…';
      $('review-result').textContent = '';
      show($('review-box'), report.status === 'changed');
      if (report.status === 'changed') await loadReviews(name);
    } catch (error) {
      if (request !== openRequest) return;
      setStatus('Could not load the change report: ' + error.message, true);
    }
  }

  /** `recorded`: a review just recorded from this view, whose confirmation stays on screen. */
  async function openSinceReview(recorded) {
    if (!view.notice) return;
    var request = ++openRequest;
    view.mode = 'since';
    view.reportName = null;
    view.reviewTarget = null;
    renderTimeline();
    clear($('change-meta'));
    clear($('change-body'));
    show($('review-box'), false);
    $('change-heading').textContent = 'Changes since the last review of ' + view.notice.id;
    setStatus('Comparing the last reviewed version with the newest…', false);
    try {
      var since = await fetchJson('reports/notices/' + encodeURIComponent(view.notice.id) + '/since-review');
      if (request !== openRequest) return;
      setStatus('', false);
      var meta = $('change-meta');
      metaItem(
        meta,
        'From',
        since.from.reviewed
          ? 'Change #' +
              since.from.change +
              ' (' +
              (REVIEW_LABEL[since.from.status] || since.from.status) +
              ' ' +
              formatTime(since.from.reviewedAt) +
              ')'
          : 'Before change #' + (since.from.change + 1) + ' (nothing reviewed yet)',
      );
      metaItem(meta, 'To', 'Change #' + since.to.change + ' (newest)');
      metaItem(meta, 'Changes in between', String(since.changes));
      metaItem(meta, 'Lines', '+' + (since.linesAdded || 0) + ' / −' + (since.linesRemoved || 0));
      // Reviewing the newest change from here clears it and everything before it.
      if (since.changes > 0 && since.to.report) {
        view.reviewTarget = since.to.report;
        clear($('review-trail'));
        $('review-state').textContent =
          'A review recorded here is a review of change #' +
          since.to.change +
          ', the newest: acknowledged or not material clears it and every change before it.';
        if (!recorded || !recorded.review) $('review-result').textContent = '';
        show($('review-box'), true);
      }
      var container = $('change-body');
      if (!since.differs) {
        container.appendChild(
          el('p', {
            className: 'banner banner-info',
            text:
              since.changes === 0
                ? 'Nothing has changed since the last review.'
                : 'The notice is back at the reviewed version: the changes since cancel out.',
          }),
        );
        return;
      }
      renderChangeBody(container, since);
    } catch (error) {
      if (request !== openRequest) return;
      setStatus('Could not compare with the last review: ' + error.message, true);
    }
  }

  /** Opens a notice: its timeline, and its last change (or the one asked for). */
  async function openNotice(notice, reportName) {
    var panel = $('change-panel');
    view.notice = notice;
    view.entries = [];
    view.next = null;
    view.history = null;
    view.reportName = null;
    $('change-heading').textContent = notice.id;
    clear($('timeline'));
    $('timeline-summary').textContent = 'Loading the history…';
    show(panel, true);
    panel.scrollIntoView({ behavior: 'smooth', block: 'start' });
    var target = reportName || notice.lastChangeReport;
    var opening = target ? openReport(target) : Promise.resolve();
    try {
      await loadHistory(false);
    } catch (error) {
      $('timeline-summary').textContent = 'Could not load the history: ' + error.message;
    }
    await opening;
  }

  function openChange(notice) {
    return openNotice(notice, notice.lastChangeReport);
  }

  /** Keyboard: j / k move to the older / newer change, u / s switch the diff layout, r opens "since the last review". */
  function onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    var tag = target && target.tagName ? target.tagName.toLowerCase() : '';
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || (target && target.isContentEditable)) return;
    if ($('change-panel').hidden || !view.notice) return;
    var key = event.key;
    if (key === 'j' || key === 'k') {
      if (view.entries.length === 0) return;
      var index = -1;
      for (var i = 0; i < view.entries.length; i++) if (view.entries[i].report === view.reportName) index = i;
      var next = index < 0 ? 0 : key === 'j' ? Math.min(view.entries.length - 1, index + 1) : Math.max(0, index - 1);
      event.preventDefault();
      openReport(view.entries[next].report).then(function () {
        var button = document.querySelector('.timeline-entry[aria-current="true"]');
        if (button) button.focus();
      });
    } else if (key === 'u' || key === 's') {
      event.preventDefault();
      setLayout(key === 'u' ? 'unified' : 'split');
    } else if (key === 'r') {
      event.preventDefault();
      openSinceReview();
    } else if (key === 'Escape') {
      openRequest += 1;
      show($('change-panel'), false);
    }
  }

  // ---------------------------------------------------------------- claims
  //
  // What a notice promises (from the report that holds its current claims: its baseline or last
  // change), how that changed, and which promises its linked endpoints were seen to keep. Only the
  // minimum TLS version can be checked from outside; the other claims are shown as unverifiable.

  var CLAIM_LABEL = {
    tlsMinimum: 'Minimum TLS',
    service: 'Service',
    encryption: 'Encryption',
    retention: 'Retention',
    contact: 'Contact',
  };
  var VERIFICATION_LABEL = { verified: 'Verified', broken: 'Broken', unverifiable: 'Unverifiable' };
  /** Endpoints of the last latest.json, for telling whether a notice's promises hold. */
  var claimEndpoints = [];
  var claimsRequest = 0;

  function claimsButton(notice) {
    if (!notice.claimsReport) return null;
    var button = el('button', {
      className: 'button button-small button-quiet',
      text: 'Claims',
      attrs: { type: 'button', 'aria-label': 'Claims of ' + notice.id },
    });
    button.addEventListener('click', function () {
      openClaims(notice);
    });
    return button;
  }

  /** Verified when every linked endpoint kept the TLS promise, broken when one did not, else unverifiable. */
  function tlsVerification(noticeId) {
    var checks = [];
    claimEndpoints.forEach(function (endpoint) {
      (Array.isArray(endpoint.promises) ? endpoint.promises : []).forEach(function (promise) {
        if (promise.notice === noticeId && promise.claim === 'tlsMinimum')
          checks.push({ endpoint: String(endpoint.id), holds: promise.holds });
      });
    });
    if (checks.length === 0)
      return { state: 'unverifiable', detail: 'No endpoint on the watchlist is linked to this notice.' };
    var broken = checks.filter(function (check) {
      return check.holds === false;
    });
    if (broken.length)
      return {
        state: 'broken',
        detail:
          'Not kept by ' +
          broken
            .map(function (check) {
              return check.endpoint;
            })
            .join(', ') +
          '.',
      };
    var unknown = checks.filter(function (check) {
      return check.holds !== true;
    });
    if (unknown.length)
      return { state: 'unverifiable', detail: 'The last check could not tell for ' + unknown.length + ' endpoint(s).' };
    return {
      state: 'verified',
      detail:
        'Kept by ' +
        checks
          .map(function (check) {
            return check.endpoint;
          })
          .join(', ') +
        '.',
    };
  }

  function evidenceCell(evidence) {
    var cell = el('td', { className: 'cell-evidence' });
    if (!evidence) return cell;
    cell.appendChild(el('div', { className: 'muted small', text: evidence.heading }));
    cell.appendChild(el('div', { className: 'evidence-text', text: evidence.text }));
    return cell;
  }

  function verificationCell(verification) {
    return el('td', { className: 'nowrap', title: verification.detail }, [
      badge('claim-' + verification.state, VERIFICATION_LABEL[verification.state]),
      el('div', { className: 'muted small', text: verification.detail }),
    ]);
  }

  function claimRows(noticeId, claims) {
    var outside = { state: 'unverifiable', detail: 'Not observable from outside the service.' };
    var rows = [];
    var add = function (kind, value, evidence, verification) {
      rows.push(
        el('tr', { attrs: { 'data-claim': kind } }, [
          el('td', { className: 'nowrap', text: CLAIM_LABEL[kind] }),
          el('td', { className: 'claim-value', text: value }),
          evidenceCell(evidence),
          verificationCell(verification),
        ]),
      );
    };
    if (claims.tlsMinimum)
      add('tlsMinimum', 'TLS ' + claims.tlsMinimum + ' or higher', claims.tlsEvidence, tlsVerification(noticeId));
    (Array.isArray(claims.encryption) ? claims.encryption : []).forEach(function (claim) {
      var keys = Array.isArray(claim.keys) && claim.keys.length ? ' (' + claim.keys.join(', ') + ' keys)' : '';
      add('encryption', String(claim.scope) + keys, claim.evidence, outside);
    });
    (Array.isArray(claims.services) ? claims.services : []).forEach(function (service) {
      var receives =
        Array.isArray(service.receives) && service.receives.length ? service.receives.join(', ') : 'not stated';
      var why =
        Array.isArray(service.purposes) && service.purposes.length ? '; why: ' + service.purposes.join('; ') : '';
      add('service', String(service.name) + ' (receives: ' + receives + why + ')', service.evidence, outside);
    });
    (Array.isArray(claims.retention) ? claims.retention : []).forEach(function (claim) {
      add('retention', String(claim.period), claim.evidence, outside);
    });
    (Array.isArray(claims.contacts) ? claims.contacts : []).forEach(function (claim) {
      add('contact', String(claim.address), claim.evidence, outside);
    });
    return rows;
  }

  /** The claims that changed in a change report, with its severity; nothing for reports written before claims. */
  function renderClaimChanges(container, report) {
    if (!Array.isArray(report.claimChanges)) return;
    var heading = 'Claim changes (' + report.claimChanges.length + ')';
    container.appendChild(
      el('h3', {}, [
        el('span', { text: heading + ' ' }),
        report.severity ? badge('severity-' + String(report.severity), String(report.severity) + ' severity') : null,
      ]),
    );
    if (report.claimChanges.length === 0) {
      container.appendChild(el('p', { className: 'muted', text: 'No claim changed: the wording did.' }));
      return;
    }
    var list = el('ul', { className: 'sections claim-changes', attrs: { id: 'claim-changes' } });
    report.claimChanges.forEach(function (change) {
      var kind = ['added', 'removed', 'changed'].indexOf(change.change) >= 0 ? change.change : 'changed';
      var text =
        kind === 'added'
          ? String(change.after)
          : kind === 'removed'
            ? String(change.before)
            : String(change.before) + ' → ' + String(change.after);
      list.appendChild(
        el('li', { attrs: { 'data-change': kind, 'data-claim': String(change.claim) } }, [
          badge('section-' + (kind === 'changed' ? 'modified' : kind), kind),
          el('span', { className: 'section-heading' }, [
            el('strong', { text: (CLAIM_LABEL[change.claim] || String(change.claim)) + ': ' }),
            el('span', { text: text }),
            change.evidence
              ? el('div', {
                  className: 'muted small',
                  text: change.evidence.heading + ' — “' + change.evidence.text + '”',
                })
              : null,
          ]),
        ]),
      );
    });
    container.appendChild(list);
  }

  function renderClaims(notice, report) {
    var container = $('claims-body');
    clear(container);
    if (!report.claims || typeof report.claims !== 'object') {
      container.appendChild(
        el('p', { className: 'muted', text: 'This report was written before noticewatch extracted claims.' }),
      );
      return;
    }
    var rows = claimRows(String(notice.id), report.claims);
    container.appendChild(
      el('p', {
        className: 'muted',
        text:
          'From the report of ' +
          formatTime(report.checkedAt) +
          (report.claims.truncated ? ' (text cut at the scanning bound).' : '.'),
      }),
    );
    if (rows.length === 0) {
      container.appendChild(el('p', { className: 'muted', text: 'No claims found in this notice.' }));
    } else {
      var body = el('tbody');
      rows.forEach(function (row) {
        body.appendChild(row);
      });
      container.appendChild(
        el('table', { className: 'table table-compact', attrs: { id: 'claims-table' } }, [
          el('thead', {}, [
            el('tr', {}, [
              el('th', { text: 'Kind' }),
              el('th', { text: 'Claim' }),
              el('th', { text: 'Where the notice says it' }),
              el('th', { text: 'Verification' }),
            ]),
          ]),
          body,
        ]),
      );
    }
    renderClaimChanges(container, report);
  }

  async function openClaims(notice) {
    var panel = $('claims-panel');
    var status = $('claims-status');
    var request = ++claimsRequest;
    $('claims-heading').textContent = 'Claims of ' + notice.id;
    clear($('claims-body'));
    status.className = 'change-status';
    status.textContent = 'Loading the claims…';
    show(panel, true);
    panel.scrollIntoView({ behavior: 'smooth', block: 'start' });
    var name = String(notice.claimsReport);
    if (!REPORT_NAME.test(name) || name.indexOf('..') >= 0) {
      status.className = 'change-status error-text';
      status.textContent = 'The claims report name in latest.json is not valid: ' + name;
      return;
    }
    try {
      var report = await fetchJson('reports/' + name.split('/').map(encodeURIComponent).join('/'));
      if (request !== claimsRequest) return;
      status.textContent = '';
      renderClaims(notice, report);
    } catch (error) {
      if (request !== claimsRequest) return;
      status.className = 'change-status error-text';
      status.textContent = 'Could not load the claims: ' + error.message;
    }
  }

  // ---------------------------------------------------------------- page

  function renderLatest(latest) {
    var notices = values(latest.notices);
    var endpoints = values(latest.endpoints);
    var empty = notices.length === 0 && endpoints.length === 0;

    var warning = $('schema-warning');
    warning.textContent =
      latest.schemaVersion === SCHEMA_VERSION
        ? ''
        : 'These reports use schema version ' +
          latest.schemaVersion +
          '; this dashboard was built for version ' +
          SCHEMA_VERSION +
          '. Some details may be missing.';
    show(warning, latest.schemaVersion !== SCHEMA_VERSION);

    $('updated-at').textContent = empty ? 'never' : formatTime(latest.updatedAt);
    $('updated-at').title = latest.updatedAt || '';
    $('count-notices').textContent = String(notices.length);
    $('count-changed').textContent = String(
      notices.filter(function (n) {
        return n.status === 'changed';
      }).length,
    );
    $('count-held').textContent = String(notices.filter(hasHeldBody).length);
    $('count-pending').textContent = String(
      notices.reduce(function (sum, n) {
        return sum + (Number(n.pendingReview) || 0);
      }, 0),
    );
    $('count-errors').textContent = String(
      notices.filter(function (n) {
        return n.status === 'error' && !isHeld(n);
      }).length,
    );
    $('count-endpoints').textContent = String(endpoints.length);
    $('count-noncompliant').textContent = String(
      endpoints.filter(function (e) {
        return !e.compliant;
      }).length,
    );

    show($('summary'), !empty);
    show($('empty-state'), empty);
    show($('notices-panel'), !empty);
    show($('endpoints-panel'), !empty);
    claimEndpoints = endpoints;
    renderNotices(notices);
    renderEndpoints(endpoints);
  }

  async function refresh() {
    var button = $('refresh');
    button.disabled = true;
    button.textContent = 'Refreshing…';
    try {
      var latest = await fetchJson('reports/latest');
      show($('error-state'), false);
      renderLatest(latest);
      document.body.setAttribute('data-state', 'loaded');
    } catch (error) {
      $('error-message').textContent = ' ' + error.message;
      show($('error-state'), true);
      // Stale tables would look current; hide them and say so instead.
      ['summary', 'notices-panel', 'endpoints-panel', 'empty-state', 'change-panel', 'claims-panel'].forEach(
        function (id) {
          show($(id), false);
        },
      );
      $('updated-at').textContent = 'unavailable';
      document.body.setAttribute('data-state', 'error');
    } finally {
      show($('loading'), false);
      button.disabled = false;
      button.textContent = 'Refresh';
    }
  }

  /**
   * Alerts and feed entries link to `#change=<report name>`: open that change once the page has loaded.
   * The name is checked like any other before it is asked for.
   */
  function openLinkedChange() {
    var hash = window.location.hash;
    if (hash.indexOf('#change=') !== 0) return;
    var name;
    try {
      name = decodeURIComponent(hash.slice('#change='.length));
    } catch {
      return;
    }
    var parts = name.split('/');
    if (parts[0] !== 'drift' || parts.length !== 6) return;
    openChange({ id: parts[4], lastChangeReport: name, linked: true });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('refresh').addEventListener('click', refresh);
    $('change-close').addEventListener('click', function () {
      openRequest += 1;
      show($('change-panel'), false);
    });
    $('claims-close').addEventListener('click', function () {
      claimsRequest += 1;
      show($('claims-panel'), false);
    });
    $('since-review').addEventListener('click', function () {
      openSinceReview();
    });
    $('timeline-more').addEventListener('click', function () {
      loadHistory(true).catch(function (error) {
        $('timeline-summary').textContent = 'Could not load older changes: ' + error.message;
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-review-status]'), function (button) {
      button.addEventListener('click', function () {
        submitReview(button.getAttribute('data-review-status'));
      });
    });
    try {
      $('reviewer-name').value = window.localStorage.getItem(REVIEWER_KEY) || '';
    } catch {
      // Storage may be disabled: the reviewer types their name.
    }
    document.addEventListener('keydown', onKey);
    refresh().then(openLinkedChange);
  });
})();
