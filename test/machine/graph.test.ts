// Every path through the machine, walked from pure transitions: every step of the runbook is
// reachable, the keys each step accepts are exactly the actions the runbook text lists for it, and
// the rule the text gives for a guarded action is the guard the machine checks.
import { describe, expect, it } from 'vitest';
import type { AnyStateNode } from 'xstate';
import { STEP_IDS } from '../../src/machine/contract.js';
import { RUNBOOK_STEPS } from '../../runbook/index.js';
import { machine, reachableSteps } from './machine-walk.js';

describe('every path through the machine', () => {
  it('reaches every step of the runbook', () => {
    const reached = reachableSteps({ rotationId: 'g' });
    expect(STEP_IDS.filter((id) => !reached.has(id))).toEqual([]);
  }, 120_000);

  it('accepts at each step exactly the actions the runbook lists (plus QUIT everywhere)', () => {
    const internal = new Set(['ENGINE_EVENT', 'RUN_DONE', 'RUN_FAILED', 'QUIT']);
    const mismatches: string[] = [];
    for (const step of STEP_IDS) {
      if (step === 'quit') continue;
      let node: AnyStateNode | undefined = machine.getStateNodeById(`runbook.${step}`);
      const handled = new Set<string>();
      for (; node; node = node.parent)
        for (const type of node.on ? Object.keys(node.on) : [])
          if (!internal.has(type) && !type.startsWith('xstate.')) handled.add(type);
      const listed = new Set(RUNBOOK_STEPS[step].actions.map((a) => a.event as string));
      const a = [...handled].sort().join(',');
      const b = [...listed].sort().join(',');
      if (a !== b) mismatches.push(`${step}: machine [${a}] runbook [${b}]`);
    }
    expect(mismatches).toEqual([]);
  });

  it('names on each guarded action the guard the machine checks on that transition', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const step of STEP_IDS) {
      for (const action of RUNBOOK_STEPS[step].actions) {
        if (!action.guard) continue;
        checked++;
        const transitions = machine.getStateNodeById(`runbook.${step}`).on[action.event] ?? [];
        const guards = transitions.map((t) =>
          typeof t.guard === 'string' ? t.guard : t.guard && 'type' in t.guard ? t.guard.type : undefined,
        );
        if (!guards.includes(action.guard))
          wrong.push(`${step} ${action.event}: runbook ${action.guard}, machine [${guards.join(', ')}]`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(5);
  });
});
