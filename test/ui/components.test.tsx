// Each presentational component at 80 columns: what it shows, what it hides, how keys drive it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseKey, formatKey } from '../../src/crypto/key.js';
import { CredentialChecklist } from '../../src/ui/components/CredentialChecklist.js';
import { ConfirmPrompt } from '../../src/ui/components/ConfirmPrompt.js';
import { ErrorBox } from '../../src/ui/components/ErrorBox.js';
import { FailureList } from '../../src/ui/components/FailureList.js';
import { Header } from '../../src/ui/components/Header.js';
import { InventoryTable } from '../../src/ui/components/InventoryTable.js';
import { KeyHelp } from '../../src/ui/components/KeyHelp.js';
import { MaskedKey } from '../../src/ui/components/MaskedKey.js';
import { PhaseBar } from '../../src/ui/components/PhaseBar.js';
import { SnippetTabs } from '../../src/ui/components/SnippetTabs.js';
import { StepText } from '../../src/ui/components/StepText.js';
import { VerifyTable } from '../../src/ui/components/VerifyTable.js';
import { ThemeProvider, colorEnabled } from '../../src/ui/theme.js';
import { KEYS, renderInk, widestLine, type Rendered } from './render-ink.js';

const OLD = parseKey(`kek-v1:${Buffer.alloc(32, 7).toString('base64')}`, 'test');
const NEW = parseKey(`kek-v2:${Buffer.alloc(32, 0xfb).toString('base64')}`, 'test');
const NEW_B64 = NEW.bytes.toString('base64');
const OLD_B64 = OLD.bytes.toString('base64');

let current: Rendered | undefined;
const show = (tree: React.ReactElement, size?: { columns?: number; rows?: number }) =>
  (current = renderInk(tree, size));
afterEach(() => current?.unmount());

describe('Header and PhaseBar', () => {
  it('name the rotation and mark the current phase with a marker, not only colour', async () => {
    const phases = [
      'Preflight',
      'Generate the new key',
      'Deploy with both keys',
      'Re-encrypt',
      'Verify',
      'Remove the old key',
    ].map((title, i) => ({ id: `p${i}`, title }));
    const r = show(
      <>
        <Header rotation="kek-v1 → kek-v2" target="postgres://app:****@db/prod" emergency />
        <PhaseBar phases={phases} currentId="p2" doneIds={['p0', 'p1']} />
      </>,
    );
    const f = await r.waitFor((t) => t.includes('Phase 2 of 5'));
    expect(f).toContain('kek-rotate [EMERGENCY: key compromised] · kek-v1 → kek-v2');
    expect(f).toContain('[✓0] [✓1] [▶2] [ 3] [ 4] [ 5] Phase 2 of 5: Deploy with both keys');
    expect(widestLine(f)).toBeLessThanOrEqual(80);
  });

  it('cut a long target in the middle: the database name stays on the line at 80 columns', async () => {
    const target = 'postgres://app_user:****@primary.db.eu-west-1.internal.example.com:6432/billing_production';
    const r = show(<Header rotation="kek-v1 → kek-v2" target={target} emergency />, { columns: 80 });
    const f = await r.waitFor((t) => t.includes('kek-rotate'));
    const line = f.split('\n')[0]!;
    expect(line).toMatch(/ · …\/billing_production$/);
    expect(line.length).toBeLessThanOrEqual(80);
    // Without the emergency marker there is room for the start of the URL too.
    const calm = show(<Header rotation="kek-v1 → kek-v2" target={target} />, { columns: 80 });
    const first = (await calm.waitFor((t) => t.includes('kek-rotate'))).split('\n')[0]!;
    expect(first).toBe('kek-rotate · kek-v1 → kek-v2 · postgres://app_user:****@prim…/billing_production');
  });
});

describe('StepText', () => {
  const step = {
    title: 'Deploy with both keys',
    does: 'Deploys kek-v2.',
    why: 'Replicas must read both.',
    risks: 'A replica misses it.',
    undo: 'Redeploy the old config.',
  };
  it('shows what it does, and why, the risks and undo only when expanded', async () => {
    const r = show(<StepText step={step} />);
    let f = await r.waitFor((t) => t.includes('Deploys kek-v2.'));
    expect(f).not.toContain('What can go wrong');
    expect(f).not.toContain('Why:');
    expect(f).toContain('? shows why, what can go wrong and how to undo');
    r.rerender(<StepText step={step} expanded />);
    f = await r.waitFor((t) => t.includes('How to undo: Redeploy the old config.'));
    expect(f).toContain('Why: Replicas must read both.');
    expect(f).toContain('What can go wrong: A replica misses it.');
  });
});

