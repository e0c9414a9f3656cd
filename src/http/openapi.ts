import { z } from 'zod';
import type { AnyWorkflow } from '../engine/define-workflow.js';
import { ID_MAX_LENGTH, KEY_MAX_LENGTH } from '../store/payload-rules.js';
import { QUERY_PARAMETERS } from './query-parameters.js';
import { INSTANCE_STATUSES } from '../store/records.js';
import { DocketError } from '../errors.js';
import { readBasePath } from './base-path.js';
import { kindOf } from '../input/kind-of.js';

type Json = Record<string, unknown>;

/** What every query-reading route does with its query (see `readQuery` in create-http-handler.ts). */
const QUERY_RULE = 'At most once and not blank; a blank, repeated or unknown query parameter is refused with 400 (INVALID_ARGUMENT, details.field naming it), never ignored.';

/**
 * A route's query parameters as OpenAPI parameter objects, from the list the handler enforces
 * ({@link QUERY_PARAMETERS}); a text parameter carries the query rule as its description.
 */
function queryParameters(route: string): Json[] {
  return Object.entries(QUERY_PARAMETERS[route] ?? {}).map(([name, schema]) =>
    schema.type === 'string' ? { name, in: 'query', required: false, description: QUERY_RULE, schema } : { name, in: 'query', required: false, schema },
  );
}

/** One zod schema as a JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), input side. */
function jsonSchema(schema: z.ZodType): Json {
  try {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json;
    return rest;
  } catch {
    // A schema zod cannot describe (a cycle without an id): accept any JSON rather than fail the document.
    return {};
  }
}

/**
 * An event's schema with its `type` admitted: the engine checks a payload-only schema against the
 * event without its `type`, so a closed object (`z.strictObject`, `.strict()`: `additionalProperties:
 * false`) still takes `{ type, ...payload }`. Each object branch that does not name `type` gets it
 * as a property (in unions and intersections too), so the document accepts what the engine accepts.
 */
function admitType(schema: Json, type: string): Json {
  const branches = (key: 'anyOf' | 'oneOf' | 'allOf') => (Array.isArray(schema[key]) ? { [key]: (schema[key] as Json[]).map((b) => admitType(b, type)) } : {});
  let out: Json = { ...schema, ...branches('anyOf'), ...branches('oneOf'), ...branches('allOf') };
  if (schema.type === 'object') {
    const properties = (schema.properties ?? {}) as Json;
    if (!Object.prototype.hasOwnProperty.call(properties, 'type')) out = { ...out, properties: { ...properties, type: { const: type } } };
  }
  return out;
}

