import { assign, setup } from 'xstate';
import { z } from 'zod';
import { deadline, defineWorkflow, duration, effect, type DocketEventMeta } from '../src/index.js';
import { label, stateLabelsOf, workflowLabels } from './shared/labels.js';

/** The three tracks that advance independently: game phases, office roll-out, website promotion. */
export const PROMOTION_TRACKS = ['phase', 'offices', 'website'] as const;
export type PromotionTrack = (typeof PROMOTION_TRACKS)[number];

/** A metric target: at least and/or at most a number. */
export const metricTarget = z.object({ atLeast: z.number().optional(), atMost: z.number().optional() });
export type MetricTarget = z.infer<typeof metricTarget>;
type Targets = Readonly<Record<string, Readonly<Record<string, MetricTarget>>>>;

/**
 * Each gate's targets, by the state the gate leaves. Office numbers are the documents' (8 core provincial
 * offices and 8,000 internet cafés; then 12 more provinces and 24 cities, 18,950 cafés; up to 32
 * provinces); the others are placeholders the documents do not quantify — set them per instance.
 */
export const DEFAULT_PROMOTION_TARGETS: Targets = {
  closedBeta: { surveyResponses: { atLeast: 1000 }, coreOfficesReady: { atLeast: 8 } },
  internalBeta: { registrations: { atLeast: 100_000 }, peakOnline: { atLeast: 10_000 } },
  openBeta: { monthlyRevenue: { atLeast: 1_000_000 }, monthlyChurnPct: { atMost: 15 } },
  coreProvinces: { provincialOffices: { atLeast: 8 }, internetCafes: { atLeast: 8000 } },
  expansion: { provincialOffices: { atLeast: 20 }, cityOffices: { atLeast: 24 }, internetCafes: { atLeast: 18_950 } },
  nationwide: { provincialOffices: { atLeast: 32 } },
  planning: { indexedPages: { atLeast: 100 } },
  launch: { dailyIp: { atLeast: 1000 }, dailyPv: { atLeast: 5000 }, backlinks: { atLeast: 200 }, top10Keywords: { atLeast: 5 } },
  growth: { dailyIp: { atLeast: 10_000 }, dailyPv: { atLeast: 50_000 }, conversions: { atLeast: 500 } },
};

export const promotionPhasesInput = z.object({
  /** The product (game) being launched. */
  product: z.string().min(1),
  /** Per-gate overrides of {@link DEFAULT_PROMOTION_TARGETS}, merged metric by metric. */
  targets: z.record(z.string(), z.record(z.string(), metricTarget)).default({}),
  /** Days after open beta before steady operation may be signed off (the documents: about three months). */
  daysToSteady: z.number().int().min(0).default(90),
});