describe('InventoryTable', () => {
  it('shows a long column name whole (wrapped), with its counts still aligned', async () => {
    const label = 'billing_service_credentials.stripe_restricted_api_key_encrypted';
    const r = show(
      <InventoryTable
        columns={[{ label, total: 5, nulls: 1, invalid: 0, byKeyId: { 'kek-v1': 4 } }]}
        primaryKeyId="kek-v1"
      />,
      { columns: 80 },
    );
    const f = await r.waitFor((t) => t.includes('primary'));
    // Wrapped inside its column: the first 40 characters beside the count, the rest below.
    expect(f).toMatch(new RegExp(`^${label.slice(0, 40)} +5 {2}total$`, 'm'));
    expect(f).toMatch(new RegExp(`^${label.slice(40)}$`, 'm'));
    expect(f).toMatch(/^ {2}kek-v1 +4 {2}primary$/m);
    expect(f).toMatch(/^ {2}NULL \(no value\) +1$/m);
    const [kekLine, nullLine] = [
      f.split('\n').find((l) => l.includes('kek-v1'))!,
      f.split('\n').find((l) => l.includes('NULL'))!,
    ];
    expect(kekLine.indexOf('4')).toBe(nullLine.indexOf('1'));
  });

  it('lists rows per key id with roles, NULLs, invalid rows and warnings, control characters stripped', async () => {
    const r = show(
      <InventoryTable
        columns={[
          {
            label: 'llm_providers.api_key_encrypted',
            total: 1210,
            nulls: 7,
            invalid: 3,
            byKeyId: { 'kek-v1': 1000, 'kek-v10': 150, 'kek-v0': 50 },
          },
        ]}
        primaryKeyId="kek-v10"
        previousKeyId="kek-v1"
        warnings={['column public.tokens.secret_encrypted is not registered\u001b[2J']}
      />,
    );
    const f = await r.waitFor((t) => t.includes('not registered'));
    const lines = f.split('\n');
    expect(lines.find((l) => l.includes('kek-v10'))).toMatch(/kek-v10\s+150\s+primary/);
    expect(lines.find((l) => l.includes('kek-v1 '))).toMatch(/1,000\s+previous/);
    expect(lines.find((l) => l.includes('kek-v0'))).toMatch(/50\s+NOT CONFIGURED/);
    expect(f).toMatch(/NULL \(no value\)\s+7/);
    expect(f).toMatch(/invalid \(not a readable payload\)\s+3\s+will fail to rotate/);
    expect(f).not.toContain('\u001b');
    expect(f).toContain('registered\uFFFD[2J');
    expect(widestLine(f)).toBeLessThanOrEqual(80);
  });
});

describe('MaskedKey', () => {
  it('shows only the key id until revealed', async () => {
    const r = show(<MaskedKey keyId={NEW.id} value={formatKey(NEW)} revealed={false} />);
    const f = await r.waitFor((t) => t.includes('Press k to reveal'));
    expect(f).toContain('kek-v2:••••');
    expect(r.allFrames()).not.toContain(NEW_B64.slice(0, 12));
    r.rerender(<MaskedKey keyId={NEW.id} value={formatKey(NEW)} revealed />);
    const shown = await r.waitFor((t) => t.includes('Visible now'));
    // The key is one 51-character word; it fits the box at 80 columns unbroken.
    expect(shown).toContain(formatKey(NEW));
  });
});