/** Component names allow `[A-Za-z0-9._-]` only. */
const componentName = (...parts: string[]) => parts.join('.').replace(/[^A-Za-z0-9._-]/g, '_');

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const json = (schema: Json, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const idParam = {
  name: 'id', in: 'path', required: true, schema: { type: 'string' },
  description: 'The instance id, percent-encoded as UTF-8 (encodeURIComponent). A segment that is not valid percent-encoding (%zz, an encoded lone surrogate such as %ED%A0%80) is refused, 400 INVALID_ARGUMENT with details.field "id".',
};
const refusals = {
  '400': problem('Malformed request (INVALID_ARGUMENT).'),
  '401': problem('No identity: the host hook returned no actor.'),
  '403': problem('FORBIDDEN: the actor may not do this.'),
  '404': problem('WORKFLOW_NOT_FOUND or INSTANCE_NOT_FOUND (also for an instance of another tenant than the actor\'s; for the actor\'s own instance that retention archived or purged, details.retention says which).'),
  '409': problem('INSTANCE_NOT_ACTIVE, EVENT_NOT_ACCEPTED, OPERATION_NOT_ALLOWED, IDEMPOTENCY_MISMATCH or CONFLICT.'),
  '413': problem('PAYLOAD_TOO_LARGE: the request body is over the handler\'s maxBodyBytes (default 8 MiB).'),
  '422': problem('INVALID_PAYLOAD or UNKNOWN_EVENT (the body failed the workflow\'s schema), INVALID_MIGRATION (no migration declared between the versions), NO_APPROVER (a step found nobody to decide) or INVALID_DEADLINE_RULE.'),
  // Not every 503 is safe to retry blindly: STORE_OUTCOME_UNKNOWN is a commit that may have landed, and
  // the document told clients "retry later" for all of them (a start without an id then ran twice).
  '503': problem(
    'STORE_UNAVAILABLE, ENGINE_CLOSED or MISSING_DEPENDENCY: nothing was written; retry later. STORE_OUTCOME_UNKNOWN: the write may have been applied: ' +
      'read the instance before acting again, or retry with the same Idempotency-Key. A start (POST /instances) without an "id" cannot be read back, so pass an id to make its retry safe (the retry answers CONFLICT if the first one landed).',
  ),
  // The handler answers 500 on every route (onError in create-http-handler.ts), so the document says
  // so: it listed 400–503 only, and a client generated from it had no type for the body it got.
  '500': problem(
    'A fault on the server, not in the request: INTERNAL (an error that is not a DocketError; its message stays in the server log), CORRUPT_SNAPSHOT, MACHINE_ERROR, ' +
      'WORKFLOW_VERSION_NOT_REGISTERED, CALENDAR_YEAR_MISSING, INVALID_HOLIDAY_DATA, EFFECT_TIMEOUT, EXPLORATION_LIMIT, INVALID_WORKFLOW_GRAPH, or an actor the host\'s identify hook returned that Docket cannot use. ' +
      'Changing the request will not help: report it to whoever runs the server.',
  ),
};
/** The refusals of an operation with an `{id}` path parameter: its 400 says how the id is read. */
const idRefusals = {
  ...refusals,
  '400': problem('Malformed request (INVALID_ARGUMENT), including an {id} path segment that is not valid percent-encoded UTF-8 (details.field "id").'),
};
const reasonBody = (extra: Json = {}, required: string[] = []) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', properties: { reason: { type: 'string', minLength: 1 }, ...extra }, required: ['reason', ...required], additionalProperties: false } } },
});

/** Options for {@link openApiDocument}. */
export interface OpenApiOptions {
  readonly title?: string;
  readonly version?: string;
  /** Where the handler is mounted (e.g. `/api`), as the document's server URL. Default `/`. */
  readonly basePath?: string;
}

/**
 * An OpenAPI 3.1 document for the routes of {@link createHttpHandler}, with each workflow's start
 * input and event payloads converted from its zod schemas by `z.toJSONSchema` (newest version of
 * each workflow id), so that a front end can build its forms from it. Start bodies and event bodies
 * are `oneOf` unions discriminated by `workflow` and `type`; an event type several workflows declare
 * is one branch whose payload is any of theirs (the instance's workflow decides which applies).
 *
 * @returns a plain JSON object of the caller's own (serialize it with `JSON.stringify`; editing it changes no rule of the server).
 * @throws DocketError `INVALID_ARGUMENT` naming `details.field` (`workflows`, `workflows[i]`, `options`,
 *   `options.title`, `options.version`, `basePath`) when an argument is not of the shape above.
 */
