// A clean profile of the engine's per-act cost on a documented process (workload 1): many instances
// of one scenario, the measured act sent to each, nothing else in the process worth sampling.
//   node --cpu-prof --cpu-prof-dir=/tmp/docket-prof/act --import tsx bench/profile.ts [scenario-index=2] [n=3000] [act|start|timer]
//   npx tsx bench/profile-summary.ts /tmp/docket-prof/act/<file>.cpuprofile
import { createEngine, memoryStore, virtualClock } from '../src/index.js';
import { noopEffects } from './effects.js';
import { calendar, directory, scenarios } from './real-machines.js';

const [indexArg, nArg, what = 'act'] = process.argv.slice(2);
const sc = scenarios[Number(indexArg ?? 2)]!;
const n = Number(nArg ?? 3000);
const clock = virtualClock(sc.startAt);
const engine = createEngine({ store: memoryStore(), clock, calendar, directory, workflows: [sc.workflow], effects: noopEffects, workerId: 'profile' });
const ids: string[] = [];
const t0 = performance.now();
for (let i = 0; i < n; i++) ids.push(await engine.start(sc.workflow.id as never, sc.input as never, { actor: sc.starter }));
const t1 = performance.now();
const prep = what === 'timer' ? sc.timerPrep : sc.actPrep;
for (const step of prep) {
  if (step === 'timer') await clock.advanceTo(Math.min(...(await engine.get(ids[0]!)).timers.map((t) => t.dueAt)));
  else for (const id of ids) await engine.send(id, step.event as never, { actor: step.actor });
}
const t2 = performance.now();
if (what === 'timer') await clock.advanceTo(Math.min(...(await engine.get(ids[0]!)).timers.map((t) => t.dueAt)));
else for (const id of ids) await engine.send(id, sc.act.event as never, { actor: sc.act.actor });
const t3 = performance.now();
console.log(`${sc.name}: start ${((t1 - t0) / n).toFixed(3)} ms, ${what} ${((t3 - t2) / n).toFixed(3)} ms per instance (n=${n})`);
await engine.close();
