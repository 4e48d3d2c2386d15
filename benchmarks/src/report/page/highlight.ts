import { createHighlighter, type ThemedToken } from 'shiki';

/**
 * Syntax highlighting at build time with shiki (TextMate grammars, the VS Code highlighter). The page gets
 * spans with short class names instead of shiki's inline styles (a colour per token repeated thousands of
 * times), and one style sheet for the colours: the code view stays a fraction of the size.
 */
export interface Highlighter {
  /** One HTML string per line (escaped, with spans; class names unquoted, which HTML allows). */
  lines(code: string, lang: 'typescript' | 'sql'): string[];
  /** The classes used so far, as CSS. */
  css(): string;
}

const THEME = 'github-light';
const DEFAULT_COLOR = '#24292E';

export const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export async function createCodeHighlighter(): Promise<Highlighter> {
  const shiki = await createHighlighter({ themes: [THEME], langs: ['typescript', 'sql'] });
  // shiki 4's first tokenisation of a template literal ends the literal late (the whole rest of the snippet
  // came back as one string token); every later call is right, so the first call is a throw-away
  // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source with a template literal, as text
  shiki.codeToTokensBase('const a = `${b}`;\nreturn c;', { lang: 'typescript', theme: THEME });
  const classes = new Map<string, string>();
  const classOf = (token: ThemedToken): string | null => {
    const color = token.color?.toUpperCase() ?? DEFAULT_COLOR;
    const italic = ((token.fontStyle ?? 0) & 1) === 1;
    if (color === DEFAULT_COLOR && !italic) return null;
    const key = `${color}${italic ? ' i' : ''}`;
    let name = classes.get(key);
    if (!name) {
      name = `h${classes.size}`;
      classes.set(key, name);
    }
    return name;
  };
  return {
    lines(code, lang) {
      const tokens = shiki.codeToTokensBase(code, { lang, theme: THEME });
      return tokens.map((line) => {
        let html = '';
        let open: string | null = null;
        let text = '';
        const flush = () => {
          if (!text) return;
          html += open ? `<span class=${open}>${escapeHtml(text)}</span>` : escapeHtml(text);
          text = '';
        };
        for (const token of line) {
          // whitespace takes no colour: it joins the span before it
          const cls: string | null = /^\s+$/.test(token.content) ? open : classOf(token);
          if (cls !== open) {
            flush();
            open = cls;
          }
          text += token.content;
        }
        flush();
        return html;
      });
    },
    css() {
      return [...classes]
        .map(([key, name]) => {
          const [color, italic] = key.split(' ');
          return `.${name}{color:${color}${italic ? ';font-style:italic' : ''}}`;
        })
        .join('');
    },
  };
}
