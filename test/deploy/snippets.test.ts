// Env snippets: exact text per format, and that a shell and a YAML parser read back the exact key.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseKey, formatKey } from '../../src/crypto/key.js';
import {
  dockerSnippet,
  dotenvSnippet,
  kubernetesSnippet,
  renderSnippet,
  shellQuote,
  shellSnippet,
  SNIPPET_FORMATS,
  yamlQuote,
} from '../../src/deploy/index.js';

const OLD = parseKey('kek-v1:8B3uCQ4Znx45hl5nB+PKVriRrj/KtEVM+wBZ2VGa9vY=', 'test');
const NEW = parseKey(`kek-v2:${Buffer.alloc(32, 0xfb).toString('base64')}`, 'test');
const BOTH = { primary: NEW, previous: OLD };
const FINAL = { primary: NEW };
const NEW_TEXT = formatKey(NEW);
const OLD_TEXT = formatKey(OLD);

const hasPythonYaml = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;

function parseYaml(text: string): unknown {
  const out = execFileSync(
    'python3',
    ['-c', 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin.read())))'],
    {
      input: text,
      encoding: 'utf8',
    },
  );
  return JSON.parse(out);
}

describe('dotenv', () => {
  it('writes both keys unquoted, so docker --env-file reads them unchanged', () => {
    expect(dotenvSnippet(BOTH)).toBe(
      [
        '# primary kek-v2, previous kek-v1 (decrypt only)',
        `SECRETS_ENCRYPTION_KEY=${NEW_TEXT}`,
        `SECRETS_ENCRYPTION_KEY_PREVIOUS=${OLD_TEXT}`,
        '',
      ].join('\n'),
    );
  });
  it('final configuration says to remove the previous key', () => {
    expect(dotenvSnippet(FINAL)).toBe(
      [
        '# primary kek-v2, no previous key',
        `SECRETS_ENCRYPTION_KEY=${NEW_TEXT}`,
        '# remove any SECRETS_ENCRYPTION_KEY_PREVIOUS= line:',
        '# the old key must no longer be configured',
        '',
      ].join('\n'),
    );
  });
});

describe('shell', () => {
  it('exports single-quoted values and unsets the previous key in the final configuration', () => {
    expect(shellSnippet(BOTH)).toContain(`export SECRETS_ENCRYPTION_KEY='${NEW_TEXT}'\n`);
    expect(shellSnippet(BOTH)).toContain(`export SECRETS_ENCRYPTION_KEY_PREVIOUS='${OLD_TEXT}'\n`);
    expect(shellSnippet(FINAL)).toBe(
      [
        '# primary kek-v2, no previous key',
        `export SECRETS_ENCRYPTION_KEY='${NEW_TEXT}'`,
        'unset SECRETS_ENCRYPTION_KEY_PREVIOUS',
        '',
      ].join('\n'),
    );
  });
  it('a POSIX shell reads back exactly the key, and the final snippet clears the old one', () => {
    const script = `SECRETS_ENCRYPTION_KEY_PREVIOUS=stale\n${shellSnippet(FINAL)}printf '%s|%s' "$SECRETS_ENCRYPTION_KEY" "\${SECRETS_ENCRYPTION_KEY_PREVIOUS-unset}"`;
    expect(execFileSync('sh', ['-c', script], { encoding: 'utf8' })).toBe(`${NEW_TEXT}|unset`);
    const both = `${shellSnippet(BOTH)}printf '%s|%s' "$SECRETS_ENCRYPTION_KEY" "$SECRETS_ENCRYPTION_KEY_PREVIOUS"`;
    expect(execFileSync('sh', ['-c', both], { encoding: 'utf8' })).toBe(`${NEW_TEXT}|${OLD_TEXT}`);
  });
  it('shellQuote keeps quotes, $ and backticks literal', () => {
    const nasty = `it's $HOME \`id\` "x"`;
    expect(shellQuote(nasty)).toBe(`'it'\\''s $HOME \`id\` "x"'`);
    expect(execFileSync('sh', ['-c', `printf '%s' ${shellQuote(nasty)}`], { encoding: 'utf8' })).toBe(nasty);
  });
});

