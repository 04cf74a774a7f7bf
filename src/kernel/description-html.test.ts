import { describe, expect, it } from 'vitest';
import { descriptionText, sanitizeDescription } from './description-html.js';

describe('sanitizeDescription', () => {
  it("keeps what Google's editor makes", () => {
    const html =
      '<b>Agenda</b><br><i>short</i> <u>call</u><ul><li>item 1</li><li>item 2</li></ul>' +
      '<h1>Title</h1><p>See <a href="https://example.com/x">the deck</a> or <a href="mailto:a@b.c">mail</a></p>';
    expect(sanitizeDescription(html)).toBe(html.replace('<br>', '<br />'));
  });

  it('drops scripts and styles with their content, handlers and javascript: links', () => {
    expect(sanitizeDescription('<script>alert("boom")</script><h1>HELLO</h1><ul><li>item 1</li></ul>')).toBe(
      '<h1>HELLO</h1><ul><li>item 1</li></ul>',
    );
    expect(sanitizeDescription('<style>p{color:red}</style><p onclick="steal()">hi</p>')).toBe('<p>hi</p>');
    expect(sanitizeDescription('<a href="javascript:alert(1)">x</a>')).toBe('<a>x</a>');
    expect(sanitizeDescription('<img src=x onerror="alert(1)">caption')).toBe('caption');
    expect(sanitizeDescription('<a href="//evil.example/x" target="_blank">x</a>')).toBe('<a>x</a>');
  });

  it('keeps plain text as it is, and gives null for nothing', () => {
    expect(sanitizeDescription('Q&A\n1. pricing\n2. terms')).toBe('Q&A\n1. pricing\n2. terms');
    expect(sanitizeDescription(null)).toBeNull();
    expect(sanitizeDescription('<script>only()</script>')).toBeNull();
  });
});

describe('descriptionText', () => {
  it('is the text, with a line per break, paragraph and list item, entities decoded', () => {
    expect(descriptionText('<b>Agenda</b><br>Q&amp;A<ul><li>item 1</li><li>item 2</li></ul><p>end</p>')).toBe(
      'Agenda\nQ&A\n\n- item 1\n- item 2\n\nend',
    );
    expect(descriptionText('<script>alert(1)</script>hello')).toBe('hello');
    expect(descriptionText('plain\ntext')).toBe('plain\ntext');
    expect(descriptionText(null)).toBeNull();
  });
});