export interface GatePassed {
  readonly track: PromotionTrack;
  readonly gate: string;
  readonly at: number;
  readonly by: string;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface PromotionPhasesContext {
  readonly product: string;
  readonly targets: Targets;
  readonly daysToSteady: number;
  readonly metrics: Readonly<Record<PromotionTrack, Readonly<Record<string, number>>>>;
  readonly gates: readonly GatePassed[];
}

type Ev<T extends string, P = object> = { readonly type: T } & P & DocketEventMeta;
export type PromotionPhasesEvent =
  | Ev<'REPORT_METRICS', { track: PromotionTrack; metrics: Readonly<Record<string, number>> }>
  | Ev<'SIGN_OFF', { track: PromotionTrack; comment?: string }>;

/** Which targets of a gate the reported metrics miss (empty: met). */
export function unmetTargets(context: PromotionPhasesContext, track: PromotionTrack, gate: string): string[] {
  const have = context.metrics[track];
  return Object.entries(context.targets[gate] ?? {})
    .filter(([metric, t]) => {
      const v = have[metric];
      return v === undefined || (t.atLeast !== undefined && v < t.atLeast) || (t.atMost !== undefined && v > t.atMost);
    })
    .map(([metric]) => metric);
}

type Gate = { readonly track: PromotionTrack; readonly gate: string };

/** The gates of each track, in order (the states a SIGN_OFF leaves). */
const TRACK_GATES: Readonly<Record<PromotionTrack, readonly string[]>> = {
  phase: ['closedBeta', 'internalBeta', 'openBeta'],
  offices: ['coreProvinces', 'expansion', 'nationwide'],
  website: ['planning', 'launch', 'growth'],
};

/** Metrics of a track that meet the default targets of every one of its gates (an example report). */
export function metricsMeetingTargets(track: PromotionTrack): Record<string, number> {
  const out: Record<string, number> = {};
  for (const gate of TRACK_GATES[track]) {
    for (const [metric, t] of Object.entries(DEFAULT_PROMOTION_TARGETS[gate] ?? {})) {
      const value = t.atLeast ?? t.atMost ?? 0;
      out[metric] = t.atLeast !== undefined ? Math.max(out[metric] ?? value, value) : Math.min(out[metric] ?? value, value);
    }
  }
  return out;
}

/** SIGN_OFF on a track's gate: advance when this track's targets are met; record the gate. */
function gate<const T extends string>(track: PromotionTrack, from: string, target: T) {
  return {
    SIGN_OFF: {
      guard: { type: 'gateMet' as const, params: { track, gate: from } },
      target,
      actions: [{ type: 'recordGate' as const, params: { track, gate: from } }, { type: 'announceGate' as const, params: { track, gate: from, next: target } }],
    },
  };
}

export const promotionPhasesMachine = setup({
  types: {} as {
    context: PromotionPhasesContext;
    events: PromotionPhasesEvent;
    input: z.output<typeof promotionPhasesInput> & DocketEventMeta;
  },
  actions: {
    announceGate: effect<Gate & { next: string }>(),
    recordGate: assign({
      gates: ({ context, event }, params: Gate) => [
        ...context.gates,
        { track: params.track, gate: params.gate, at: event.$at ?? 0, by: event.$actor?.id ?? 'unknown', metrics: context.metrics[params.track] },
      ],
    }),
    recordMetrics: assign({
      metrics: ({ context, event }) =>
        event.type === 'REPORT_METRICS' ? { ...context.metrics, [event.track]: { ...context.metrics[event.track], ...event.metrics } } : context.metrics,
    }),
  },
  guards: {
    gateMet: ({ context, event }, params: Gate) => event.type === 'SIGN_OFF' && event.track === params.track && unmetTargets(context, params.track, params.gate).length === 0,
  },
  delays: { steadyEarliest: deadline('steadyEarliest') },
}).createMachine({
  id: 'promotionPhases',
  context: ({ input }) => {
    const targets: Record<string, Record<string, MetricTarget>> = {};
    for (const [g, t] of Object.entries(DEFAULT_PROMOTION_TARGETS)) targets[g] = { ...t, ...input.targets[g] };
    return { product: input.product, targets, daysToSteady: input.daysToSteady, metrics: { phase: {}, offices: {}, website: {} }, gates: [] };
  },
  type: 'parallel',
  on: { REPORT_METRICS: { actions: 'recordMetrics' } },
  states: {
    phase: {
      meta: label('运营阶段', 'Launch phase'),
      initial: 'closedBeta',
      states: {
        closedBeta: { meta: label('产品封测期', 'Closed beta'), on: gate('phase', 'closedBeta', 'internalBeta') },
        internalBeta: { meta: label('产品内测期', 'Internal beta'), on: gate('phase', 'internalBeta', 'openBeta') },
        openBeta: {
          meta: label('产品公测期', 'Open beta'),
          initial: 'settling',
          states: {
            settling: { meta: label('公测初期（约三个月）', 'Settling in (about three months)'), after: { steadyEarliest: 'eligible' } },
            eligible: { meta: label('可申请转入稳定期', 'May move to steady operation'), on: gate('phase', 'openBeta', '#promotionPhases.phase.steady') },
          },
        },
        steady: { meta: label('稳定运营期', 'Steady operation'), type: 'final' },
      },
    },
    offices: {
      meta: label('办事处布局', 'Office roll-out'),
      initial: 'coreProvinces',
      states: {
        coreProvinces: { meta: label('第一阶段：8个核心省级办事处', 'Stage 1: 8 core provincial offices'), on: gate('offices', 'coreProvinces', 'expansion') },
        expansion: { meta: label('第二阶段：12个省级 + 24个城市办事处', 'Stage 2: 12 provincial + 24 city offices'), on: gate('offices', 'expansion', 'nationwide') },
        nationwide: { meta: label('第三阶段：覆盖至32个省', 'Stage 3: up to 32 provinces'), on: gate('offices', 'nationwide', 'complete') },
        complete: { meta: label('布局完成', 'Roll-out complete'), type: 'final' },
      },
    },
    website: {
      meta: label('网站推广', 'Website promotion'),
      initial: 'planning',
      states: {
        planning: { meta: label('策划建设期', 'Planning and building'), on: gate('website', 'planning', 'launch') },
        launch: { meta: label('发布初期', 'Launch'), on: gate('website', 'launch', 'growth') },
        growth: { meta: label('增长期', 'Growth'), on: gate('website', 'growth', 'steady') },
        steady: { meta: label('稳定期', 'Steady'), type: 'final' },
      },
    },
  },
});

/**
 * Promotion-phase progression (运营阶段 / 办事处布局 / 网站推广): three tracks advancing side by side,
 * each gate needing both its metric targets (reported as numbers) and a leadership sign-off; steady
 * operation may be signed off no earlier than `daysToSteady` after open beta starts.
 *
 * @example
 * ```ts
 * import { promotionPhases } from 'docket/machines';
 * // engine.send(id, { type: 'REPORT_METRICS', track: 'offices', metrics: { provincialOffices: 8, internetCafes: 8000 } }, { actor: ops });
 * // engine.send(id, { type: 'SIGN_OFF', track: 'offices' }, { actor: leader });
 * ```
 */
export const promotionPhases = defineWorkflow({
  id: 'promotion-phases',
  version: 1,
  machine: promotionPhasesMachine,
  input: promotionPhasesInput,
  events: {
    // Examples (the JSON Schema keyword, also in the OpenAPI document): one report per track that
    // meets the default targets of each of its gates, and a sign-off per track.
    REPORT_METRICS: z
      .object({ track: z.enum(PROMOTION_TRACKS), metrics: z.record(z.string(), z.number().finite()) })
      .meta({ examples: PROMOTION_TRACKS.map((track) => ({ track, metrics: metricsMeetingTargets(track) })) }),
    SIGN_OFF: z.object({ track: z.enum(PROMOTION_TRACKS), comment: z.string().optional() }).meta({ examples: PROMOTION_TRACKS.map((track) => ({ track })) }),
  },
  permissions: { start: ['marketing', 'leadership'], REPORT_METRICS: ['operations', 'marketing'], SIGN_OFF: ['leadership'] },
  deadlines: { steadyEarliest: ({ context }) => duration({ days: (context as PromotionPhasesContext).daysToSteady }) },
  roles: {
    marketing: { 'zh-CN': '市场部', en: 'Marketing' },
    operations: { 'zh-CN': '运营 / 办事处 / 网站团队', en: 'Operations, offices and web team' },
    leadership: { 'zh-CN': '领导', en: 'Leadership' },
  },
  labels: workflowLabels({
    title: { 'zh-CN': '推广阶段推进', en: 'Promotion-phase progression' },
    states: stateLabelsOf(promotionPhasesMachine),
    deadlines: {
      steadyEarliest: { 'zh-CN': '最早进入稳定期', en: 'Earliest move to steady phase' },
    },
    events: {
      REPORT_METRICS: { 'zh-CN': '上报指标', en: 'Report metrics' },
      SIGN_OFF: { 'zh-CN': '阶段验收签批', en: 'Sign off the stage' },
    },
    guards: {
      gateMet: { 'zh-CN': '达到阶段目标', en: 'gate targets met' },
    },
  }),
  description: {
    'zh-CN': '封测 → 内测 → 公测 → 稳定运营；办事处三阶段布局；网站推广四阶段。每一关需指标达标并经领导签批。',
    en: 'Closed → internal → open beta → steady; offices in three stages; website in four. Each gate needs its targets met and a sign-off.',
  },
});
