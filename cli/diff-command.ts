import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

import { fail, ok, type Result } from '../shared/common/result';
import { analyseChange } from '../shared/diff';
import { buildSnapshotDocument, parseNotice, type SnapshotDocument } from '../shared/notices';
import { reportProblem } from './cli-context';
import { describeChangedParts } from './cli-output';

/** Local files are read as published notices: HTML by extension, else markdown. Includes are left as written. */
async function readLocalNotice(path: string): Promise<Result<SnapshotDocument>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return fail('FILE_UNREADABLE', `Cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  const format = ['.html', '.htm'].includes(extname(path).toLowerCase()) ? 'html' : 'markdown';
  // No selector: the same default region the watcher uses (main, article, [role=main], body).
  const parsed = parseNotice(text, format, undefined, path);
  if (!parsed.ok) return parsed;
  return ok(buildSnapshotDocument(parsed.value.frontMatterText, parsed.value.metadata, parsed.value.body));
}

/** `noticewatch diff OLD NEW`: the change report for two local files, no storage involved. */
export async function runDiffCommand(oldPath: string, newPath: string, json: boolean): Promise<number> {
  const [previous, current] = await Promise.all([readLocalNotice(oldPath), readLocalNotice(newPath)]);
  if (!previous.ok) return reportProblem(previous.problem, json);
  if (!current.ok) return reportProblem(current.problem, json);
  const changed = previous.value.text !== current.value.text;
  const analysis = analyseChange(previous.value, current.value, { previousLabel: oldPath, currentLabel: newPath });
  const report = {
    previous: oldPath,
    current: newPath,
    status: changed ? 'changed' : 'unchanged',
    ...(changed ? { substantive: analysis.substantive, diff: analysis.diff } : {}),
    metadataChanges: analysis.metadataChanges,
    sections: analysis.sections,
    wordChanges: analysis.wordChanges,
    linesAdded: analysis.linesAdded,
    linesRemoved: analysis.linesRemoved,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (!changed) {
    process.stdout.write('No change after normalising.\n');
  } else {
    const lines = [
      `${analysis.substantive ? 'Text changed' : 'Metadata only'}: +${analysis.linesAdded}/-${analysis.linesRemoved} lines`,
      ...describeChangedParts(analysis),
      '',
      analysis.diff.trimEnd(),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return changed ? 1 : 0;
}