describe('kubernetes Secret', () => {
  it('stringData holds the values as the application reads them', () => {
    expect(kubernetesSnippet(BOTH)).toBe(
      [
        '# primary kek-v2, previous kek-v1 (decrypt only)',
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        "  name: 'everruns-encryption-keys'",
        'type: Opaque',
        'stringData:',
        `  SECRETS_ENCRYPTION_KEY: '${NEW_TEXT}'`,
        `  SECRETS_ENCRYPTION_KEY_PREVIOUS: '${OLD_TEXT}'`,
        '',
      ].join('\n'),
    );
  });
  it.skipIf(!hasPythonYaml)('parses as YAML to the exact values (stringData) and their base64 (data)', () => {
    expect(parseYaml(kubernetesSnippet(BOTH, { namespace: 'prod' }))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'everruns-encryption-keys', namespace: 'prod' },
      type: 'Opaque',
      stringData: { SECRETS_ENCRYPTION_KEY: NEW_TEXT, SECRETS_ENCRYPTION_KEY_PREVIOUS: OLD_TEXT },
    });
    const data = parseYaml(kubernetesSnippet(BOTH, { kubernetesField: 'data' })) as { data: Record<string, string> };
    expect(Buffer.from(data.data['SECRETS_ENCRYPTION_KEY']!, 'base64').toString('utf8')).toBe(NEW_TEXT);
    expect(Buffer.from(data.data['SECRETS_ENCRYPTION_KEY_PREVIOUS']!, 'base64').toString('utf8')).toBe(OLD_TEXT);
  });
  it('final manifest has no previous key and shows the patch that deletes it from the live Secret', () => {
    const text = kubernetesSnippet(FINAL, { namespace: 'prod' });
    expect(text).not.toContain(OLD.id);
    expect(text).toContain(
      `#   kubectl patch secret everruns-encryption-keys -n prod --type=json \\\n#     -p '[{"op":"remove","path":"/data/SECRETS_ENCRYPTION_KEY_PREVIOUS"}]'`,
    );
    if (hasPythonYaml) {
      expect((parseYaml(text) as { stringData: unknown }).stringData).toEqual({ SECRETS_ENCRYPTION_KEY: NEW_TEXT });
    }
  });
  it('yamlQuote survives quotes, colons, hashes and control characters', () => {
    expect(yamlQuote("a: b # it's")).toBe("'a: b # it''s'");
    expect(yamlQuote('a\nb')).toBe('"a\\nb"');
    if (hasPythonYaml) {
      expect(parseYaml(`v: ${yamlQuote("a: b # it's")}\nw: ${yamlQuote('a\nb\u0007')}`)).toEqual({
        v: "a: b # it's",
        w: 'a\nb\u0007',
      });
    }
  });
});

describe('docker run', () => {
  it('passes names only, never values, and offers --env-file', () => {
    const text = dockerSnippet(BOTH, { image: 'everruns:1.4' });
    expect(text).toContain('docker run -e SECRETS_ENCRYPTION_KEY -e SECRETS_ENCRYPTION_KEY_PREVIOUS everruns:1.4\n');
    expect(text).toContain('docker run --env-file encryption-keys.env everruns:1.4\n');
    expect(text).not.toContain(NEW.bytes.toString('base64'));
    expect(text).not.toContain(OLD.bytes.toString('base64'));
    expect(text).toMatch(/^# Keys never go on the command line/m);
  });
  it('final: only the primary is passed, and the previous key must be gone from the environment', () => {
    const text = dockerSnippet(FINAL);
    expect(text).toContain('docker run -e SECRETS_ENCRYPTION_KEY everruns\n');
    expect(text).toContain(
      '# SECRETS_ENCRYPTION_KEY_PREVIOUS must be neither exported\n# nor in encryption-keys.env.\n',
    );
  });
});

describe('width', () => {
  it.each(SNIPPET_FORMATS)(
    '%s: a masked snippet fits 80 columns whole; only lines with a revealed key are wider',
    (format) => {
      for (const config of [BOTH, FINAL]) {
        for (const line of renderSnippet(format, config, { mask: true, namespace: 'production' }).split('\n')) {
          expect([...line].length, line).toBeLessThanOrEqual(
            format === 'docker' && line.startsWith('docker run') ? 80 : 78,
          );
        }
      }
    },
  );
});

describe('masking', () => {
  it.each(SNIPPET_FORMATS)('%s: a masked snippet keeps the key ids and holds no key material', (format) => {
    for (const field of ['stringData', 'data'] as const) {
      const text = renderSnippet(format, BOTH, { mask: true, kubernetesField: field });
      for (const secret of [
        NEW.bytes.toString('base64'),
        OLD.bytes.toString('base64'),
        Buffer.from(NEW_TEXT).toString('base64'),
      ]) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain('kek-v2');
    }
  });
});
