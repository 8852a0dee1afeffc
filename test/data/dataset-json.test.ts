import { describe, expect, it } from 'vitest';
import { DATASET_FORMAT, datasetFromJson, datasetToJson, parseCsvDataset } from '../../src/data/dataset-json.js';
import { makeDataset } from '../../src/data/generate.js';
import { parseDataParams } from '../../src/data/params.js';
import { InputError } from '../../src/errors.js';

const base = () => ({
  format: DATASET_FORMAT,
  d: 2,
  n: 3,
  x: [
    [1, 2],
    [3, 4],
    [5, 6],
  ],
  y: [1, 2, 3] as unknown[],
});

/** Each bad input must throw an InputError whose message is one line and matches `re`. */
function bad(value: unknown, re: RegExp): void {
  let err: unknown;
  try {
    datasetFromJson(value, 'D.json');
  } catch (e) {
    err = e;
  }
  expect(err, `expected an InputError matching ${re}`).toBeInstanceOf(InputError);
  const msg = (err as Error).message;
  expect(msg).toMatch(re);
  expect(msg).not.toContain('\n');
}

describe('data set file format', () => {
  it('round-trips a generated data set bit for bit, target and seed included', () => {
    const D = makeDataset(
      parseDataParams({
        d: '6',
        n: '20',
        r: '2',
        links: 'relu+hermite:0,1,0.5',
        noise: '0.1',
        seed: '9',
        input: 'anisotropic:pow=0.5',
      }),
    );
    const back = datasetFromJson(JSON.parse(JSON.stringify(datasetToJson(D))));
    expect(back.d).toBe(6);
    expect(back.n).toBe(20);
    expect([...back.X]).toEqual([...D.X]);
    expect([...back.y]).toEqual([...D.y]);
    expect(back.target).toEqual(D.target);
    expect(back.seed).toBe(9);
  });

  it('imported data have no target', () => {
    const D = datasetFromJson(base());
    expect(D.target).toBeUndefined();
    expect(D.seed).toBeUndefined();
    expect([...D.X]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects each malformed case with a one-line message naming the problem', () => {
    bad([1, 2], /expected a JSON object/);
    bad({ ...base(), format: 'flatlab.model/1' }, /wrong format "flatlab.model\/1" \(expected "flatlab.dataset\/1"\)/);
    bad({ ...base(), format: undefined }, /wrong format/);
    bad({ ...base(), n: 4 }, /"x" has 3 rows but n = 4/);
    bad({ ...base(), x: [[1, 2], [3], [5, 6]] }, /x\[1\] has 1 entries but d = 2/);
    bad({ ...base(), y: [1, 2] }, /"y" has 2 values but n = 3/);
    bad(
      {
        ...base(),
        x: [
          [1, 2],
          [3, 'NaN'],
          [5, 6],
        ],
      },
      /x\[1\]\[1\] is not a finite number \(got "NaN"\)/,
    );
    bad(
      {
        ...base(),
        x: [
          [1, 2],
          [3, null],
          [5, 6],
        ],
      },
      /x\[1\]\[1\] is not a finite number \(got null\)/,
    );
    bad(
      {
        ...base(),
        x: [
          [1, 2],
          [3, Number.NaN],
          [5, 6],
        ],
      },
      /x\[1\]\[1\] is not a finite number \(got NaN\)/,
    );
    bad({ ...base(), y: [1, '2', 3] }, /y\[1\] is not a finite number/);
    bad({ ...base(), n: 0 }, /"n" must be a positive integer \(got 0\)/);
    bad({ ...base(), d: -2 }, /"d" must be a positive integer \(got -2\)/);
    bad({ ...base(), n: 2.5 }, /"n" must be a positive integer/);
    bad({ ...base(), x: 'abc' }, /"x" must be a list/);
  });

  it('validates the target: unknown link, unknown input law, shapes', () => {
    const D = makeDataset(parseDataParams({ d: '2', n: '3', r: '1', seed: '1' }));
    const j = JSON.parse(JSON.stringify(datasetToJson(D)));
    bad({ ...j, target: { ...j.target, links: [{ name: 'softsign' }] } }, /target.links\[0\]: unknown link "softsign"/);
    bad({ ...j, target: { ...j.target, input: { law: 'cauchy' } } }, /unknown input law "cauchy"/);
    bad({ ...j, target: { ...j.target, kind: 'multi', link: 'min' } }, /unknown multi-index link "min"/);
    bad({ ...j, target: { ...j.target, U: [[1, 1]] } }, /U rows must be orthonormal/);
    bad({ ...j, target: { ...j.target, U: [[1]] } }, /target.U\[0\] must have d = 2 entries/);
    bad({ ...j, target: { ...j.target, noise: -1 } }, /target.noise must be a finite number ≥ 0/);
    bad({ ...j, target: { ...j.target, coeffs: [1, 2] } }, /target.coeffs must be a list of r = 1/);
    bad({ ...j, seed: -4 }, /"seed" must be a non-negative integer/);
  });
});

describe('CSV import', () => {
  it('reads feature columns then y, with or without a header, comma/semicolon/tab separated', () => {
    for (const text of [
      'x1,x2,y\n1,2,3\n4,5,6\n',
      '1,2,3\n4,5,6',
      '# comment\n\n1;2;3\n4;5;6\n',
      'a\tb\ty\n1\t2\t3\r\n4\t5\t6\r\n',
    ]) {
      const D = parseCsvDataset(text);
      expect(D.d).toBe(2);
      expect(D.n).toBe(2);
      expect([...D.X]).toEqual([1, 2, 4, 5]);
      expect([...D.y]).toEqual([3, 6]);
      expect(D.target).toBeUndefined();
    }
  });
  it('names ragged rows and non-numbers by line and column', () => {
    expect(() => parseCsvDataset('1,2,3\n4,5\n')).toThrow(/line 2 has 2 columns, expected 3 \(ragged rows\)/);
    expect(() => parseCsvDataset('x,y\n1,2\n3,abc\n')).toThrow(/line 3, column 2: "abc" is not a finite number/);
    expect(() => parseCsvDataset('1,2\n3,NaN\n')).toThrow(/line 2, column 2: "NaN" is not a finite number/);
    expect(() => parseCsvDataset('1,NaN,3\n4,5,6\n')).toThrow(/line 1, column 2: "NaN" is not a finite number/);
    expect(() => parseCsvDataset('1,,3\n4,5,6\n')).toThrow(/line 1, column 2: "" is not a finite number/);
    expect(() => parseCsvDataset('x,y\n')).toThrow(/no data rows/);
    expect(() => parseCsvDataset('1\n2\n')).toThrow(/at least 2 columns/);
  });
});
