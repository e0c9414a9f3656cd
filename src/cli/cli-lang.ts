import type { Lang } from '../visualizer/text-metrics.js';
import { CliError } from './cli-error.js';

/**
 * The output language: `--lang` when given (zh-CN or en), else the locale (`LC_ALL`, `LC_MESSAGES`,
 * `LANG`; anything starting with `zh` is zh-CN), else English.
 */
export function resolveLang(option: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (option !== undefined) {
    const normal = option.toLowerCase().replace('_', '-');
    if (normal === 'zh-cn' || normal === 'zh') return 'zh-CN';
    if (normal === 'en' || normal.startsWith('en-')) return 'en';
    throw new CliError(`Unknown language "${option}": use --lang zh-CN or --lang en.`);
  }
  const locale = env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** Pick the sentence in the output language. */
export function t(lang: Lang, zh: string, en: string): string {
  return lang === 'zh-CN' ? zh : en;
}
