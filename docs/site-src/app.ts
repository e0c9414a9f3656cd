// The one browser bundle: the language switch everywhere, and each page's own behaviour.
import { attachViewer } from './diagrams.js';
import { initInstanceView } from './instance-page.js';
import { initLangSwitch } from './lang.js';
import { initSimulator } from './simulator.js';
import { initTimeline } from './timeline-page.js';

initLangSwitch();
const pageKind = document.body.dataset['page'];
const ready = (): void => {
  document.body.dataset['ready'] = 'true';
};
const run = async (): Promise<void> => {
  if (pageKind === 'simulator') await initSimulator();
  else if (pageKind === 'timeline') initTimeline();
  else if (pageKind === 'instance') await initInstanceView();
  else {
    // A workflow page: its diagram (drawn at build time) scaled to the page width, with zoom.
    const host = document.getElementById('diagram');
    if (host?.querySelector('svg.docket-diagram')) attachViewer(host, 'page');
    ready();
  }
};
run().catch((error: unknown) => {
  const box = document.createElement('div');
  box.className = 'message error';
  box.textContent = `The page failed to start: ${error instanceof Error ? error.message : String(error)}`;
  document.querySelector('main')?.prepend(box);
  document.body.dataset['ready'] = 'error';
});