describe('SnippetTabs', () => {
  it('switches formats with →, Tab and ←, and keeps keys masked in every format', async () => {
    const r = show(<SnippetTabs config={{ primary: NEW, previous: OLD }} masked />);
    await r.waitFor((t) => t.includes('[.env]') && t.includes('SECRETS_ENCRYPTION_KEY=kek-v2:'));
    await r.press(KEYS.right);
    await r.waitFor((t) => t.includes('[shell export]') && t.includes("export SECRETS_ENCRYPTION_KEY='kek-v2:"));
    await r.press(KEYS.tab);
    await r.waitFor((t) => t.includes('[Kubernetes Secret]') && t.includes('stringData:'));
    await r.press(KEYS.tab);
    await r.waitFor((t) => t.includes('docker run -e SECRETS_ENCRYPTION_KEY -e SECRETS_ENCRYPTION_KEY_PREVIOUS'));
    await r.press(KEYS.right);
    await r.waitFor((t) => t.includes('[.env]'));
    await r.press(KEYS.left);
    const f = await r.waitFor((t) => t.includes('[docker run]'));
    expect(widestLine(f)).toBeLessThanOrEqual(80);
    expect(r.allFrames()).not.toContain(NEW_B64.slice(0, 12));
    expect(r.allFrames()).not.toContain(OLD_B64.slice(0, 12));
  });
  it('two Tabs that arrive before the next frame move two tabs (key repeat loses nothing)', async () => {
    const r = show(<SnippetTabs config={{ primary: NEW, previous: OLD }} masked />);
    await r.waitFor((t) => t.includes('[.env]'));
    r.stdin.write(KEYS.tab);
    r.stdin.write(KEYS.tab);
    await r.waitFor((t) => t.includes('[Kubernetes Secret]'), 'two tabs on');
    r.stdin.write(KEYS.left);
    r.stdin.write(KEYS.left);
    r.stdin.write(KEYS.left);
    await r.waitFor((t) => t.includes('[docker run]'), 'three tabs back, round the end');
  });
  it('unmasked shows the exact values', async () => {
    const r = show(<SnippetTabs config={{ primary: NEW }} masked={false} />);
    const f = await r.waitFor((t) => t.includes('SECRETS_ENCRYPTION_KEY='));
    expect(f).toContain(`SECRETS_ENCRYPTION_KEY=${formatKey(NEW)}`);
    expect(f).toContain('remove any SECRETS_ENCRYPTION_KEY_PREVIOUS= line');
  });
});

describe('ConfirmPrompt', () => {
  it('y/n: y confirms once', async () => {
    const onConfirm = vi.fn();
    const onCancel = vi.fn();
    const r = show(<ConfirmPrompt question="Is the key stored?" onConfirm={onConfirm} onCancel={onCancel} />);
    await r.waitFor((t) => t.includes('Is the key stored? [y/n]'));
    await r.press('x');
    expect(onConfirm).not.toHaveBeenCalled();
    await r.press('y');
    await vi.waitFor(() => expect(onConfirm).toHaveBeenCalledTimes(1));
    await r.press('y');
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(onCancel).not.toHaveBeenCalled();
  });
  it('typed: a wrong id is refused, the exact id confirms, Esc cancels', async () => {
    const onConfirm = vi.fn();
    const onCancel = vi.fn();
    const r = show(
      <ConfirmPrompt
        question="Remove kek-v1 for good?"
        typeToConfirm="kek-v1"
        onConfirm={onConfirm}
        onCancel={onCancel}
      />,
    );
    await r.waitFor((t) => t.includes('Type kek-v1 and press Enter'));
    await r.press('y');
    await r.press(KEYS.enter);
    await r.waitFor((t) => t.includes('That is not kek-v1; nothing was done.'));
    expect(onConfirm).not.toHaveBeenCalled();
    await r.press(KEYS.backspace);
    await r.type('kek-v1');
    await r.press(KEYS.enter);
    await vi.waitFor(() => expect(onConfirm).toHaveBeenCalledTimes(1));

    const cancelled = vi.fn();
    current?.unmount();
    const r2 = show(
      <ConfirmPrompt question="Remove?" typeToConfirm="kek-v1" onConfirm={() => {}} onCancel={cancelled} />,
    );
    await r2.waitFor((t) => t.includes('Type kek-v1'));
    await r2.press(KEYS.escape);
    await vi.waitFor(() => expect(cancelled).toHaveBeenCalledTimes(1));
  });
});

describe('FailureList', () => {
  const failures = Array.from({ length: 12 }, (_, i) => ({
    id: `0190-${i}`,
    reason: i === 0 ? 'tampered\u001b]0;pwned\u0007 value' : `reason ${i}`,
    table: 'llm_providers.api_key_encrypted',
  }));
  it('scrolls a window of failures and strips control characters', async () => {
    const r = show(<FailureList failures={failures} height={5} totalCount={40} />);
    let f = await r.waitFor((t) => t.includes('40 failed rows (showing 1–5 of 12; first 12 listed)'));
    expect(f).toContain('id=0190-0: tampered\uFFFD]0;pwned\uFFFD value');
    expect(f).not.toContain('0190-5');
    await r.press(KEYS.pageDown);
    f = await r.waitFor((t) => t.includes('showing 6–10'));
    expect(f).toContain('0190-9');
    await r.press(KEYS.down);
    await r.press(KEYS.down);
    await r.press(KEYS.down);
    f = await r.waitFor((t) => t.includes('showing 8–12'));
    expect(widestLine(f)).toBeLessThanOrEqual(80);
  });
  it('says so when nothing failed', async () => {
    const r = show(<FailureList failures={[]} />);
    await r.waitFor((t) => t.includes('No failed rows.'));
  });
});

