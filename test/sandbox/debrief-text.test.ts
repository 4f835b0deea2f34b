// The rehearsal's texts on the normal screen: wrapped at word boundaries for the terminal's width
// (never a word broken across lines unless it is longer than a line), and the verdict in plain words.
import { describe, expect, it } from 'vitest';
import { listScenarios } from '../../runbook/scenarios/index.js';
import { renderBriefing, renderDebrief, wrapText } from '../../src/cli/render-debrief.js';
import type { Debrief } from '../../src/sandbox/debrief.js';

const words = (text: string) => text.split(/\s+/).filter((w) => w !== '');

function expectWrapped(text: string, width: number, source: string): void {
  const lines = text.split('\n');
  for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(width);
  // Every word of the source is whole on some line: nothing was cut mid-word.
  const onScreen = new Set(lines.flatMap(words));
  for (const word of words(source)) expect(onScreen.has(word), `"${word}" broken across lines`).toBe(true);
}

describe('wrapText', () => {
  it('breaks at spaces with a hanging indent, and cuts only a word longer than a line', () => {
    expect(wrapText('the quick brown fox jumps over the lazy dog', 20, '- ', '  ')).toEqual([
      '- the quick brown',
      '  fox jumps over the',
      '  lazy dog',
    ]);
    expect(wrapText('ab ' + 'x'.repeat(45), 20)).toEqual(['ab', 'x'.repeat(20), 'x'.repeat(20), 'x'.repeat(5)]);
    expect(wrapText('', 20, '  ')).toEqual(['  ']);
  });
});

describe('the briefing', () => {
  it.each(listScenarios().map((s) => [s.name, s] as const))(
    '%s wraps at word boundaries at 50 and 80 columns',
    (_name, scenario) => {
      for (const width of [50, 80]) {
        const text = renderBriefing(scenario, width);
        expectWrapped(text, width, [scenario.title, scenario.goal, ...scenario.briefing].join(' '));
        expect(text).toContain('Goal:');
      }
    },
  );
});

describe('the debrief', () => {
  const report: Debrief = {
    scenario: { name: 'rolling-deploy', title: 'Rotation under a rolling deploy', goal: listScenarios()[1]!.goal },
    passed: false,
    criteria: listScenarios()[1]!.passCriteria.map((c, i) => ({
      id: c.id,
      description: c.description,
      outcome: i === 0 ? 'failed' : 'passed',
      detail:
        i === 0
          ? 'kek-v2 was primary in the first deploy that carried it (runbook order), so replicas updated first wrote with it while the others had only kek-v1'
          : 'fine',
    })),
    lessons: [
      { criterion: 'staged-deploy', outcome: 'failed', text: listScenarios()[1]!.passCriteria[0]!.lesson!.failed! },
    ],
    lesson: listScenarios()[1]!.passCriteria[0]!.lesson!.failed!,
    rows: { total: 30, nulls: 3, byKeyId: { 'kek-v2': 27 }, targetKeyId: 'kek-v2' },
    lostWrites: [],
    missingRows: [],
    unreadable: [],
    leftOnOldKey: [],
    strandedByDeployedConfig: [],
    replicaReadFailures: [{ replica: 'replica-2', count: 1, keyIds: ['kek-v2'] }],
    phases: [
      { phase: 'preflight', ms: 5_000 },
      { phase: 'generate', ms: 65_400 },
    ],
    elapsedMs: 70_400,
    credentialsToRotate: [],
  };

  it('says FAILED, wraps every line at word boundaries for the width, and prints the lesson of what failed', () => {
    for (const width of [44, 80]) {
      const text = renderDebrief(report, width);
      expect(text.split('\n')[0]).toMatch(/^Debrief: Rotation under a rolling deploy/);
      expect(text.replace(/\s+/g, ' ')).toContain('(rolling-deploy): FAILED in 1m 10s');
      expectWrapped(
        text,
        width,
        [report.scenario!.goal, ...report.criteria.flatMap((c) => [c.description, c.detail]), report.lesson!].join(' '),
      );
      expect(text.replace(/\s+/g, ' ')).toContain(`Lesson: - ${report.lesson}`);
    }
    // Time per phase as the summary screen writes it.
    expect(renderDebrief(report, 200)).toContain('Time per phase: preflight 0:05 · generate 1:05');
    expect(renderDebrief({ ...report, passed: true })).toMatch(/: PASSED in 1m 10s/);
  });
});
