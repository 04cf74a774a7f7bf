import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';

/**
 * Event descriptions are HTML in Google Calendar, and every client that shows one renders it. What
 * Google's own editor makes is kept: bold, italic, underline, links (http, https, mailto), line
 * breaks, paragraphs, lists and headings. Everything else goes: scripts and styles with their
 * content, other tags (their text stays), every attribute but a link's `href`, and links to any
 * other scheme (`javascript:`). The same rule applies to a description from Google and to one
 * written in the CRM, so both sides hold the same text.
 */
const RULE: sanitizeHtml.IOptions = {
  allowedTags: [
    'b',
    'strong',
    'i',
    'em',
    'u',
    'a',
    'br',
    'p',
    'div',
    'span',
    'ul',
    'ol',
    'li',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
  ],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};

/**
 * The description as it is stored, shown and sent: text without markup stays as it is (plain
 * text is what most descriptions are, and it cannot hold a tag); anything with markup is cleaned
 * by the rule above. Null when nothing is left.
 */
export function sanitizeDescription(value: string | null): string | null {
  if (value === null) return null;
  const cleaned = value.includes('<') ? sanitizeHtml(value, RULE) : value;
  return cleaned.trim() === '' ? null : cleaned;
}

const BLOCKS = new Set(['p', 'div', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** The description as plain text: tags gone, entities decoded, a line per break, paragraph or list item. */
export function descriptionText(value: string | null): string | null {
  const html = sanitizeDescription(value);
  if (html === null) return null;
  if (!html.includes('<') && !html.includes('&')) return html;
  const parts: string[] = [];
  const parser = new Parser(
    {
      ontext: (text) => parts.push(text),
      onopentag: (name) => {
        if (name === 'br') parts.push('\n');
        else if (name === 'li') parts.push('\n- ');
        else if (BLOCKS.has(name)) parts.push('\n');
      },
      onclosetag: (name) => {
        if (BLOCKS.has(name) && name !== 'li') parts.push('\n');
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  const text = parts
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text === '' ? null : text;
}
