// noticewatch dashboard: reads /api/reports/latest and renders it.
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
  var REPORT_NAME = /^(drift|runs|tls)\/[A-Za-z0-9._\/@-]+\.json$/;
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
    } catch (error) {
      return null;
    }
  }

  async function fetchJson(path) {
    var controller = new AbortController();
    var timer = setTimeout(function () {
      controller.abort();
    }, FETCH_TIMEOUT_MS);
    var response;
    try {
      response = await fetch(apiUrl(path), {
        headers: { Accept: 'application/json' },
        cache: 'no-store',
        credentials: 'same-origin',
        signal: controller.signal,
      });
    } catch (error) {
      throw new Error(
        error && error.name === 'AbortError'
          ? 'the reports API did not answer in time.'
          : 'the reports API could not be reached.',
      );
    } finally {
      clearTimeout(timer);
    }
    var body = null;
    try {
      body = await response.json();
    } catch (error) {
      // A proxy or the host may answer with HTML; the status is what matters then.
      body = null;
    }
    if (!response.ok) {
      var detail = body && body.error && typeof body.error.message === 'string' ? body.error.message : '';
      throw new Error('HTTP ' + response.status + (detail ? ': ' + detail : ''));
    }
    if (body === null || typeof body !== 'object')
      throw new Error('the reports API answered with something that is not JSON.');
    return body;
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
  function isHeld(notice) {
    return !!(notice.heldForReview && notice.error && notice.error.code === 'SUSPECT_BODY');
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

    var row = el('tr', { attrs: { 'data-notice-id': notice.id, 'data-status': status } }, [
      idCell,
      el('td', {}, [badge(status, STATUS_LABEL[status])]),
      timeCell(notice.checkedAt),
      timeCell(notice.lastChangedAt),
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

  // ---------------------------------------------------------------- one change

  var openRequest = 0;

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

  function diffLineClass(line) {
    if (line.indexOf('+++') === 0 || line.indexOf('---') === 0) return 'diff-file';
    if (line.indexOf('@@') === 0) return 'diff-hunk';
    if (line.charAt(0) === '+') return 'diff-add';
    if (line.charAt(0) === '-') return 'diff-del';
    if (line.charAt(0) === '\\') return 'diff-note';
    return 'diff-context';
  }

  function renderChange(notice, report) {
    var meta = $('change-meta');
    clear(meta);
    metaItem(meta, 'Notice', String(report.id));
    metaItem(meta, 'Checked', formatTime(report.checkedAt));
    metaItem(meta, 'Kind', report.substantive === false ? 'Metadata only' : 'Text changed');
    // `alert` is set by the pipeline: new wording needs a reviewer; metadata or a known version does not.
    if (typeof report.alert === 'boolean')
      metaItem(meta, 'Review', report.alert ? 'Needed: new wording' : 'Not needed', report.alert ? 'error-text' : '');
    metaItem(meta, 'Lines', '+' + (report.linesAdded || 0) + ' / −' + (report.linesRemoved || 0));
    metaItem(meta, 'Run', String(report.runId), 'mono');
    metaItem(meta, 'Report', notice.lastChangeReport, 'mono');

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

    var metadataChanges = Array.isArray(report.metadataChanges) ? report.metadataChanges : [];
    container.appendChild(el('h3', { text: 'Metadata changes (' + metadataChanges.length + ')' }));
    if (metadataChanges.length === 0) {
      container.appendChild(el('p', { className: 'muted', text: 'No front matter changed.' }));
    } else {
      var metaBody = el('tbody');
      metadataChanges.forEach(function (change) {
        metaBody.appendChild(
          el('tr', {}, [
            el('td', { className: 'mono', text: change.key }),
            el('td', { className: 'mono value-before', text: renderValue(change.before) }),
            el('td', { className: 'mono value-after', text: renderValue(change.after) }),
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

    var sections = Array.isArray(report.sections) ? report.sections : [];
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

    container.appendChild(el('h3', { text: 'Unified diff' }));
    var diff = typeof report.diff === 'string' ? report.diff : '';
    if (diff === '') {
      container.appendChild(el('p', { className: 'muted', text: 'This report has no diff.' }));
      return;
    }
    var lines = diff.replace(/\n$/, '').split('\n');
    var pre = el('pre', { className: 'diff', attrs: { id: 'diff', 'aria-label': 'Unified diff' } });
    lines.slice(0, MAX_DIFF_LINES).forEach(function (line) {
      pre.appendChild(el('span', { className: 'diff-line ' + diffLineClass(line), text: line === '' ? ' ' : line }));
    });
    container.appendChild(pre);
    if (lines.length > MAX_DIFF_LINES) {
      container.appendChild(
        el('p', {
          className: 'muted',
          text:
            'Showing the first ' +
            MAX_DIFF_LINES +
            ' of ' +
            lines.length +
            ' diff lines; the full diff is in the report.',
        }),
      );
    }
  }

  async function openChange(notice) {
    var panel = $('change-panel');
    var status = $('change-status');
    var request = ++openRequest;
    $('change-heading').textContent = 'Last change of ' + notice.id;
    clear($('change-meta'));
    clear($('change-body'));
    status.className = 'change-status';
    status.textContent = 'Loading the change report…';
    show(panel, true);
    panel.scrollIntoView({ behavior: 'smooth', block: 'start' });

    var name = String(notice.lastChangeReport);
    if (!REPORT_NAME.test(name) || name.indexOf('..') >= 0) {
      status.className = 'change-status error-text';
      status.textContent = 'The change report name in latest.json is not valid: ' + name;
      return;
    }
    try {
      var report = await fetchJson('reports/' + name.split('/').map(encodeURIComponent).join('/'));
      if (request !== openRequest) return; // The user opened another notice meanwhile.
      status.textContent = '';
      renderChange(notice, report);
    } catch (error) {
      if (request !== openRequest) return;
      status.className = 'change-status error-text';
      status.textContent = 'Could not load the change report: ' + error.message;
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
    $('count-held').textContent = String(notices.filter(isHeld).length);
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
      ['summary', 'notices-panel', 'endpoints-panel', 'empty-state', 'change-panel'].forEach(function (id) {
        show($(id), false);
      });
      $('updated-at').textContent = 'unavailable';
      document.body.setAttribute('data-state', 'error');
    } finally {
      show($('loading'), false);
      button.disabled = false;
      button.textContent = 'Refresh';
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('refresh').addEventListener('click', refresh);
    $('change-close').addEventListener('click', function () {
      openRequest += 1;
      show($('change-panel'), false);
    });
    refresh();
  });
})();
