import type { Lang } from '../visualizer/text-metrics.js';
import { flagError } from './cli-error.js';

/**
 * The output language: `--lang` when given (zh-CN or en), else the locale (`LC_ALL`, `LC_MESSAGES`,
 * `LANG`; anything starting with `zh` is zh-CN), else English.
 */
export function resolveLang(option: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (option !== undefined) {
    const normal = option.toLowerCase().replace('_', '-');
    if (normal === 'zh-cn' || normal === 'zh') return 'zh-CN';
    if (normal === 'en' || normal.startsWith('en-')) return 'en';
    throw flagError('--lang', `Unknown language ${JSON.stringify(option)}: use --lang zh-CN or --lang en.`);
  }
  const locale = env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** Pick the sentence in the output language. */
export function t(lang: Lang, zh: string, en: string): string {
  return lang === 'zh-CN' ? zh : en;
}

/**
 * The output language as `resolveLang` picks it, read from the raw arguments (`--lang zh-CN`,
 * `--lang=zh-CN`), for an error found before the command's context is built (commander's refusal of
 * an unknown option, an unknown `--lang` itself): a value `resolveLang` refuses falls back to the locale.
 */
export function argvLang(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Lang {
  let option: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--lang') option = argv[++i];
    else if (arg.startsWith('--lang=')) option = arg.slice('--lang='.length);
  }
  try {
    return resolveLang(option, env);
  } catch {
    return resolveLang(undefined, env);
  }
}
