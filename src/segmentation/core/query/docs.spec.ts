import { readFileSync } from 'fs';
import { join } from 'path';
import { CONSENT_STATES } from '../../../store/store-records';
import { RFM_GROUP_KEYS } from '../rfm-groups';
import { SEGMENT_ATTRIBUTES, SEGMENT_ATTRIBUTE_NAMES, SUBSCRIPTION_STATUSES } from './attributes';
import { SegmentQueryError } from './errors';
import { parseSegmentQuery } from './parser';

/** The fenced blocks of GRAMMAR.md with the given language, as lists of lines. */
function blocks(language: string): string[][] {
  const text = readFileSync(join(__dirname, 'GRAMMAR.md'), 'utf8');
  const pattern = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...text.matchAll(pattern)].map((match) => match[1].split('\n').filter((line) => line.trim() !== ''));
}

describe('GRAMMAR.md', () => {
  it('has examples that all parse', () => {
    const examples = blocks('segment-query').flat();
    expect(examples.length).toBeGreaterThanOrEqual(10);
    for (const example of examples) expect(() => parseSegmentQuery(example)).not.toThrow();
  });

  it('shows error examples with the exact messages', () => {
    const lines = blocks('segment-query-error').flat();
    expect(lines.length % 2).toBe(0);
    expect(lines.length).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < lines.length; i += 2) {
      const failure = (() => {
        try {
          parseSegmentQuery(lines[i]);
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(failure).toBeInstanceOf(SegmentQueryError);
      expect((failure as SegmentQueryError).message).toBe(lines[i + 1]);
    }
  });

  it('lists every attribute in its table', () => {
    const text = readFileSync(join(__dirname, 'GRAMMAR.md'), 'utf8');
    for (const name of SEGMENT_ATTRIBUTE_NAMES) expect(text).toContain(`\`${name}\``);
  });
});

describe('attribute values', () => {
  it('are the project lists: RFM group keys and consent states', () => {
    expect(SEGMENT_ATTRIBUTES.rfm_group.values).toEqual(RFM_GROUP_KEYS);
    expect(SUBSCRIPTION_STATUSES).toEqual(CONSENT_STATES);
  });
});
