// The debrief's lesson, put together from the criteria as they were judged: what each failed one
// teaches first, then what went right, each only for a criterion that passed. A criterion that was
// not checked (the trainee changed nothing it could judge) says nothing, so the lesson never speaks
// of something the trainee did not do.
import type { PassCriterion } from '../../runbook/scenarios/types.js';
import type { CriterionId } from '../../runbook/scenarios/types.js';
import type { CriterionResult } from './criteria.js';

export interface LessonLine {
  readonly criterion: CriterionId;
  readonly outcome: 'passed' | 'failed';
  readonly text: string;
}

export function lessonLines(results: readonly CriterionResult[], criteria: readonly PassCriterion[]): LessonLine[] {
  const lessonOf = new Map(criteria.map((c) => [c.id, c.lesson]));
  const lines: LessonLine[] = [];
  const seen = new Set<string>();
  for (const outcome of ['failed', 'passed'] as const) {
    for (const result of results.filter((r) => r.outcome === outcome)) {
      const text = lessonOf.get(result.id)?.[outcome];
      if (text === undefined || seen.has(text)) continue;
      seen.add(text);
      lines.push({ criterion: result.id, outcome, text });
    }
  }
  return lines;
}