export function openApiDocument(workflows: readonly AnyWorkflow[], options: OpenApiOptions = {}): Json {
  checkDocumentArguments(workflows, options);
  const basePath = readBasePath(options.basePath, 'openApiDocument');
  const newest = new Map<string, AnyWorkflow>();
  for (const w of workflows) if ((newest.get(w.id)?.version ?? -Infinity) < w.version) newest.set(w.id, w);
  const schemas: Record<string, Json> = {
    Problem: {
      type: 'object',
      properties: {
        type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
        code: { type: 'string' }, instance: { type: 'string' }, details: { type: 'object' },
      },
      required: ['type', 'title', 'status', 'detail', 'code'],
    },
    Instance: {
      type: 'object',
      properties: {
        id: { type: 'string' }, workflow: { type: 'string' }, version: { type: 'integer' }, state: {}, context: {},
        status: { type: 'string', enum: INSTANCE_STATUSES }, suspended: { type: 'boolean' },
        revision: { type: 'integer' }, initiator: { type: 'string' },
        tenant: { type: 'string', description: 'The tenant that owns the instance (the tenant of the actor who started it); absent without tenants.' },
        // As engine.get(id).timers gives them (TimerView): each names the state that armed it.
        timers: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' }, dueAt: { type: 'integer', description: 'epoch ms' },
              state: { type: ['string', 'null'], description: "The state that armed the timer, as a dotted path ('' for the root); null for a delayed raise no state owns." },
              label: { type: 'string', description: "The timer for people: 'after 1h in waiting', 'reviewDue in legal'." },
              provisional: { const: true, description: 'Present when the due instant rests on estimated holiday data (a year with no official schedule yet): it may move when the schedule is added and deadlines are re-resolved.' },
            },
            required: ['name', 'dueAt', 'state', 'label'],
          },
        },
        createdAt: { type: 'integer', description: 'epoch ms' }, updatedAt: { type: 'integer', description: 'epoch ms' },
      },
      required: ['id', 'workflow', 'version', 'status', 'revision'],
    },
    HistoryEntry: {
      type: 'object',
      description: "One entry of an instance's history, as sealed in its hash chain (or, with includeRefused, a refused attempt: kind 'refused', with its code and message).",
      properties: {
        instanceId: { type: 'string' }, revision: { type: 'integer' },
        kind: { type: 'string', enum: ['start', 'event', 'timer', 'admin', 'refused'] },
        event: { type: 'object', properties: { type: { type: 'string' } }, required: ['type'], description: "A timer's firing is 'docket.timer.<name>', with 'delivered', the delay event the machine received." },
        actor: ref('Actor'), at: { type: 'integer', description: 'epoch ms' }, from: {}, to: {},
        timer: {
          type: 'object',
          description: 'For a timer: what fired. state and label are in entries written since they were added.',
          properties: {
            name: { type: 'string', description: "The delay's name, or its length in ms." }, dueAt: { type: 'integer', description: 'epoch ms' }, lateMs: { type: 'integer' },
            state: { type: ['string', 'null'], description: "The state that armed it, as a dotted path; null for a delayed raise no state owns." },
            label: { type: 'string', description: "The timer for people: 'after 1h in review.waiting', never a bare '3600000'." },
          },
          required: ['name', 'dueAt', 'lateMs'],
        },
        reason: { type: 'string' }, onBehalfOf: { type: 'string' }, hash: { type: 'string' }, prevHash: { type: 'string' },
        code: { type: 'string' }, message: { type: 'string' },
      },
      required: ['instanceId', 'kind', 'event', 'actor', 'at'],
    },
    Task: {
      type: 'object',
      properties: {
        id: { type: 'string' }, instanceId: { type: 'string' }, workflow: { type: 'string' }, step: { type: 'string' },
        version: { type: 'integer', description: "The workflow version of the task's instance, whose permissions apply to its actions (absent on tasks stored before it was recorded)." },
        title: { type: 'object', properties: { 'zh-CN': { type: 'string' }, en: { type: 'string' } } },
        assignees: { type: 'array', items: { type: 'string' } }, roles: { type: 'array', items: { type: 'string' } },
        status: { type: 'string', enum: ['open', 'claimed'] }, claimedBy: { type: 'string' },
        dueAt: { type: ['integer', 'null'], description: 'epoch ms' },
        dueProvisional: { const: true, description: 'Present when dueAt rests on estimated holiday data (a provisional deadline).' },
        holders: { type: 'array', items: { type: 'string' }, description: 'Who holds the task in person (a stand-in may act for them); absent: every assignee.' },
        seated: { type: 'array', items: { type: 'string' }, description: "Who holds a seat in the task's step; a stand-in among them is not offered the task for anyone else (one person counts once in a step). Absent: nobody." },
        actions: { type: 'array', items: { type: 'string' }, description: 'Event types the assignee may send for this task.' },
        createdAt: { type: 'integer' }, data: {},
        tenant: { type: 'string', description: "The tenant of the task's instance, when it has one." },
      },
      required: ['id', 'instanceId', 'workflow', 'step', 'actions'],
    },
    Actor: {
      type: 'object',
      description: "Who is asking, as the host's identify hook returned it. With a tenant, every route sees and acts on that tenant's instances only.",
      properties: {
        id: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, name: { type: 'string' },
        tenant: { type: 'string', description: 'Set by the host (e.g. from the session), never by a request parameter.' },
      },
      required: ['id', 'roles'],
    },
    VerifyReport: {
      type: 'object',
      description: 'What the history chain check found. Problems are reported, not raised: ok false with a 200.',
      properties: {
        instanceId: { type: 'string' }, ok: { type: 'boolean' }, entries: { type: 'integer' },
        snapshot: { type: 'string', enum: ['verified', 'unverified', 'mismatch'] }, timers: { type: 'string', enum: ['verified', 'unverified', 'mismatch'] }, keyed: { type: 'boolean' },
        problems: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              revision: { type: 'integer' },
              problem: { type: 'string', enum: ['edited', 'missing', 'reordered', 'head-mismatch', 'snapshot-mismatch', 'timers-mismatch', 'unknown-key', 'unkeyed', 'tenant-mismatch', 'unreadable'] },
              message: { type: 'string' }, keyId: { type: 'string' },
              part: { type: 'string', enum: ['instance', 'history', 'timer'], description: "For 'unreadable': whose stored row cannot be read." },
              column: { type: 'string', description: "For 'unreadable': the column that cannot be read, when the store names it." },
              timerId: { type: 'string', description: "For 'unreadable' in the timer table: the timer row's id." },
            },
            required: ['revision', 'problem', 'message'],
          },
        },
        omittedProblems: { type: 'integer' },
        retention: {
          type: 'object',
          description: 'For an archived instance (its chain checked from the archive) or a purged one (only its sealed tombstone checked).',
          properties: { kind: { type: 'string', enum: ['archived', 'purged'] }, archivedAt: { type: 'integer', description: 'epoch ms' }, tombstone: ref('Tombstone') },
          required: ['kind'],
        },
      },
      required: ['instanceId', 'ok', 'entries', 'snapshot', 'timers', 'keyed', 'problems'],
    },
    Tombstone: {
      type: 'object',
      description: "What is left of a purged instance: its chain head, sealed like a history entry.",
      properties: {
        id: { type: 'string' }, workflow: { type: 'string' }, version: { type: 'integer' }, tenant: { type: 'string' },
        status: { type: 'string', enum: ['done', 'failed', 'cancelled'] }, revision: { type: 'integer' },
        historyHash: { type: 'string' }, stateHash: { type: 'string' }, finishedAt: { type: 'integer' }, purgedAt: { type: 'integer' },
        verifiedEntries: { type: 'integer' }, keyId: { type: 'string' }, hash: { type: 'string' },
      },
      required: ['id', 'workflow', 'version', 'status', 'revision', 'historyHash', 'finishedAt', 'purgedAt', 'verifiedEntries', 'hash'],
    },
    ArchivedView: {
      type: 'object',
      description: 'kind archived: the instance record, when it was archived, its history, refusals and effects; kind purged: its tombstone.',
      properties: {
        kind: { type: 'string', enum: ['archived', 'purged'] }, instance: { type: 'object' }, archivedAt: { type: 'integer' },
        history: { type: 'array', items: { type: 'object' } }, refusals: { type: 'array', items: { type: 'object' } },
        effects: { type: 'array', items: { type: 'object' } }, tombstone: ref('Tombstone'),
      },
      required: ['kind'],
    },
    MigrationReport: {
      type: 'object',
      description: 'What a migration did (dryRun: would do). A real run with nothing changed in between reports the same moved and blocked as its dry run.',
      properties: {
        workflow: { type: 'string' }, from: { type: 'integer' }, to: { type: 'integer' }, dryRun: { type: 'boolean' },
        at: { type: 'integer', description: 'epoch ms the timers were computed from' }, selected: { type: 'integer' },
        moved: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              instanceId: { type: 'string' }, fromState: {}, target: { type: 'string' }, toState: {}, revision: { type: 'integer' },
              effectsAgain: {
                type: 'array',
                description: 'Warning: states the move enters again whose entry actions send these effects again.',
                items: { type: 'object', properties: { state: { type: 'string' }, effects: { type: 'array', items: { type: 'string' } } }, required: ['state', 'effects'] },
              },
              lostVotes: {
                type: 'array',
                description: 'Warning: approval steps whose recorded votes the move drops (a new round), with how many and who cast them.',
                items: { type: 'object', properties: { step: { type: 'string' }, votes: { type: 'integer' }, voters: { type: 'array', items: { type: 'string' } } }, required: ['step', 'votes', 'voters'] },
              },
              timers: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' }, dueAt: { type: 'integer' }, state: { type: ['string', 'null'] },
                    label: { type: 'string', description: "The timer for people, as Instance timers have it: 'after 1h in waiting', never a bare '3600000'." },
                  },
                  required: ['name', 'dueAt', 'state', 'label'],
                },
              },
            },
            required: ['instanceId', 'target', 'revision'],
          },
        },
        blocked: {
          type: 'array',
          items: { type: 'object', properties: { instanceId: { type: 'string' }, state: {}, code: { type: 'string' }, message: { type: 'string' } }, required: ['instanceId', 'code', 'message'] },
        },
        finished: { type: 'integer' }, skipped: { type: 'integer' },
      },
      required: ['workflow', 'from', 'to', 'dryRun', 'selected', 'moved', 'blocked', 'finished', 'skipped'],
    },
    RetainReport: {
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['archive', 'purge'] }, dryRun: { type: 'boolean' }, finishedBefore: { type: 'integer', description: 'epoch ms' },
        ids: { type: 'array', items: { type: 'string' } },
        skipped: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, reason: { type: 'string' } }, required: ['id', 'reason'] } },
        more: { type: 'boolean', description: 'The batch was full: call again.' },
      },
      required: ['mode', 'dryRun', 'finishedBefore', 'ids', 'skipped', 'more'],
    },
    BatchResult: {
      type: 'object',
      properties: { ok: { type: 'boolean' }, instanceId: { type: 'string' }, view: ref('Instance'), error: ref('Problem') },
      required: ['ok', 'instanceId'],
    },
  };
  const starts: Json[] = [];
  // One branch per event type: several workflows declaring one type (APPROVE, SUBMIT) would each
  // admit the same body, and a `oneOf` admits a body only when exactly one branch does, so the
  // document refused every shared event the engine accepts. The instance's workflow decides which
  // payload applies, so a shared type is an `anyOf` over its workflows' payloads.
  const byType = new Map<string, Json[]>();
  for (const w of newest.values()) {
    const input = componentName(w.id, 'input');
    schemas[input] = jsonSchema(w.input);
    starts.push({
      type: 'object',
      title: w.labels?.title?.en ?? w.id,
      properties: { workflow: { const: w.id }, input: ref(input), id: { type: 'string', minLength: 1, maxLength: ID_MAX_LENGTH, not: { enum: ['.', '..'] }, description: 'Optional instance id (else generated): any id but the dot segments . and .., which no URL can name.' } },
      required: ['workflow', 'input'],
      additionalProperties: false,
    });
    for (const [type, schema] of Object.entries(w.events)) {
      const name = componentName(w.id, 'event', type);
      schemas[name] = admitType(jsonSchema(schema), type);
      const branches = byType.get(type) ?? [];
      branches.push({ ...ref(name), title: `${w.id} ${type}` });
      byType.set(type, branches);
    }
  }
  const events: Json[] = [...byType].map(([type, branches]) => ({
    allOf: [branches.length === 1 ? { $ref: branches[0]!.$ref } : { anyOf: branches }, { type: 'object', properties: { type: { const: type } }, required: ['type'] }],
    title: branches.length === 1 ? (branches[0]!.title as string) : type,
  }));
  const page = { type: 'object', properties: { items: { type: 'array', items: ref('Instance') }, nextCursor: { type: 'string' } }, required: ['items'] };
  // The caller's own copy: the document held the server's rules by reference (INSTANCE_STATUSES, the
  // QUERY_PARAMETERS schemas), so a host adding a value to the document's status enum made the store,
  // the HTTP ?status= rule and every later document accept it.
  return structuredClone({
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'Docket workflows',
      version: options.version ?? '1',
      description:
        "Tenants: the tenant is not a request parameter. It comes from the identified actor (the host's identify hook returns { id, roles, tenant }). " +
        "A request by an actor with a tenant sees and acts on that tenant's instances only: lists, the inbox, migrations and retention are filtered, " +
        'and any other tenant\'s instance id answers 404 INSTANCE_NOT_FOUND, exactly as an id that does not exist. An actor without a tenant sees every instance.',
    },
    servers: [{ url: basePath || '/' }],
    paths: {
      '/instances': {
        post: {
          operationId: 'start', summary: 'Start an instance of a workflow (its newest version).',
          requestBody: { required: true, content: { 'application/json': { schema: { oneOf: starts } } } },
          responses: { '201': json(ref('Instance'), 'Started'), ...refusals },
        },
        get: {
          operationId: 'list', summary: 'List instances, a page at a time.',
          parameters: queryParameters('GET /instances'),
          responses: { '200': json(page), ...refusals },
        },
      },
      '/instances/{id}': {
        get: { operationId: 'get', parameters: [idParam], responses: { '200': json(ref('Instance')), ...idRefusals } },
      },
      '/instances/{id}/events': {
        post: {
          operationId: 'send', summary: 'Send one event. An Idempotency-Key header makes a retry safe.',
          parameters: [idParam, { name: 'Idempotency-Key', in: 'header', required: false, description: 'The same key for a retry of the same act. Sent once and without a comma: HTTP joins a repeated header with commas, so a comma cannot be told from the header sent twice; either is refused, as is an empty key (400 INVALID_ARGUMENT, details.field "Idempotency-Key").', schema: { type: 'string', minLength: 1, maxLength: KEY_MAX_LENGTH, pattern: '^[^,]*$' } }],
          requestBody: { required: true, content: { 'application/json': { schema: { oneOf: events.length ? events : [{ type: 'object' }] } } } },
          responses: {
            '200': json(ref('Instance')), ...idRefusals,
            '400': problem('Malformed request (INVALID_ARGUMENT), including an {id} path segment that is not valid percent-encoded UTF-8 (details.field "id") and an Idempotency-Key header sent more than once, holding a comma or empty (details.field "Idempotency-Key").'),
          },
        },
      },
      '/instances/{id}/history': {
        get: {
          operationId: 'history',
          summary: 'The history, a page at a time: { items, nextCursor? } of accepted entries (100 unless limit; pass nextCursor back as cursor), with includeRefused=true merged with the refusals made at the page\'s revisions.',
          parameters: [
            idParam,
            ...queryParameters('GET /instances/:id/history'),
          ],
          responses: {
            '200': json({ type: 'object', properties: { items: { type: 'array', items: ref('HistoryEntry') }, nextCursor: { type: 'string' } }, required: ['items'] }),
            ...idRefusals,
          },
        },
      },
      '/tasks': {
        get: {
          operationId: 'tasks', summary: 'The inbox: open tasks of the caller (by user and by role), each with the actions it allows. Admins may pass assignee.',
          parameters: queryParameters('GET /tasks'),
          responses: { '200': json({ type: 'array', items: ref('Task') }), ...refusals },
        },
      },
      '/batch': {
        post: {
          operationId: 'sendMany', summary: 'Send several events; each act stands on its own (批量审批).',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'object', properties: { acts: { type: 'array', items: { type: 'object', properties: { instanceId: { type: 'string' }, event: { oneOf: events.length ? events : [{ type: 'object' }] }, idempotencyKey: { type: 'string' } }, required: ['instanceId', 'event'], additionalProperties: false } } }, required: ['acts'], additionalProperties: false } } },
          },
          responses: { '200': json({ type: 'array', items: ref('BatchResult') }), ...refusals },
        },
      },
      ...Object.fromEntries((['suspend', 'resume', 'terminate'] as const).map((op) => [
        `/instances/{id}/${op}`,
        { post: { operationId: op, summary: `Admin: ${op} an instance (audited).`, parameters: [idParam], requestBody: reasonBody(), responses: { '200': json(ref('Instance')), ...idRefusals } } },
      ])),
      '/instances/{id}/move': {
        post: { operationId: 'moveTo', summary: 'Admin: move an instance to any state (a dotted path).', parameters: [idParam], requestBody: reasonBody({ target: { type: 'string' } }, ['target']), responses: { '200': json(ref('Instance')), ...idRefusals } },
      },
      '/admin/reassign': {
        post: {
          operationId: 'reassign', summary: 'Admin: hand every assignment of a leaver to another person (离职转办).',
          requestBody: reasonBody({ from: { type: 'string' }, to: { type: 'string' }, workflow: { type: 'string' } }, ['from', 'to']),
          responses: { '200': json({ type: 'array', items: ref('BatchResult') }), ...refusals },
        },
      },
      '/instances/{id}/verify': {
        get: {
          operationId: 'verify', summary: 'Check the history chain (hashes, order, head, stored state, tenant); also for an archived or purged instance.',
          parameters: [idParam], responses: { '200': json(ref('VerifyReport')), ...idRefusals },
        },
      },
      '/instances/{id}/archived': {
        get: {
          operationId: 'archived', summary: 'An archived instance with its history, or a purged one\'s tombstone (404 while live or unknown).',
          parameters: [idParam], responses: { '200': json(ref('ArchivedView')), ...idRefusals },
        },
      },
      '/admin/migrate': {
        post: {
          operationId: 'migrate', summary: 'Admin: move instances of a workflow version to another by the migration the new version declares; dryRun first.',
          requestBody: reasonBody({
            workflow: { type: 'string' }, from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 }, dryRun: { type: 'boolean' },
            where: { type: 'object', properties: { state: { type: 'string', description: 'dotted state path, children included' }, instanceIds: { type: 'array', items: { type: 'string' } } }, additionalProperties: false },
          }, ['workflow', 'from', 'to']),
          responses: { '200': json(ref('MigrationReport')), ...refusals },
        },
      },
      '/admin/retain': {
        post: {
          operationId: 'retain', summary: 'Admin: archive or purge one batch of finished instances older than the policy; dryRun lists them.',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    policy: {
                      oneOf: [
                        { type: 'object', properties: { olderThan: { type: 'object', properties: { days: { type: 'number', minimum: 0 } }, required: ['days'] } }, required: ['olderThan'] },
                        { type: 'object', properties: { finishedBefore: { type: 'integer', description: 'epoch ms' } }, required: ['finishedBefore'] },
                      ],
                    },
                    mode: { type: 'string', enum: ['archive', 'purge'] }, dryRun: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 1000 },
                  },
                  required: ['policy', 'mode'],
                  additionalProperties: false,
                },
              },
            },
          },
          responses: { '200': json(ref('RetainReport')), ...refusals },
        },
      },
      '/me': { get: { operationId: 'me', summary: 'The actor the host hook identified (with its tenant, if any).', responses: { '200': json(ref('Actor')), ...refusals } } },
    },
    components: { schemas },
  });
}

