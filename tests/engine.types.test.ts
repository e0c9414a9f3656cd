import { describe, expectTypeOf, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock, type DocketErrorCode, type EventFrom, type InputFrom, type InstanceView } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

describe('engine types', () => {
  it('isDocketError with a code narrows the error\'s code to it (and refuses a code that does not exist)', () => {
    const error: unknown = undefined;
    if (isDocketError(error, 'FORBIDDEN')) expectTypeOf(error.code).toEqualTypeOf<'FORBIDDEN'>();
    if (isDocketError(error)) expectTypeOf(error.code).toEqualTypeOf<DocketErrorCode>();
    // @ts-expect-error not a DocketError code
    isDocketError(error, 'NOPE');
  });

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

describe('event schemas with or without their type', () => {
  it('types an event schema that names its `type` the same as one that does not', () => {
    const machine = setup({}).createMachine({ initial: 'a', states: { a: {} } });
    const withType = defineWorkflow({
      id: 'with',
      version: 1,
      machine,
      input: z.object({}),
      events: { SUBMIT: z.object({ type: z.literal('SUBMIT'), note: z.string() }), PING: z.object({ type: z.literal('PING') }) },
    });
    const withoutType = defineWorkflow({ id: 'without', version: 1, machine, input: z.object({}), events: { SUBMIT: z.object({ note: z.string() }), PING: z.object({}) } });
    // The same events either way: each form is assignable to the other.
    expectTypeOf<EventFrom<typeof withType>>().toMatchTypeOf<EventFrom<typeof withoutType>>();
    expectTypeOf<EventFrom<typeof withoutType>>().toMatchTypeOf<EventFrom<typeof withType>>();
    const submit: EventFrom<typeof withType> = { type: 'SUBMIT', note: 'x' };
    const same: EventFrom<typeof withoutType> = submit;
    expectTypeOf(same).toMatchTypeOf<{ readonly type: 'SUBMIT' | 'PING' }>();
    // @ts-expect-error the note is a string in both forms
    const wrong: EventFrom<typeof withType> = { type: 'SUBMIT', note: 3 };
    // @ts-expect-error an event type the schema does not declare
    const unknown: EventFrom<typeof withType> = { type: 'OTHER' };
    expectTypeOf([wrong, unknown]).toBeArray();
  });
});
