import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { BEGIN_MARKER, END_MARKER, readmePath, renderCodeTables } from '../../scripts/code-tables';
import {
  httpStatusOf,
  PROBLEM_CODES,
  type ProblemCode,
  RENAMED_PROBLEM_CODES,
} from '../../shared/common/problem-codes';
import { packageRoot } from '../../shared/config/settings';
import { FINDING_IDS } from '../../shared/tls/finding-ids';

const CATALOGUES = new Set(['shared/common/problem-codes.ts', 'shared/tls/finding-ids.ts']);

/** Every TypeScript source that can produce a code, catalogues excluded. */
function sourceText(): string {
  const root = packageRoot();
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !CATALOGUES.has(path)) texts.push(readFileSync(join(root, path), 'utf8'));
    }
  };
  for (const dir of ['shared', 'functions', 'cli', 'bench']) walk(dir);
  return texts.join('\n');
}

describe('the problem code and finding id catalogues', () => {
  it('are what the README tables say, so the documented contract cannot drift (npm run docs:codes)', () => {
    const readme = readFileSync(readmePath(), 'utf8');
    const begin = readme.indexOf(BEGIN_MARKER);
    const end = readme.indexOf(END_MARKER);
    expect(begin, 'README.md has the code-table markers').toBeGreaterThanOrEqual(0);
    expect(readme.slice(begin + BEGIN_MARKER.length, end).trim()).toBe(renderCodeTables().trim());
  });

  it('list only codes and ids the code can really produce', () => {
    const text = sourceText();
    const unused = [...Object.keys(PROBLEM_CODES), ...Object.keys(FINDING_IDS)].filter(
      (code) => !text.includes(`'${code}'`),
    );
    expect(unused).toEqual([]);
  });

  it('give every problem an HTTP error status and every code one UPPER_SNAKE name', () => {
    for (const code of Object.keys(PROBLEM_CODES) as ProblemCode[]) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
      expect(httpStatusOf(code)).toBeLessThan(600);
    }
    for (const [before, after] of Object.entries(RENAMED_PROBLEM_CODES)) {
      expect(PROBLEM_CODES).not.toHaveProperty(before);
      expect(PROBLEM_CODES).toHaveProperty(after);
    }
  });

  it('name things one way: X_INVALID, X_NOT_FOUND and X_UNREADABLE', () => {
    const codes = Object.keys(PROBLEM_CODES);
    expect(codes.filter((code) => /^INVALID_|_INVALID_|_MISSING$|^NOT_FOUND$|_NOT_READABLE$/.test(code))).toEqual([]);
  });
});
