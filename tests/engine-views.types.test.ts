// Typed instance views: engine.get / waitFor give state and context typed from the registered
// workflows (narrowed on `workflow`), and can() takes the same typed events as send().
import { describe, expectTypeOf, it } from 'vitest';
import { createEngine, memoryStore, virtualClock, type AnyWorkflow, type CanResult, type Engine, type InstanceView } from '../src/index.js';
import { obstacleSolution } from '../machines/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

type ReviewState = 'draft' | 'reviewing' | 'escalated' | 'approved' | 'withdrawn';
type ReviewContext = { title: string; rounds: number; comments: string[] };

describe('typed instance views', () => {
  it('get() returns state and context typed from the one registered workflow', () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [reviewWorkflow] });
    const read = async () => {
      const view = await engine.get('id');
      expectTypeOf(view.workflow).toEqualTypeOf<'review'>();
      expectTypeOf(view.state).toEqualTypeOf<ReviewState>();
      expectTypeOf(view.context).toEqualTypeOf<ReviewContext>();
      expectTypeOf(view.revision).toEqualTypeOf<number>();
      // @ts-expect-error no such context field
      view.context.amount;
      // @ts-expect-error not a state of the review machine
      if (view.state === 'archived') return;
    };
    expectTypeOf(read).toBeFunction();
  });

  it('with several workflows, narrowing on view.workflow narrows state and context', () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [reviewWorkflow, obstacleSolution] });
    const read = async () => {
      const view = await engine.get('id');
      expectTypeOf(view.workflow).toEqualTypeOf<'review' | typeof obstacleSolution.id>();
      if (view.workflow === 'review') {
        expectTypeOf(view.context).toEqualTypeOf<ReviewContext>();
        expectTypeOf(view.state).toEqualTypeOf<ReviewState>();
      } else {
        expectTypeOf(view.context).not.toEqualTypeOf<ReviewContext>();
        expectTypeOf(view.context).not.toBeUnknown();
      }
    };
    expectTypeOf(read).toBeFunction();
  });

  it('waitFor() resolves with the same typed view and its predicate sees it; can() takes typed events', () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [reviewWorkflow] });
    const use = async () => {
      const done = await engine.waitFor('id', 'done');
      expectTypeOf(done.state).toEqualTypeOf<ReviewState>();
      await engine.waitFor('id', (v) => {
        expectTypeOf(v.context.rounds).toEqualTypeOf<number>();
        return v.state === 'approved';
      });
      const answer = await engine.can('id', { type: 'REJECT', comment: 'why' }, staff);
      expectTypeOf(answer).toEqualTypeOf<CanResult>();
      if (!answer.ok) expectTypeOf(answer.code).toBeString();
      // @ts-expect-error misspelt event
      await engine.can('id', { type: 'APPROV' }, staff);
      // @ts-expect-error 'finished' is not a condition
      await engine.waitFor('id', 'finished');
    };
    expectTypeOf(use).toBeFunction();
  });

  it('an engine of unknown workflows keeps unknown state and context, and a typed engine is still an Engine<AnyWorkflow>', () => {
    const any = {} as Engine<AnyWorkflow>;
    const read = async () => {
      const view = await any.get('id');
      expectTypeOf(view.state).toBeUnknown();
      expectTypeOf(view.context).toBeUnknown();
      expectTypeOf(view).toMatchTypeOf<InstanceView>();
    };
    expectTypeOf(read).toBeFunction();
    const typed = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [reviewWorkflow] });
    expectTypeOf(typed).toMatchTypeOf<Engine<AnyWorkflow>>();
  });
});
