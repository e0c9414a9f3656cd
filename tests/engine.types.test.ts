import { describe, expectTypeOf, it } from 'vitest';
import { createEngine, memoryStore, virtualClock, type EventFrom, type InputFrom, type InstanceView } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

describe('engine types', () => {
  it('infers events and inputs from the registered workflows', () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [reviewWorkflow] });
    expectTypeOf<EventFrom<typeof reviewWorkflow>>().toEqualTypeOf<
      | ({ readonly type: 'SUBMIT' } & {})
      | ({ readonly type: 'APPROVE' } & { comment?: string | undefined })
      | ({ readonly type: 'REJECT' } & { comment: string })
      | ({ readonly type: 'WITHDRAW' } & {})
    >();
    expectTypeOf<InputFrom<typeof reviewWorkflow>>().toEqualTypeOf<{ title: string }>();
    expectTypeOf(engine.send).returns.resolves.toEqualTypeOf<InstanceView>();
    const typed = async () => {
      await engine.start('review', { title: 'x' }, { actor: staff });
      await engine.send('id', { type: 'REJECT', comment: 'why' }, { actor: staff });
      // @ts-expect-error unknown workflow id
      await engine.start('revue', { title: 'x' }, { actor: staff });
      // @ts-expect-error input missing its title
      await engine.start('review', {}, { actor: staff });
      // @ts-expect-error misspelt event
      await engine.send('id', { type: 'APPROV' }, { actor: staff });
      // @ts-expect-error REJECT needs a string comment
      await engine.send('id', { type: 'REJECT', comment: 3 }, { actor: staff });
    };
    expectTypeOf(typed).toBeFunction();
  });
});