describe('VerifyTable', () => {
  it('marks rows left on the old key and shows the SQL', async () => {
    const sql = 'SELECT key_id, count(*) FROM llm_providers GROUP BY 1;';
    const r = show(
      <VerifyTable
        columns={[
          {
            label: 'llm_providers.api_key_encrypted',
            sql,
            total: 10,
            nulls: 1,
            invalid: 0,
            byKeyId: { 'kek-v2': 7, 'kek-v1': 2 },
            deep: { checked: 9, failed: 0 },
          },
        ]}
        primaryKeyId="kek-v2"
        passed={false}
        problems={['2 rows are still on kek-v1']}
      />,
    );
    const f = await r.waitFor((t) => t.includes('SELECT key_id'));
    expect(f).toMatch(/✗ kek-v1\s+2\s+must be 0/);
    expect(f).toMatch(/✓ kek-v2\s+7\s+\(new primary\)/);
    expect(f).toMatch(/✓ decrypts with kek-v2 alone\s+9\/9/);
    expect(f).toContain('✗ 2 rows are still on kek-v1');
    expect(widestLine(f)).toBeLessThanOrEqual(80);
  });
});

describe('ErrorBox, Checklist, KeyHelp', () => {
  it('ErrorBox shows message, hint and the tail of a failed command', async () => {
    const r = show(
      <ErrorBox message="could not connect" hint="Check DATABASE_URL." tail={['line 1', 'ERROR boom\u001b[31m']} />,
    );
    const f = await r.waitFor((t) => t.includes('→ Check DATABASE_URL.'));
    expect(f).toContain('could not connect');
    expect(f).toContain('│ ERROR boom\uFFFD[31m');
  });
  it('the checklist groups credentials by provider, shows whole names, moves and ticks', async () => {
    const long = `Production key for the billing service ${'x'.repeat(60)} END`;
    const credentials = [
      ...Array.from({ length: 7 }, (_, i) => ({
        table: 't.c',
        id: `id-${i}`,
        name: `Provider ${i}`,
        providerType: 'openai',
      })),
      { table: 't.c', id: 'id-long', name: long, providerType: 'anthropic' },
    ];
    const ticks: string[] = [];
    const r = show(
      <CredentialChecklist credentials={credentials} ticked={['t.c\0id-1']} onTick={(k) => ticks.push(k)} height={5} />,
    );
    let f = await r.waitFor((t) => t.includes('(8, 1 ticked)'));
    expect(f).toContain('openai (7, 1 ticked)');
    expect(f).toContain('› [ ] Provider 0');
    expect(f).toContain('1 of 8 · openai · t.c id id-0');
    expect(f).toMatch(/\[x\] Provider 1/);
    await r.press(' ');
    expect(ticks).toEqual(['t.c\0id-0']);
    // Typed faster than the screen redraws: two ↓ and Space in one chunk tick the third.
    await r.press(`${KEYS.down}${KEYS.down} `);
    expect(ticks).toEqual(['t.c\0id-0', 't.c\0id-2']);
    for (let i = 0; i < 5; i++) await r.press(KEYS.down);
    f = await r.waitFor((t) => t.includes('anthropic (1, 0 ticked)'));
    // The whole name, wrapped rather than cut: the end of it is on screen.
    expect(f.replace(/\s+/g, ' ')).toContain('END');
    await r.press(' ');
    expect(ticks).toEqual(['t.c\0id-0', 't.c\0id-2', 't.c\0id-long']);
  });
  it('KeyHelp joins bindings on one line', async () => {
    const r = show(
      <KeyHelp
        bindings={[
          { keys: 'y', action: 'confirm' },
          { keys: 'q', action: 'quit' },
        ]}
      />,
    );
    await r.waitFor((t) => t.includes('y confirm · q quit'));
  });
});

describe('terminal behaviour', () => {
  it('NO_COLOR turns colour off', () => {
    expect(colorEnabled({ NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({})).toBe(true);
  });
  it('without colour the current tab is still marked by brackets', async () => {
    const r = show(
      <ThemeProvider color={false}>
        <SnippetTabs config={{ primary: NEW }} masked />
      </ThemeProvider>,
    );
    await r.waitFor((t) => t.includes('[.env]  shell export '));
  });
});
