// The zh-CN / en switch: one attribute on <html> for page text, one on each diagram's <svg>.

export type Lang = 'zh-CN' | 'en';

/** The language the page shows now. */
export function currentLang(): Lang {
  return document.documentElement.dataset['lang'] === 'en' ? 'en' : 'zh-CN';
}

/** Show `lang` everywhere (page text and every diagram) and remember it. */
export function setLang(lang: Lang): void {
  document.documentElement.dataset['lang'] = lang;
  document.documentElement.lang = lang;
  for (const svg of document.querySelectorAll<SVGSVGElement>('svg.docket-diagram')) svg.dataset['lang'] = lang;
  try {
    localStorage.setItem('docket.lang', lang);
  } catch {
    // Private mode: the switch still works for this page.
  }
  document.dispatchEvent(new CustomEvent('docket:lang', { detail: lang }));
}

/** Wire the header's language buttons. */
export function initLangSwitch(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-set-lang]')) {
    button.addEventListener('click', () => setLang(button.dataset['setLang'] === 'en' ? 'en' : 'zh-CN'));
  }
  setLang(currentLang());
}
