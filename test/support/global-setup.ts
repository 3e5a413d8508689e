import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates the tally file the test workers append to, and prints the reliability figures at the end. */
export default function setup(): () => void {
  const path = join(tmpdir(), `noticewatch-tally-${process.pid}-${Date.now()}.jsonl`);
  process.env.NOTICEWATCH_TALLY_FILE = path;
  return () => {
    if (!existsSync(path)) return;
    const entries = readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { kind: string; name: string });
    rmSync(path, { force: true });
    const count = (kind: string) =>
      new Set(entries.filter((entry) => entry.kind === kind).map((entry) => entry.name)).size;
    process.stdout.write(
      `\nreliability: ${count('fault')} faults survived, ${count('hostile')} hostile inputs tried, ${count('property')} properties checked; nothing lost (every scenario asserts it)\n`,
    );
  };
}