/** The arguments of {@link openApiDocument}, checked (also by createHttpHandler, at creation). Internal. */
export function checkDocumentArguments(workflows: unknown, options: unknown): void {
  if (!Array.isArray(workflows)) {
    throw new DocketError('INVALID_ARGUMENT', `openApiDocument(workflows, options): workflows must be the array of workflows the handler serves (what defineWorkflow returned), e.g. openApiDocument([contractApproval]); got ${kindOf(workflows)}.`, { field: 'workflows' });
  }
  workflows.forEach((w: unknown, i) => {
    const given = w as { id?: unknown; version?: unknown; input?: { safeParse?: unknown } | null; events?: unknown } | null;
    const isWorkflow =
      typeof given === 'object' && given !== null && typeof given.id === 'string' && typeof given.version === 'number' &&
      typeof given.input === 'object' && given.input !== null && typeof given.input.safeParse === 'function' &&
      typeof given.events === 'object' && given.events !== null && !Array.isArray(given.events);
    if (!isWorkflow) {
      throw new DocketError('INVALID_ARGUMENT', `openApiDocument: workflows[${i}] is not a workflow (what defineWorkflow returns: a string id, a number version, a zod input schema and an events object); got ${kindOf(w)}.`, { field: `workflows[${i}]` });
    }
  });
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new DocketError('INVALID_ARGUMENT', `openApiDocument: options must be an object { title?, version?, basePath? }; got ${kindOf(options)}.`, { field: 'options' });
  }
  for (const name of ['title', 'version'] as const) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined && typeof value !== 'string') {
      throw new DocketError('INVALID_ARGUMENT', `openApiDocument: options.${name} must be a string; got ${kindOf(value)}.`, { field: `options.${name}` });
    }
  }
}
