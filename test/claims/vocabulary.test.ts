import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';

import schema from '../../content/schemas/claims-vocabulary.schema.json';
import { invalidPhrase } from '../../shared/claims/phrase-matcher';

const DIR = join(__dirname, '../../content/claims');
const files = readdirSync(DIR).filter((name) => name.endsWith('.json'));

function phrasesOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((item) => phrasesOf(item, out));
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      if (key === '$schema' || key === 'description' || key === 'language' || key === 'name') continue;
      if (key === 'numbers') phrasesOf(Object.keys(item as object), out);
      else phrasesOf(item, out);
    }
  return out;
}

describe('the shipped claims vocabulary', () => {
  it('is one file per concern, all listed', () => {
    expect(files.sort()).toEqual(['phrases-de.json', 'phrases-en.json', 'phrases-fr.json', 'services.json']);
  });

  it.each(files)('%s follows claims-vocabulary.schema.json and the phrase rules', (name) => {
    const content: unknown = JSON.parse(readFileSync(join(DIR, name), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(content), JSON.stringify(validate.errors)).toBe(true);
    expect(phrasesOf(content).map(invalidPhrase).filter(Boolean)).toEqual([]);
  });

  it('names every service once', () => {
    const services = (JSON.parse(readFileSync(join(DIR, 'services.json'), 'utf8')) as { services: { name: string }[] })
      .services;
    const names = services.map((service) => service.name.toLowerCase());
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });
});
